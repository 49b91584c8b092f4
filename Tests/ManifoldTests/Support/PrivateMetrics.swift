// PrivateMetrics: trustworthiness, a tiny k-means and clustering accuracy for the Manifold
// behaviour tests. The Metrics and Clustering modules are written on another branch; these
// stand-ins keep the tests self-contained until they land (then the tests should use them).

import Foundation
import Tensor

/// Gaussian blobs: `perCluster` points around each of `centers` (row-major `[clusters, d]`).
func gaussianBlobs(
  centers: [[Double]], perCluster: Int, standardDeviation: Double, seed: UInt64
) -> (data: Tensor, labels: [Int]) {
  var rng = Xoshiro256(seed: seed)
  var values: [Double] = []
  var labels: [Int] = []
  for (label, center) in centers.enumerated() {
    for _ in 0..<perCluster {
      for c in center { values.append(c + standardDeviation * rng.nextStandardNormal()) }
      labels.append(label)
    }
  }
  return (Tensor(values, shape: [labels.count, centers[0].count]), labels)
}

/// Well-separated centres: `clusters` corners of a scaled simplex-like pattern in `d` dims.
func separatedCenters(clusters: Int, dimensions: Int, scale: Double, seed: UInt64) -> [[Double]] {
  var rng = Xoshiro256(seed: seed)
  return (0..<clusters).map { _ in (0..<dimensions).map { _ in scale * rng.nextStandardNormal() } }
}

private func squaredDistances(_ x: [Double], _ n: Int, _ d: Int) -> [Double] {
  var out = [Double](repeating: 0, count: n * n)
  for i in 0..<n {
    for j in 0..<n {
      var s = 0.0
      for c in 0..<d { s += (x[i * d + c] - x[j * d + c]) * (x[i * d + c] - x[j * d + c]) }
      out[i * n + j] = s
    }
  }
  return out
}

/// scikit-learn's `trustworthiness(X, X_embedded, n_neighbors=k)`:
/// `1 − 2/(n k (2n − 3k − 1)) Σ_i Σ_{j ∈ N_k^emb(i)} max(0, r(i, j) − k)`, with `r` the
/// 1-based rank of `j` among `i`'s input-space neighbours (ties by index).
func trustworthiness(_ input: Tensor, _ embedded: Tensor, neighbors k: Int) -> Double {
  let n = input.shape[0]
  let dx = squaredDistances(input.doubles, n, input.shape[1])
  let dy = squaredDistances(embedded.doubles, n, embedded.shape[1])
  var total = 0.0
  var rank = [Int](repeating: 0, count: n)
  for i in 0..<n {
    let inputOrder = (0..<n).filter { $0 != i }.sorted {
      dx[i * n + $0] < dx[i * n + $1] || (dx[i * n + $0] == dx[i * n + $1] && $0 < $1)
    }
    for (position, j) in inputOrder.enumerated() { rank[j] = position + 1 }
    let embeddedOrder = (0..<n).filter { $0 != i }.sorted {
      dy[i * n + $0] < dy[i * n + $1] || (dy[i * n + $0] == dy[i * n + $1] && $0 < $1)
    }
    for j in embeddedOrder.prefix(k) { total += Double(max(0, rank[j] - k)) }
  }
  let nd = Double(n)
  let kd = Double(k)
  return 1 - total * 2 / (nd * kd * (2 * nd - 3 * kd - 1))
}

/// Lloyd's k-means with k-means++ seeding, best of `restarts` by inertia.
func kMeansLabels(_ x: Tensor, clusters: Int, restarts: Int = 10, seed: UInt64) -> [Int] {
  let (n, d) = (x.shape[0], x.shape[1])
  let v = x.doubles
  var rng = Xoshiro256(seed: seed)
  func distance(_ i: Int, _ c: [Double]) -> Double {
    (0..<d).reduce(0) { $0 + (v[i * d + $1] - c[$1]) * (v[i * d + $1] - c[$1]) }
  }
  var best: (Double, [Int]) = (.infinity, [])
  for _ in 0..<restarts {
    let first = Int(rng.next(upperBound: UInt64(n)))
    var centers = [Array(v[first * d..<(first + 1) * d])]
    while centers.count < clusters {
      let weights = (0..<n).map { i in centers.map { distance(i, $0) }.min()! }
      var target = rng.nextUnitDouble() * weights.reduce(0, +)
      var chosen = n - 1
      for i in 0..<n {
        target -= weights[i]
        if target <= 0 {
          chosen = i
          break
        }
      }
      centers.append(Array(v[chosen * d..<(chosen + 1) * d]))
    }
    var labels = [Int](repeating: 0, count: n)
    for _ in 0..<100 {
      var changed = false
      for i in 0..<n {
        let label = (0..<clusters).min { distance(i, centers[$0]) < distance(i, centers[$1]) }!
        if label != labels[i] {
          changed = true
          labels[i] = label
        }
      }
      for c in 0..<clusters {
        let members = (0..<n).filter { labels[$0] == c }
        if members.isEmpty { continue }
        centers[c] = (0..<d).map { k in
          members.reduce(0) { $0 + v[$1 * d + k] } / Double(members.count)
        }
      }
      if !changed { break }
    }
    let inertia = (0..<n).reduce(0) { $0 + distance($1, centers[labels[$1]]) }
    if inertia < best.0 { best = (inertia, labels) }
  }
  return best.1
}

/// Clustering accuracy under the best one-to-one relabelling (brute force; ≤ 8 clusters).
func clusteringAccuracy(_ predicted: [Int], _ truth: [Int]) -> Double {
  let k = max(predicted.max()!, truth.max()!) + 1
  precondition(k <= 8, "clusteringAccuracy: brute force supports at most 8 clusters")
  var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
  for (p, t) in zip(predicted, truth) { counts[p][t] += 1 }
  var best = 0
  func search(_ row: Int, _ used: inout [Bool], _ sum: Int) {
    if row == k {
      best = max(best, sum)
      return
    }
    for column in 0..<k where !used[column] {
      used[column] = true
      search(row + 1, &used, sum + counts[row][column])
      used[column] = false
    }
  }
  var used = [Bool](repeating: false, count: k)
  search(0, &used, 0)
  return Double(best) / Double(truth.count)
}
