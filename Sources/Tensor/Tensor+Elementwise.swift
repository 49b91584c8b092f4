// Tensor+Elementwise: unary functions and broadcasting binary operators.

extension Tensor {
  /// Applies `op` to every element.
  public func applying(_ op: UnaryOp) -> Tensor {
    let result = makeSibling(shape)
    if count > 0 { backend.unary(op, storage, into: result.storage) }
    return result
  }

  /// `eˣ` element-wise.
  public func exp() -> Tensor { applying(.exp) }
  /// `ln x` element-wise.
  public func log() -> Tensor { applying(.log) }
  /// `√x` element-wise.
  public func sqrt() -> Tensor { applying(.sqrt) }
  /// `x²` element-wise.
  public func squared() -> Tensor { applying(.square) }
  /// `|x|` element-wise.
  public func abs() -> Tensor { applying(.abs) }
  /// `max(x, 0)` element-wise.
  public func relu() -> Tensor { applying(.relu) }
  /// `xᵖ` element-wise for a constant exponent.
  public func pow(_ exponent: Double) -> Tensor { applying(.powScalar(exponent)) }
  /// Each element limited to `lower...upper`.
  public func clamped(lower: Double = -.infinity, upper: Double = .infinity) -> Tensor {
    applying(.clamp(lower: lower, upper: upper))
  }

  /// `-x`.
  public static prefix func - (x: Tensor) -> Tensor { x.applying(.negate) }
  /// `x + s`.
  public static func + (x: Tensor, s: Double) -> Tensor { x.applying(.addScalar(s)) }
  /// `s + x`.
  public static func + (s: Double, x: Tensor) -> Tensor { x.applying(.addScalar(s)) }
  /// `x − s`.
  public static func - (x: Tensor, s: Double) -> Tensor { x.applying(.addScalar(-s)) }
  /// `s − x`.
  public static func - (s: Double, x: Tensor) -> Tensor {
    x.applying(.negate).applying(.addScalar(s))
  }
  /// `x · s`.
  public static func * (x: Tensor, s: Double) -> Tensor { x.applying(.multiplyScalar(s)) }
  /// `s · x`.
  public static func * (s: Double, x: Tensor) -> Tensor { x.applying(.multiplyScalar(s)) }
  /// `x / s`.
  public static func / (x: Tensor, s: Double) -> Tensor { x.applying(.multiplyScalar(1 / s)) }

  /// `a + b` with two-dimensional broadcasting (see ``broadcastPlan(_:_:op:)``).
  public static func + (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .add) }
  /// `a − b` with two-dimensional broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .subtract) }
  /// `a · b` element-wise, with two-dimensional broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .multiply) }
  /// `a / b` element-wise, with two-dimensional broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .divide) }

  /// Applies `op` to this tensor and `other`, broadcasting as ``broadcastPlan(_:_:op:)`` says.
  public func combined(with other: Tensor, _ op: BinaryOp) -> Tensor {
    let plan = Tensor.broadcastPlan(self, other, op: "\(op)")
    let result = makeSibling(plan.shape)
    if result.count > 0 {
      backend.binary(
        op, storage, plan.left, other.storage, plan.right, into: result.storage,
        rows: plan.rows, columns: plan.columns)
    }
    return result
  }

  /// How two operands broadcast against each other.
  public struct BroadcastPlan: Sendable, Equatable {
    /// The result's shape.
    public var shape: [Int]
    /// The result viewed as a matrix: rows.
    public var rows: Int
    /// The result viewed as a matrix: columns.
    public var columns: Int
    /// The left operand's layout.
    public var left: Broadcast
    /// The right operand's layout.
    public var right: Broadcast
  }

  /// Works out how `a` and `b` broadcast.
  ///
  /// Broadcasting is two-dimensional. The larger operand is viewed as a matrix
  /// `[rows, columns]` whose columns are its last dimension. The other operand must have the same
  /// shape, or be a scalar (one element), a row (shape `[columns]` or `[1, columns]`) or a
  /// column (shape `[rows, 1]`). Two rank-2 operands `[r, 1]` and `[1, c]` broadcast to `[r, c]`.
  ///
  /// - Precondition: the shapes broadcast under these rules; the message names `op` and both
  ///   shapes.
  public static func broadcastPlan(_ a: Tensor, _ b: Tensor, op: String) -> BroadcastPlan {
    a.checkCompatible(b, op)
    if a.shape == b.shape {
      let columns = a.shape.last ?? 1
      let rows = columns == 0 ? 0 : a.count / columns
      return BroadcastPlan(shape: a.shape, rows: rows, columns: columns, left: .full, right: .full)
    }
    if a.rank == 2 && b.rank == 2 {
      // [r, 1] against [1, c] (either order) is an outer combination with result [r, c].
      if a.shape[1] == 1 && b.shape[0] == 1 {
        return BroadcastPlan(
          shape: [a.shape[0], b.shape[1]], rows: a.shape[0], columns: b.shape[1],
          left: .column, right: .row)
      }
      if a.shape[0] == 1 && b.shape[1] == 1 {
        return BroadcastPlan(
          shape: [b.shape[0], a.shape[1]], rows: b.shape[0], columns: a.shape[1],
          left: .row, right: .column)
      }
    }
    let aIsLarger = a.count > b.count || (a.count == b.count && a.rank >= b.rank)
    let shape = aIsLarger ? a.shape : b.shape
    let columns = shape.last ?? 1
    let rows = columns == 0 ? 0 : shape.reduce(1, *) / columns
    func layout(_ t: Tensor) -> Broadcast? {
      if t.shape == shape { return .full }
      if t.count == 1 { return .scalar }
      if t.shape == [columns] || t.shape == [1, columns] { return .row }
      if shape.count == 2 && t.shape == [rows, 1] { return .column }
      return nil
    }
    guard let left = layout(a), let right = layout(b) else {
      preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    return BroadcastPlan(shape: shape, rows: rows, columns: columns, left: left, right: right)
  }
}
