// _Parallel: the thread count of the module's non-BLAS kernels and a deterministic parallel sum
// (the loop itself is Tensor's `concurrentForEach`).

import Tensor

/// The number of threads a `threads` setting of `nil` means: OpenBLAS's thread count,
/// ``CPUBackend/blasThreads`` (all cores unless `OPENBLAS_NUM_THREADS` or
/// ``CPUBackend/setBLASThreads(_:)`` say otherwise), so that one setting governs every thread
/// this library starts (RELIABILITY R3).
func resolvedThreadCount(_ threads: Int?) -> Int {
  max(1, threads ?? CPUBackend.blasThreads)
}

/// Sums `partial(range)` over fixed chunks of `0..<count`, adding the partial sums in chunk
/// order, so the total has the same bits for every thread count.
func deterministicSum(
  _ count: Int, chunkSize: Int, threads: Int, _ partial: (Range<Int>) -> Double
) -> Double {
  let ranges = chunkRanges(count, chunkSize: chunkSize)
  var partials = [Double](repeating: 0, count: ranges.count)
  partials.withUnsafeMutableBufferPointer { out in
    let out = out
    concurrentForEach(ranges.count, threads: threads) { chunk in out[chunk] = partial(ranges[chunk])
    }
  }
  return partials.reduce(0, +)
}
