// HostFloat: the one scalar protocol of the host code: libm for the backends, host buffers for the
// host-side modules, for Float and Double alike.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A host floating-point element type: the libm functions the backends call, and direct access
/// to host buffers for the host-side modules (the one scalar protocol of the package).
@usableFromInline
package protocol HostFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
  static func exponential(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
  static func hyperbolicTangent(_ x: Self) -> Self
  static func power(_ x: Self, _ y: Self) -> Self
}

extension HostFloat {
  /// The dtype of tensors holding this type.
  @inlinable package static var dtype: DType { Self.self == Float.self ? .float32 : .float64 }

  /// The buffer of `storage`, which must hold this type.
  @inlinable
  package static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Self> {
    precondition(storage.dtype == dtype, "HostFloat.elements: storage holds \(storage.dtype)")
    return storage.address.assumingMemoryBound(to: Self.self)
  }

  /// A tensor of this type on the CPU backend holding `values`.
  @usableFromInline
  package static func tensor(_ values: [Self], shape: [Int]) -> Tensor {
    Tensor(hostElements: values, dtype: dtype, shape: shape, backend: CPUBackend.shared)
  }
}

extension Float: HostFloat {
  @inlinable package static func exponential(_ x: Float) -> Float { expf(x) }
  @inlinable package static func logarithm(_ x: Float) -> Float { logf(x) }
  @inlinable package static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
  @inlinable package static func power(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: HostFloat {
  @inlinable package static func exponential(_ x: Double) -> Double { exp(x) }
  @inlinable package static func logarithm(_ x: Double) -> Double { log(x) }
  @inlinable package static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
  @inlinable package static func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}

/// Posix-aligned host allocation shared by the host backends.
@inline(__always)
func alignedHostAllocate(byteCount: Int) -> UnsafeMutableRawPointer {
  // 64-byte alignment suits AVX-512 loads; zero-sized tensors still get a valid address.
  UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 64), alignment: 64)
}
