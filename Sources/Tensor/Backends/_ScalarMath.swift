// _ScalarMath: the per-element definition of every UnaryOp and BinaryOp for CPUBackend's loops.
// ReferenceBackend writes its own in Double, so that parity tests compare two definitions.

extension UnaryOp {
  /// The result of this operation on one element.
  @inline(__always)
  func apply<T: HostFloat>(_ x: T) -> T {
    switch self {
    case .negate: return -x
    case .exp: return T.exponential(x)
    case .log: return T.logarithm(x)
    case .sqrt: return x.squareRoot()
    case .square: return x * x
    case .reciprocal: return 1 / x
    case .abs: return Swift.abs(x)
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .relu: return x > 0 ? x : 0
    case .sigmoid: return 1 / (1 + T.exponential(-x))
    case .tanh: return T.hyperbolicTangent(x)
    case .addScalar(let value): return x + T(value)
    case .multiplyScalar(let value): return x * T(value)
    case .powScalar(let p): return T.power(x, T(p))
    case .clamp(let lower, let upper): return Swift.min(Swift.max(x, T(lower)), T(upper))
    case .indicatorInRange(let lower, let upper): return x >= T(lower) && x <= T(upper) ? 1 : 0
    }
  }
}

extension BinaryOp {
  /// The result of this operation on one pair of elements.
  @inline(__always)
  func apply<T: HostFloat>(_ a: T, _ b: T) -> T {
    switch self {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .maximum: return Swift.max(a, b)
    case .minimum: return Swift.min(a, b)
    case .reluGradient: return b > 0 ? a : 0
    }
  }
}

extension Broadcast {
  /// The position in the operand of element `(row, column)` of the result.
  @inline(__always)
  func index(row: Int, column: Int, columns: Int) -> Int {
    switch self {
    case .full: return row * columns + column
    case .row: return column
    case .column: return row
    case .scalar: return 0
    }
  }
}
