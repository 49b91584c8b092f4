// _Parallel: chunked loops on a few Dispatch worker threads for the module's non-BLAS kernels.

import Dispatch
import Synchronization
import Tensor

/// A value handed to worker threads without a `Sendable` check.
///
/// The parallel loops below pass their body closure and the raw pointers it captures to
/// Dispatch workers. That is sound because every caller writes only memory owned by the chunk
/// it is processing, and reads memory nobody writes during the loop.
struct _UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
}

/// The number of threads a `threads` setting of `nil` means: OpenBLAS's thread count,
/// ``CPUBackend/blasThreads`` (all cores unless `OPENBLAS_NUM_THREADS` or
/// ``CPUBackend/setBLASThreads(_:)`` say otherwise), so that one setting governs every thread
/// this library starts (RELIABILITY R3).
func resolvedThreadCount(_ threads: Int?) -> Int {
  max(1, threads ?? CPUBackend.blasThreads)
}

/// Runs `body(chunk)` for every `chunk` in `0..<chunkCount` on up to `threads` threads.
///
/// Chunks are handed out dynamically, so uneven chunks (Barnes–Hut traversals) balance. The
/// body must write only memory that belongs to its chunk. Results are independent of `threads`
/// as long as the body's output depends only on its chunk index, which is how every kernel in
/// this module uses it: the thread count never changes the bits of a result.
///
/// Never call this around a multi-threaded BLAS routine: OpenBLAS already owns the cores
/// there (RELIABILITY R3).
func forEachChunk(_ chunkCount: Int, threads: Int, _ body: (Int) -> Void) {
  if chunkCount <= 0 { return }
  let workers = min(threads, chunkCount)
  if workers <= 1 {
    for chunk in 0..<chunkCount { body(chunk) }
    return
  }
  withoutActuallyEscaping(body) { escapable in
    let shared = _UncheckedSendable(value: escapable)
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let chunk = next.add(1, ordering: .relaxed).oldValue
        if chunk >= chunkCount { break }
        shared.value(chunk)
      }
    }
  }
}

/// The ranges of `0..<count` cut into pieces of `chunkSize` (the last one may be shorter).
func chunkRanges(_ count: Int, chunkSize: Int) -> [Range<Int>] {
  precondition(chunkSize > 0, "chunkRanges: chunk size must be positive")
  return stride(from: 0, to: count, by: chunkSize).map { $0..<min($0 + chunkSize, count) }
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
    forEachChunk(ranges.count, threads: threads) { chunk in out[chunk] = partial(ranges[chunk]) }
  }
  return partials.reduce(0, +)
}
