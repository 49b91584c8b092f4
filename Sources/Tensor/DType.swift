// DType: the two element types a Tensor can hold.

/// The element type of a ``Tensor``.
///
/// `float32` is the default everywhere. `float64` exists on the host backends
/// (``ReferenceBackend`` and ``CPUBackend``) for gradient checks, metrics and golden
/// comparisons; the CUDA backend is float32 only.
public enum DType: String, Sendable, Hashable, Codable, CaseIterable {
  /// 32-bit IEEE 754 floating point (`Float`).
  case float32
  /// 64-bit IEEE 754 floating point (`Double`).
  case float64

  /// The size of one element in bytes.
  public var byteSize: Int {
    switch self {
    case .float32: return 4
    case .float64: return 8
    }
  }
}
