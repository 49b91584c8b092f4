// HostAllocator: a size-keyed cache of freed host buffers, so training loops that allocate the
// same activation shapes every step stop paying for mmap/munmap and page faults.

import Synchronization

/// A thread-safe cache of host buffers keyed by exact byte count.
///
/// Large freed buffers are kept (up to `capacity` bytes in total) and handed out again for the
/// next request of the same size. Small buffers go straight to the system allocator, which is
/// already fast for them.
final class HostAllocator: Sendable {
  /// A cached buffer; only the allocator touches it, under its lock.
  private struct Buffer: @unchecked Sendable {
    let address: UnsafeMutableRawPointer
  }

  private struct State {
    var free: [Int: [Buffer]] = [:]
    var cachedBytes = 0
  }

  /// Requests below this size bypass the cache.
  private let minimumCachedSize = 16 * 1024
  /// The most bytes kept in the cache at once.
  let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) {
    self.capacity = capacity
  }

  func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
    if byteCount >= minimumCachedSize {
      let cached = state.withLock { state -> Buffer? in
        guard let buffer = state.free[byteCount]?.popLast() else { return nil }
        state.cachedBytes -= byteCount
        return buffer
      }
      if let cached { return cached.address }
    }
    return alignedHostAllocate(byteCount: byteCount)
  }

  func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int) {
    if byteCount >= minimumCachedSize {
      let buffer = Buffer(address: address)
      let kept = state.withLock { state -> Bool in
        guard state.cachedBytes + byteCount <= capacity else { return false }
        state.free[byteCount, default: []].append(buffer)
        state.cachedBytes += byteCount
        return true
      }
      if kept { return }
    }
    address.deallocate()
  }

  /// Releases every cached buffer to the system.
  func trim() {
    let buffers = state.withLock { state -> [Buffer] in
      let all = state.free.values.flatMap { $0 }
      state.free = [:]
      state.cachedBytes = 0
      return all
    }
    for buffer in buffers { buffer.address.deallocate() }
  }

  deinit { trim() }
}
