// TensorStorage: a reference-counted buffer owned by the backend that allocated it.

/// A contiguous buffer of elements that belongs to one ``Backend``.
///
/// `Tensor` holds its elements in a `TensorStorage` and copies it on write, so several tensors
/// may share one storage until one of them is mutated. The storage hands its memory back to the
/// backend when the last reference goes away.
///
/// For the host backends `address` is ordinary host memory; for the CUDA backend it is a device
/// pointer and must only be passed back to that backend.
public final class TensorStorage: @unchecked Sendable {
  /// The backend that allocated the buffer and runs every operation on it.
  public let backend: any Backend
  /// The element type.
  public let dtype: DType
  /// The number of elements.
  public let count: Int
  /// The start of the buffer: host memory or a device address, depending on the backend.
  ///
  /// `package`, as are ``floats`` and ``doubles``: a mutable pointer into a buffer that several
  /// tensors may share is for this package's backends and kernels only.
  @usableFromInline package let address: UnsafeMutableRawPointer

  /// Wraps a buffer that `backend` has just allocated.
  ///
  /// Backends call this from ``Backend/allocate(count:dtype:)``; user code does not.
  public init(backend: any Backend, dtype: DType, count: Int, address: UnsafeMutableRawPointer) {
    self.backend = backend
    self.dtype = dtype
    self.count = count
    self.address = address
  }

  /// The size of the buffer in bytes.
  public var byteCount: Int { count * dtype.byteSize }

  deinit {
    backend.deallocate(address, byteCount: byteCount)
  }

  /// The buffer as `Float` elements (host backends only).
  @inlinable
  package var floats: UnsafeMutablePointer<Float> {
    precondition(dtype == .float32, "TensorStorage.floats: storage holds \(dtype)")
    return address.assumingMemoryBound(to: Float.self)
  }

  /// The buffer as `Double` elements (host backends only).
  @inlinable
  package var doubles: UnsafeMutablePointer<Double> {
    precondition(dtype == .float64, "TensorStorage.doubles: storage holds \(dtype)")
    return address.assumingMemoryBound(to: Double.self)
  }
}
