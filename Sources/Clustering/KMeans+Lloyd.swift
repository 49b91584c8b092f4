// KMeans+Lloyd: one k-means run by Lloyd's algorithm with GEMM distances and scikit-learn's
// empty-cluster relocation.

import Tensor

/// The outcome of one run, in the original (uncentred) coordinates.
struct KMeansRun {
  /// `[k · d]` row-major.
  var centers: [Double]
  var labels: [Int]
  var inertia: Double
  var iterations: Int
  var converged: Bool
}

/// The data of a k-means fit prepared once for every run: centred, on the CPU backend, with the
/// quantities each iteration reuses.
struct LloydProblem<T: HostFloat> {
  let count: Int
  let dimension: Int
  /// `x − mean(x)`, `[n, d]` in `T`.
  let data: Tensor
  let values: UnsafeMutablePointer<T>
  /// The column means that were subtracted.
  let mean: [Double]
  let weights: [Double]
  let uniformWeights: Bool
  /// `‖x_i − mean‖²` in `Double`.
  let norms: [Double]
  /// The mean of the features' variances: `tolerance` is relative to it.
  let meanVariance: Double
  /// A column-major copy (`columns[c · n + i]`) for the few-feature path, or `nil` when the
  /// GEMM path is used (more than 32 features).
  let columns: HostBuffer<T>?
  /// Threads of the few-feature path: as many as OpenBLAS has (one knob, RELIABILITY R3).
  let workers: Int

  init(_ x: Tensor, weights: [Double]) {
    count = x.shape[0]
    dimension = x.shape[1]
    let source = T.elements(of: x.storage)
    var mean = [Double](repeating: 0, count: dimension)
    for i in 0..<count {
      for c in 0..<dimension { mean[c] += Double(source[i * dimension + c]) }
    }
    for c in 0..<dimension { mean[c] /= Double(count) }
    var centred = [T](repeating: 0, count: count * dimension)
    var variance = [Double](repeating: 0, count: dimension)
    var norms = [Double](repeating: 0, count: count)
    for i in 0..<count {
      var norm = 0.0
      for c in 0..<dimension {
        let value = Double(source[i * dimension + c]) - mean[c]
        centred[i * dimension + c] = T(value)
        variance[c] += value * value
        norm += Double(T(value)) * Double(T(value))
      }
      norms[i] = norm
    }
    data = T.tensor(centred, shape: [count, dimension])
    values = T.elements(of: data.storage)
    self.mean = mean
    self.weights = weights
    uniformWeights = weights.allSatisfy { $0 == 1 }
    self.norms = norms
    meanVariance = variance.reduce(0, +) / Double(count * dimension)
    workers = CPUBackend.blasThreads
    if dimension <= 32 {
      let columns = HostBuffer<T>(repeating: 0, count: count * dimension)
      for i in 0..<count {
        for c in 0..<dimension { columns.pointer[c * count + i] = centred[i * dimension + c] }
      }
      self.columns = columns
    } else {
      columns = nil
    }
  }

  /// Row `i` as `Double`s.
  func row(_ i: Int) -> [Double] {
    (0..<dimension).map { Double(values[i * dimension + $0]) }
  }

  /// The nearest centre of every point (lowest index on ties), by `‖c‖² − 2x·c` from one GEMM.
  ///
  /// - Parameter centers: `[k · d]` centred coordinates.
  func assign(_ centers: [Double], k: Int) -> [Int32] {
    if let columns { return assignDirect(centers, k: k, columns: columns) }
    let rounded = centers.map { T($0) }
    let products = matmul(T.tensor(rounded, shape: [k, dimension]), data, transposeB: true)
    let g = T.elements(of: products.storage)  // [k, n]
    let n = count
    let best = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(n, 1))
    defer { best.deallocate() }
    best.initialize(repeating: .infinity, count: n)
    var labels = [Int32](repeating: 0, count: n)
    labels.withUnsafeMutableBufferPointer { buffer in
      let labels = buffer.baseAddress!
      for j in 0..<k {
        var norm: T = 0
        for c in 0..<dimension { norm += rounded[j * dimension + c] * rounded[j * dimension + c] }
        improveAssignment(g + j * n, norm: norm, label: Int32(j), best, labels, n)
      }
    }
    return labels
  }

  /// Weighted sums of the points of every cluster and the clusters' total weights.
  func clusterSums(_ labels: [Int32], k: Int) -> (sums: [Double], weights: [Double]) {
    if columns != nil { return clusterSumsDirect(labels, k: k) }
    var membership = [T](repeating: 0, count: k * count)
    var totals = [Double](repeating: 0, count: k)
    for p in 0..<count {
      let label = Int(labels[p])
      membership[label * count + p] = T(weights[p])
      totals[label] += weights[p]
    }
    let sums = matmul(T.tensor(membership, shape: [k, count]), data)  // [k, d]
    return (sums.doubles, totals)
  }

  /// One Lloyd run from `initial` centres (centred coordinates), following scikit-learn's
  /// `_kmeans_single_lloyd`: stop when the labels repeat (strict convergence) or the total
  /// squared centre shift is at most `tolerance × mean variance`, then relabel with the final
  /// centres.
  func lloyd(from initial: [Double], maxIterations: Int, tolerance: Double) -> KMeansRun {
    let k = initial.count / dimension
    let threshold = tolerance * meanVariance
    var centers = initial
    var labels = [Int32](repeating: -1, count: count)
    var previous = labels
    var iterations = 0
    var converged = false
    var strict = false
    for iteration in 0..<maxIterations {
      iterations = iteration + 1
      labels = assign(centers, k: k)
      var (sums, totals) = clusterSums(labels, k: k)
      relocateEmptyClusters(&sums, &totals, labels: labels, centers: centers)
      var shift = 0.0
      for j in 0..<k where totals[j] > 0 {
        for c in 0..<dimension {
          let updated = sums[j * dimension + c] / totals[j]
          let delta = updated - centers[j * dimension + c]
          shift += delta * delta
          centers[j * dimension + c] = updated
        }
      }
      if labels == previous {
        strict = true
        converged = true
        break
      }
      if shift <= threshold {
        converged = true
        break
      }
      previous = labels
    }
    if !strict { labels = assign(centers, k: k) }
    let final = labels.map { Int($0) }
    return KMeansRun(
      centers: uncentred(centers), labels: final, inertia: inertia(centers, final),
      iterations: iterations, converged: converged)
  }

  /// scikit-learn's relocation: each empty cluster (ascending) takes the point farthest from
  /// its current centre (descending distance, lower index on ties), which leaves its old
  /// cluster.
  ///
  /// Operates on the weighted sums before they are averaged.
  func relocateEmptyClusters(
    _ sums: inout [Double], _ totals: inout [Double], labels: [Int32], centers: [Double]
  ) {
    let empty = totals.indices.filter { totals[$0] == 0 }
    if empty.isEmpty { return }
    var distances = [Double](repeating: 0, count: count)
    for p in 0..<count {
      var sum = 0.0
      for c in 0..<dimension {
        let difference =
          Double(values[p * dimension + c]) - centers[Int(labels[p]) * dimension + c]
        sum += difference * difference
      }
      distances[p] = sum
    }
    let far = (0..<count).sorted {
      distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1)
    }
    for (cluster, point) in zip(empty, far) {
      let old = Int(labels[point])
      let weight = weights[point]
      for c in 0..<dimension {
        let value = Double(values[point * dimension + c]) * weight
        sums[old * dimension + c] -= value
        sums[cluster * dimension + c] = value
      }
      totals[old] -= weight
      totals[cluster] = weight
    }
  }

  /// `Σᵢ wᵢ‖xᵢ − c_{label(i)}‖²`, computed directly in `Double`.
  func inertia(_ centers: [Double], _ labels: [Int]) -> Double {
    var total = 0.0
    for p in 0..<count {
      var sum = 0.0
      for c in 0..<dimension {
        let difference = Double(values[p * dimension + c]) - centers[labels[p] * dimension + c]
        sum += difference * difference
      }
      total += weights[p] * sum
    }
    return total
  }

  /// Centred coordinates moved back by the mean.
  func uncentred(_ centers: [Double]) -> [Double] {
    centers.enumerated().map { $0.element + mean[$0.offset % dimension] }
  }

  /// Original coordinates moved by the mean.
  func centred(_ centers: [Double]) -> [Double] {
    centers.enumerated().map { $0.element - mean[$0.offset % dimension] }
  }
}

/// Moves every point whose key `norm − 2·row[p]` beats `best[p]` to `label`.
///
/// A separate function with pointer arguments and bitwise selects instead of branches, so that
/// the loop vectorises; strict `<` keeps the lowest index on ties.
@inline(never)
func improveAssignment<T: HostFloat>(
  _ row: UnsafePointer<T>, norm: T, label: Int32, _ best: UnsafeMutablePointer<T>,
  _ labels: UnsafeMutablePointer<Int32>, _ n: Int
) {
  var p = 0
  while p < n {
    let key = norm - 2 * row[p]
    let old = best[p]
    // An all-ones mask where the key is better: a bitwise select, which vectorises where a
    // conditional label store does not.
    let mask: Int32 = key < old ? -1 : 0
    labels[p] ^= (labels[p] ^ label) & mask
    best[p] = key < old ? key : old
    p &+= 1
  }
}
