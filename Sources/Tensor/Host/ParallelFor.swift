// ParallelFor: the one parallel loop of the host-side modules, with the one pointer box and the
// one fixed-size host buffer their worker threads share.

import Dispatch
import Synchronization

/// A value handed to worker threads without a `Sendable` check.
///
/// ``concurrentForEach(_:threads:_:)`` passes its body closure, and callers pass the raw
/// pointers it captures, to Dispatch workers. That is sound because every caller writes only
/// memory owned by the iteration it is running, and reads memory nobody writes during the loop.
package struct UncheckedSendable<Value>: @unchecked Sendable {
  package let value: Value

  package init(_ value: Value) { self.value = value }
}

/// A raw pointer that may cross into concurrent iterations; each iteration touches its own
/// elements (or only reads).
package struct SharedPointer<Pointee>: @unchecked Sendable {
  package let base: UnsafeMutablePointer<Pointee>

  package init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }

  /// A new allocation of `count` elements set to `value`; the caller deallocates it.
  package static func allocate(_ count: Int, _ value: Pointee) -> SharedPointer {
    let base = UnsafeMutablePointer<Pointee>.allocate(capacity: Swift.max(count, 1))
    base.initialize(repeating: value, count: count)
    return SharedPointer(base)
  }

  package subscript(index: Int) -> Pointee {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  package func deallocate() { base.deallocate() }
}

/// A fixed-size buffer with a stable address, for loops that must not go through `Array`'s
/// bounds checks or copy-on-write, shared read-only (or by disjoint ranges) between workers.
package final class HostBuffer<Element>: @unchecked Sendable {
  package let count: Int
  package let pointer: UnsafeMutablePointer<Element>

  package init(repeating value: Element, count: Int) {
    self.count = count
    pointer = .allocate(capacity: Swift.max(count, 1))
    pointer.initialize(repeating: value, count: count)
  }

  package init(_ values: [Element]) {
    count = values.count
    pointer = .allocate(capacity: Swift.max(values.count, 1))
    _ = UnsafeMutableBufferPointer(start: pointer, count: values.count).initialize(from: values)
  }

  package subscript(index: Int) -> Element {
    get { pointer[index] }
    set { pointer[index] = newValue }
  }

  deinit { pointer.deallocate() }
}

/// Runs `body(iteration)` for every `iteration` in `0..<count` on up to `threads` threads.
///
/// Iterations are handed out dynamically, so uneven ones (Barnes–Hut traversals) balance. The
/// body must write only memory that belongs to its iteration. Results are independent of
/// `threads` as long as the body's output depends only on its iteration index, which is how
/// every caller uses it: the thread count never changes the bits of a result.
///
/// Never call this around a multi-threaded BLAS routine: OpenBLAS already owns the cores
/// there (RELIABILITY R3).
package func concurrentForEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  let workers = min(threads, count)
  if workers <= 1 {
    for iteration in 0..<count { body(iteration) }
    return
  }
  withoutActuallyEscaping(body) { escapable in
    let shared = UncheckedSendable(escapable)
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let iteration = next.add(1, ordering: .relaxed).oldValue
        if iteration >= count { break }
        shared.value(iteration)
      }
    }
  }
}

/// The ranges of `0..<count` cut into pieces of `chunkSize` (the last one may be shorter).
package func chunkRanges(_ count: Int, chunkSize: Int) -> [Range<Int>] {
  precondition(chunkSize > 0, "chunkRanges: chunk size must be positive")
  return stride(from: 0, to: count, by: chunkSize).map { $0..<min($0 + chunkSize, count) }
}

/// Runs `body(chunk, range)` for every piece of `0..<count` cut into `chunkSize` elements (the
/// last one may be shorter), on up to `threads` threads (``concurrentForEach(_:threads:_:)``).
///
/// The chunks do not depend on `threads`, so per-chunk results merged in chunk order have the
/// same bits for every thread count.
package func forEachChunk(
  of count: Int, chunkSize: Int, threads: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
) {
  precondition(chunkSize > 0, "forEachChunk: chunk size must be positive")
  let chunks = (count + chunkSize - 1) / chunkSize
  concurrentForEach(chunks, threads: threads) { chunk in
    body(chunk, (chunk * chunkSize)..<min((chunk + 1) * chunkSize, count))
  }
}
