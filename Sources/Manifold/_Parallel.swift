// _Parallel: the thread count of the module's non-BLAS kernels and a deterministic parallel sum
// (the loop itself is Tensor's `forEachChunk`).

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
  var partials = [Double](repeating: 0, count: (count + chunkSize - 1) / chunkSize)
  partials.withUnsafeMutableBufferPointer { out in
    let out = out
    forEachChunk(of: count, chunkSize: chunkSize, threads: threads) { out[$0] = partial($1) }
  }
  return partials.reduce(0, +)
}
