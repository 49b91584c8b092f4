// Elementwise: arithmetic with broadcasting and the element-wise functions, each with its VJP.

import Tensor

extension Tensor {
  /// Sums a gradient of the broadcast result back to an operand laid out as `layout` with
  /// shape `shape` (the adjoint of broadcasting).
  func unbroadcast(_ layout: Broadcast, to shape: [Int], rows: Int, columns: Int) -> Tensor {
    switch layout {
    case .full: return reshaped(shape)
    case .row: return reshaped([rows, columns]).sum(axis: 0).reshaped(shape)
    case .column: return reshaped([rows, columns]).sum(axis: 1).reshaped(shape)
    case .scalar: return sum().reshaped(shape)
    }
  }
}

extension Variable {
  /// Records `a op b` for one of the four arithmetic operations.
  private static func arithmetic(_ a: Variable, _ b: Variable, _ op: BinaryOp) -> Variable {
    let plan = Tensor.broadcastPlan(a.value, b.value, op: "\(op)")
    let value = a.value.combined(with: b.value, op)
    let (aValue, bValue) = (a.value, b.value)
    return record(value, inputs: [a, b]) { g, needs in
      var ga: Tensor?
      var gb: Tensor?
      switch op {
      case .add:
        if needs[0] { ga = g }
        if needs[1] { gb = g }
      case .subtract:
        if needs[0] { ga = g }
        if needs[1] { gb = -g }
      case .multiply:
        if needs[0] { ga = g * bValue }
        if needs[1] { gb = g * aValue }
      case .divide:
        if needs[0] { ga = g / bValue }
        if needs[1] { gb = -(g * value / bValue) }
      default:
        preconditionFailure("arithmetic: \(op) is not an arithmetic operation")
      }
      return [
        ga?.unbroadcast(plan.left, to: aValue.shape, rows: plan.rows, columns: plan.columns),
        gb?.unbroadcast(plan.right, to: bValue.shape, rows: plan.rows, columns: plan.columns),
      ]
    }
  }

  /// `a + b` with the two-dimensional broadcasting of `Tensor`.
  public static func + (a: Variable, b: Variable) -> Variable { arithmetic(a, b, .add) }
  /// `a − b` with broadcasting.
  public static func - (a: Variable, b: Variable) -> Variable { arithmetic(a, b, .subtract) }
  /// `a · b` element-wise, with broadcasting.
  public static func * (a: Variable, b: Variable) -> Variable { arithmetic(a, b, .multiply) }
  /// `a / b` element-wise, with broadcasting.
  public static func / (a: Variable, b: Variable) -> Variable { arithmetic(a, b, .divide) }

  /// `a + b` for a constant tensor `b`.
  public static func + (a: Variable, b: Tensor) -> Variable { a + Variable(b) }
  /// `a − b` for a constant tensor `b`.
  public static func - (a: Variable, b: Tensor) -> Variable { a - Variable(b) }
  /// `a · b` for a constant tensor `b`.
  public static func * (a: Variable, b: Tensor) -> Variable { a * Variable(b) }
  /// `a / b` for a constant tensor `b`.
  public static func / (a: Variable, b: Tensor) -> Variable { a / Variable(b) }
  /// `a − b` for a constant tensor `a`.
  public static func - (a: Tensor, b: Variable) -> Variable { Variable(a) - b }

  /// `x + s`.
  public static func + (x: Variable, s: Double) -> Variable {
    record(x.value + s, inputs: [x]) { g, _ in [g] }
  }
  /// `s + x`.
  public static func + (s: Double, x: Variable) -> Variable { x + s }
  /// `x − s`.
  public static func - (x: Variable, s: Double) -> Variable { x + (-s) }
  /// `s − x`.
  public static func - (s: Double, x: Variable) -> Variable { (-x) + s }
  /// `x · s`.
  public static func * (x: Variable, s: Double) -> Variable {
    record(x.value * s, inputs: [x]) { g, _ in [g * s] }
  }
  /// `s · x`.
  public static func * (s: Double, x: Variable) -> Variable { x * s }
  /// `x / s`.
  public static func / (x: Variable, s: Double) -> Variable { x * (1 / s) }
  /// `−x`.
  public static prefix func - (x: Variable) -> Variable {
    record(-x.value, inputs: [x]) { g, _ in [-g] }
  }

  /// `max(x, 0)`; the gradient at exactly 0 is 0 (PyTorch's choice).
  public func relu() -> Variable {
    let y = value.relu()
    return Variable.record(y, inputs: [self]) { g, _ in [g.combined(with: y, .reluGradient)] }
  }

  /// `eˣ`.
  public func exp() -> Variable {
    let y = value.exp()
    return Variable.record(y, inputs: [self]) { g, _ in [g * y] }
  }

  /// `ln x`.
  public func log() -> Variable {
    let x = value
    return Variable.record(x.log(), inputs: [self]) { g, _ in [g / x] }
  }

  /// `√x`; the gradient is `1 / (2√x)`, infinite at 0 (clamp first, as the DCRL losses do).
  public func sqrt() -> Variable {
    let y = value.sqrt()
    return Variable.record(y, inputs: [self]) { g, _ in [g / y * 0.5] }
  }

  /// `x²`.
  public func squared() -> Variable {
    let x = value
    return Variable.record(x.squared(), inputs: [self]) { g, _ in [g * x * 2] }
  }

  /// `|x|`; the gradient at 0 is 0.
  public func abs() -> Variable {
    let x = value
    return Variable.record(x.abs(), inputs: [self]) { g, _ in [g * x.applying(.sign)] }
  }

  /// `xᵖ` for a constant exponent `p`.
  public func pow(_ exponent: Double) -> Variable {
    let x = value
    return Variable.record(x.pow(exponent), inputs: [self]) { g, _ in
      [g * x.pow(exponent - 1) * exponent]
    }
  }

  /// `min(max(x, lower), upper)`; the gradient is passed where `lower ≤ x ≤ upper` and is 0
  /// elsewhere.
  public func clamped(lower: Double = -.infinity, upper: Double = .infinity) -> Variable {
    let x = value
    return Variable.record(x.clamped(lower: lower, upper: upper), inputs: [self]) { g, _ in
      [g * x.applying(.indicatorInRange(lower: lower, upper: upper))]
    }
  }

  /// `1 / (1 + e⁻ˣ)`.
  public func sigmoid() -> Variable {
    let y = value.applying(.sigmoid)
    return Variable.record(y, inputs: [self]) { g, _ in [g * y * (1 - y)] }
  }

  /// `tanh x`.
  public func tanh() -> Variable {
    let y = value.applying(.tanh)
    return Variable.record(y, inputs: [self]) { g, _ in [g * (1 - y.squared())] }
  }
}
