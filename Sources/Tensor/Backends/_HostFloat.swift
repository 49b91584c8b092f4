// _HostFloat: the scalar math the host backends need, for Float and Double alike.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A host floating-point element type with the libm functions the backends call.
@usableFromInline
protocol HostFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
  static func exponential(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
  static func hyperbolicTangent(_ x: Self) -> Self
  static func power(_ x: Self, _ y: Self) -> Self
}

extension Float: HostFloat {
  @inlinable static func exponential(_ x: Float) -> Float { expf(x) }
  @inlinable static func logarithm(_ x: Float) -> Float { logf(x) }
  @inlinable static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
  @inlinable static func power(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: HostFloat {
  @inlinable static func exponential(_ x: Double) -> Double { exp(x) }
  @inlinable static func logarithm(_ x: Double) -> Double { log(x) }
  @inlinable static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
  @inlinable static func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}

extension TensorStorage {
  /// The host buffer bound to `T`; the dtype must match.
  @inline(__always)
  func elements<T: HostFloat>(_: T.Type) -> UnsafeMutablePointer<T> {
    assert(T.self == (dtype == .float32 ? Float.self : Double.self) as Any.Type)
    return address.assumingMemoryBound(to: T.self)
  }
}

/// Posix-aligned host allocation shared by the host backends.
@inline(__always)
func alignedHostAllocate(byteCount: Int) -> UnsafeMutableRawPointer {
  // 64-byte alignment suits AVX-512 loads; zero-sized tensors still get a valid address.
  UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 64), alignment: 64)
}
