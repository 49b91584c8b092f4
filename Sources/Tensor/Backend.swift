// Backend: the short list of primitives every compute backend implements.

/// An element-wise operation on one operand; see ``Backend/unary(_:_:into:)``.
///
/// Parameterised cases carry their constant as `Double`; float32 backends round it once.
public enum UnaryOp: Sendable, Hashable {
  /// `-x`.
  case negate
  /// `eˣ`.
  case exp
  /// `ln x`.
  case log
  /// `√x`.
  case sqrt
  /// `x²`.
  case square
  /// `1 / x`.
  case reciprocal
  /// `|x|`.
  case abs
  /// `sign(x)`: −1, 0 or 1.
  case sign
  /// `max(x, 0)`.
  case relu
  /// `1 / (1 + e⁻ˣ)`.
  case sigmoid
  /// `tanh x`.
  case tanh
  /// `x + value`.
  case addScalar(Double)
  /// `x · value`.
  case multiplyScalar(Double)
  /// `xᵖ` for a constant exponent `p`.
  case powScalar(Double)
  /// `min(max(x, lower), upper)`.
  case clamp(lower: Double, upper: Double)
  /// `1` where `lower ≤ x ≤ upper`, else `0` (the derivative mask of ``clamp(lower:upper:)``).
  case indicatorInRange(lower: Double, upper: Double)
}

/// An element-wise operation on two operands; see ``Backend/binary(_:_:_:_:_:into:rows:columns:)``.
public enum BinaryOp: Sendable, Hashable {
  /// `a + b`.
  case add
  /// `a − b`.
  case subtract
  /// `a · b`.
  case multiply
  /// `a / b`.
  case divide
  /// `max(a, b)`.
  case maximum
  /// `min(a, b)`.
  case minimum
  /// `a · 1[b > 0]`: the ReLU backward pass, with `a` the upstream gradient and `b` the
  /// ReLU's input or output.
  case reluGradient
}

/// A reduction along one axis; see ``Backend/reduce(_:_:outer:length:inner:into:)``.
public enum ReduceOp: String, Sendable, Hashable {
  /// The sum.
  case sum
  /// The largest element.
  case max
  /// The smallest element.
  case min
  /// The position of the largest element (first one on ties), stored as a float.
  case argmax
  /// The position of the smallest element (first one on ties), stored as a float.
  case argmin
}

/// How an operand of a binary op is laid out against the `[rows, columns]` result.
///
/// Binary operations broadcast in two dimensions only: each operand is either the full matrix,
/// one row repeated down the result, one column repeated across it, or a single scalar.
public enum Broadcast: Sendable, Hashable {
  /// The operand has `rows × columns` elements.
  case full
  /// The operand has `columns` elements, repeated for every row.
  case row
  /// The operand has `rows` elements, repeated for every column.
  case column
  /// The operand has one element.
  case scalar

  /// The number of elements an operand with this layout holds.
  public func count(rows: Int, columns: Int) -> Int {
    switch self {
    case .full: return rows * columns
    case .row: return columns
    case .column: return rows
    case .scalar: return 1
    }
  }
}

/// The hyperparameters of one fused Adam step, with PyTorch's semantics.
///
/// The update for step `t` (1-based) is
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`, where `g` includes the L2 term
/// `weightDecay · p` when `weightDecay` is not zero (`torch.optim.Adam`, not AdamW).
public struct AdamStep: Sendable, Hashable {
  /// The learning rate.
  public var learningRate: Double
  /// The decay rate of the first moment.
  public var beta1: Double
  /// The decay rate of the second moment.
  public var beta2: Double
  /// The term added to the denominator.
  public var epsilon: Double
  /// The L2 penalty added to the gradient.
  public var weightDecay: Double
  /// The 1-based step number used for bias correction.
  public var step: Int

  /// Creates the hyperparameters of one Adam step.
  public init(
    learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    weightDecay: Double = 0, step: Int
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.step = step
  }
}

/// A compute backend: memory plus a short list of primitives that every tensor operation is
/// built from.
///
/// ``ReferenceBackend`` implements each primitive as plain scalar loops and is the oracle that
/// ``CPUBackend`` (OpenBLAS plus vectorised loops) and the CUDA backend are tested against.
///
/// All buffers passed to one call must come from this backend; shapes are the caller's
/// responsibility and are checked by `Tensor` before it calls in. Operations may run
/// asynchronously (the CUDA backend queues them on a stream); ``synchronize()`` waits for them,
/// and ``download(_:into:)`` synchronises implicitly.
public protocol Backend: AnyObject, Sendable {
  /// A short human-readable name, such as `"cpu"`.
  var name: String { get }

  /// Whether this backend can hold and compute on elements of `dtype`.
  func supports(_ dtype: DType) -> Bool

  // MARK: Memory

  /// Allocates an uninitialised buffer of `count` elements.
  func allocate(count: Int, dtype: DType) -> TensorStorage
  /// Returns a buffer to the backend; called by ``TensorStorage`` when it is released.
  func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int)
  /// Copies `storage.byteCount` bytes of host memory into `storage`.
  func upload(_ source: UnsafeRawPointer, into storage: TensorStorage)
  /// Copies the whole of `storage` into host memory.
  func download(_ storage: TensorStorage, into destination: UnsafeMutableRawPointer)
  /// Copies `count` elements from `source[sourceOffset...]` to
  /// `destination[destinationOffset...]`. Both buffers have the same dtype.
  func copy(
    _ source: TensorStorage, offset sourceOffset: Int, into destination: TensorStorage,
    offset destinationOffset: Int, count: Int)
  /// Sets every element of `storage` to `value`.
  func fill(_ storage: TensorStorage, with value: Double)

  // MARK: Compute

  /// Row-major general matrix multiply: `c ← alpha · op(a) · op(b) + beta · c`, where `op(a)` is
  /// `m × k`, `op(b)` is `k × n` and `c` is `m × n`; the transpose flags reach BLAS unchanged.
  func gemm(
    _ a: TensorStorage, transposeA: Bool, _ b: TensorStorage, transposeB: Bool,
    into c: TensorStorage, m: Int, n: Int, k: Int, alpha: Double, beta: Double)
  /// Applies `op` to every element of `x`; `out` may be `x`.
  func unary(_ op: UnaryOp, _ x: TensorStorage, into out: TensorStorage)
  /// Applies `op` to `a` and `b` broadcast to `rows × columns`; `out` is `rows × columns` and
  /// may alias a full-sized operand.
  func binary(
    _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, into out: TensorStorage, rows: Int, columns: Int)
  /// Reduces the middle axis of `x` viewed as `[outer, length, inner]` into
  /// `out` of shape `[outer, inner]`.
  func reduce(
    _ op: ReduceOp, _ x: TensorStorage, outer: Int, length: Int, inner: Int,
    into out: TensorStorage)
  /// Writes the transpose of the row-major `rows × columns` matrix `x` into `out`.
  func transpose(_ x: TensorStorage, rows: Int, columns: Int, into out: TensorStorage)
  /// Copies rows `indices` of `x` (rows of `rowLength` elements) into consecutive rows of `out`.
  func gatherRows(
    _ x: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage)
  /// Adds row `r` of `source` into row `indices[r]` of `out`; repeated indices accumulate.
  func scatterAddRows(
    _ source: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage)
  /// One fused Adam update of `parameter` in place, updating both moment buffers.
  func adamStep(
    parameter: TensorStorage, gradient: TensorStorage, firstMoment: TensorStorage,
    secondMoment: TensorStorage, hyperparameters: AdamStep)
  /// Waits until every queued operation on this backend has finished.
  func synchronize()
}
