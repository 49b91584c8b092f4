// KMeans+Direct: the few-feature path of Lloyd's iterations: distances and cluster sums in
// vectorised Swift loops over fixed chunks of points, run on parallel workers, for data whose
// products are too thin for GEMM to pay (d ≤ 32: PCA codes, 2-D t-SNE maps).

import Tensor

/// Points per chunk: fixed, so that per-chunk partial sums (merged in chunk order) make the
/// results independent of the number of workers.
let kMeansChunk = 4096

extension LloydProblem {
  /// ``assign(_:k:)`` for few features: `‖c‖² − 2x·c` accumulated feature by feature over the
  /// column-major copy, per chunk.
  func assignDirect(_ centers: [Double], k: Int, columns: HostBuffer<T>) -> [Int32] {
    let rounded = centers.map { T($0) }
    let norms = (0..<k).map { j in
      (0..<dimension).reduce(T(0)) {
        $0 + rounded[j * dimension + $1] * rounded[j * dimension + $1]
      }
    }
    let labels = HostBuffer<Int32>(repeating: 0, count: count)
    let (n, d) = (count, dimension)
    forEachChunk(of: n, chunkSize: kMeansChunk, threads: Swift.max(1, workers)) { _, range in
      let width = range.count
      let best = UnsafeMutablePointer<T>.allocate(capacity: width)
      let dots = UnsafeMutablePointer<T>.allocate(capacity: width)
      defer {
        best.deallocate()
        dots.deallocate()
      }
      best.initialize(repeating: .infinity, count: width)
      for j in 0..<k {
        rounded.withUnsafeBufferPointer { centre in
          dotProducts(
            centre.baseAddress! + j * d, d, columns.pointer + range.lowerBound, stride: n,
            into: dots, width)
        }
        improveAssignment(
          dots, norm: norms[j], label: Int32(j), best, labels.pointer + range.lowerBound, width)
      }
    }
    return Array(UnsafeBufferPointer(start: labels.pointer, count: n))
  }

  /// ``clusterSums(_:k:)`` for few features, in `Double`, by chunk partial sums merged in chunk
  /// order.
  func clusterSumsDirect(_ labels: [Int32], k: Int) -> (sums: [Double], weights: [Double]) {
    let (n, d) = (count, dimension)
    let chunks = (n + kMeansChunk - 1) / kMeansChunk
    let partial = HostBuffer<Double>(repeating: 0, count: chunks * k * (d + 1))
    let values = SharedPointer(self.values)
    let weights = self.weights
    labels.withUnsafeBufferPointer { buffer in
      let labels = SharedPointer(UnsafeMutablePointer(mutating: buffer.baseAddress!))
      forEachChunk(of: n, chunkSize: kMeansChunk, threads: Swift.max(1, workers)) { chunk, range in
        let sums = partial.pointer + chunk * k * (d + 1)
        for p in range {
          let row = sums + Int(labels.base[p]) * (d + 1)
          let weight = weights[p]
          for c in 0..<d { row[c] += weight * Double(values.base[p * d + c]) }
          row[d] += weight
        }
      }
    }
    var sums = [Double](repeating: 0, count: k * d)
    var totals = [Double](repeating: 0, count: k)
    for chunk in 0..<chunks {
      let block = partial.pointer + chunk * k * (d + 1)
      for j in 0..<k {
        for c in 0..<d { sums[j * d + c] += block[j * (d + 1) + c] }
        totals[j] += block[j * (d + 1) + d]
      }
    }
    return (sums, totals)
  }

  /// ``squaredDistances(from:)`` for few features, computed directly per feature.
  func squaredDistancesDirect(from rows: [Int], columns: HostBuffer<T>) -> [[Double]] {
    let n = count
    return rows.map { r in
      var result = [Double](repeating: 0, count: n)
      result.withUnsafeMutableBufferPointer { out in
        for c in 0..<dimension {
          addSquaredDifferences(
            Double(values[r * dimension + c]), columns.pointer + c * n, out.baseAddress!, n)
        }
      }
      return result
    }
  }
}

/// `dots[p] = Σ_c centre[c] · columns[c · stride + p]` for `p < n`: four points at a time with
/// the feature sum held in a register (no store between features).
@inline(never)
func dotProducts<T: HostFloat>(
  _ centre: UnsafePointer<T>, _ d: Int, _ columns: UnsafePointer<T>, stride: Int,
  into dots: UnsafeMutablePointer<T>, _ n: Int
) {
  let raw = UnsafeRawPointer(columns)
  let size = MemoryLayout<T>.stride
  var p = 0
  while p &+ 4 <= n {
    var sum = SIMD4<T>()
    var c = 0
    while c < d {
      let values = raw.loadUnaligned(fromByteOffset: (c &* stride &+ p) &* size, as: SIMD4<T>.self)
      sum += SIMD4(repeating: centre[c]) * values
      c &+= 1
    }
    UnsafeMutableRawPointer(dots).storeBytes(of: sum, toByteOffset: p &* size, as: SIMD4<T>.self)
    p &+= 4
  }
  while p < n {
    var sum: T = 0
    for c in 0..<d { sum += centre[c] * columns[c * stride + p] }
    dots[p] = sum
    p &+= 1
  }
}

/// `out[p] += (x − column[p])²` in `Double`.
@inline(never)
func addSquaredDifferences<T: HostFloat>(
  _ x: Double, _ column: UnsafePointer<T>, _ out: UnsafeMutablePointer<Double>, _ n: Int
) {
  var p = 0
  while p < n {
    let difference = x - Double(column[p])
    out[p] += difference * difference
    p &+= 1
  }
}
