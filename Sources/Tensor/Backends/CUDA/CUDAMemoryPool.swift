// CUDAMemoryPool: the bookkeeping of CUDABackend's caching device allocator — size classes and
// free lists of device blocks; the backend does the driver calls under its lock.

import CCUDA

/// Free device blocks by size class, so that a training loop that allocates the same shapes
/// every step stops calling `cuMemAlloc`/`cuMemFree` (each of which can synchronise the device).
///
/// All work runs on one stream, so a block freed by a tensor can be handed to the next request
/// at once: any kernel still reading it was queued before the kernel that will overwrite it.
/// That is the invariant PyTorch's caching allocator relies on for single-stream use.
struct CUDAMemoryPool: ~Copyable {
  /// Free blocks by size class.
  private var free: [Int: [CUdeviceptr]] = [:]
  /// Bytes held in ``free``.
  private(set) var cachedBytes = 0
  /// Bytes handed out and not yet returned.
  private(set) var liveBytes = 0
  /// The largest ``liveBytes`` seen.
  private(set) var peakLiveBytes = 0
  /// The most bytes ``free`` may hold.
  let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// The size class of a request: a multiple of 512 bytes below 1 MiB, then at most 1/8 above
  /// the request (the next multiple of an eighth of its power of two), so that a block is reused
  /// only for requests of similar size.
  static func blockSize(for bytes: Int) -> Int {
    let small = 512
    if bytes <= 1 << 20 { return max(small, (bytes + small - 1) / small * small) }
    let power = 1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount)
    let step = power / 8
    return (bytes + step - 1) / step * step
  }

  /// A cached block of exactly `size` bytes (a size class), if one is free.
  mutating func take(_ size: Int) -> CUdeviceptr? {
    guard let block = free[size]?.popLast() else { return nil }
    cachedBytes -= size
    noteHandedOut(size)
    return block
  }

  /// Records that a fresh block of `size` bytes was handed out.
  mutating func noteHandedOut(_ size: Int) {
    liveBytes += size
    peakLiveBytes = max(peakLiveBytes, liveBytes)
  }

  /// Takes back a block of `size` bytes; returns `false` when the cache is full and the caller
  /// must free the block.
  mutating func put(_ block: CUdeviceptr, size: Int) -> Bool {
    liveBytes -= size
    guard cachedBytes + size <= capacity else { return false }
    free[size, default: []].append(block)
    cachedBytes += size
    return true
  }

  /// Empties the cache and returns every block it held, for the caller to free.
  mutating func drain() -> [CUdeviceptr] {
    let blocks = free.values.flatMap { $0 }
    free = [:]
    cachedBytes = 0
    return blocks
  }
}
