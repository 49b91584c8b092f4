// ReferenceBackend: every primitive as plain scalar loops, the oracle the fast backends match.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The reference backend: each primitive written as the plainest possible scalar loop.
///
/// It is slow on purpose. Its job is to be obviously correct, so that ``CPUBackend`` and
/// the CUDA backend can be tested against it primitive by primitive. Matrix products accumulate
/// in `Double` for both dtypes, so the oracle is at least as accurate as what it checks.
/// Element-wise operations are written apart from the fast path's: each element is computed in
/// `Double` with the platform's libm and rounded once to the element type, so a wrong
/// definition on either side shows up in the parity tests. Supports ``DType/float32`` and
/// ``DType/float64``.
public final class ReferenceBackend: Backend {
  /// Creates a reference backend.
  public init() {}

  /// A shared instance; the backend holds no state, so one is enough.
  public static let shared = ReferenceBackend()

  /// A short name for diagnostics.
  public var name: String { "reference" }

  /// Whether `dtype` is supported.
  public func supports(_ dtype: DType) -> Bool { true }

  // MARK: Memory

  /// Allocates an uninitialised host buffer of `count` elements.
  public func allocate(count: Int, dtype: DType) -> TensorStorage {
    let address = alignedHostAllocate(byteCount: count * dtype.byteSize)
    return TensorStorage(backend: self, dtype: dtype, count: count, address: address)
  }

  /// Returns a buffer to the allocator.
  public func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int) {
    address.deallocate()
  }

  /// Copies host memory into the buffer.
  public func upload(_ source: UnsafeRawPointer, into storage: TensorStorage) {
    storage.address.copyMemory(from: source, byteCount: storage.byteCount)
  }

  /// Copies the whole buffer into host memory.
  public func download(_ storage: TensorStorage, into destination: UnsafeMutableRawPointer) {
    destination.copyMemory(from: storage.address, byteCount: storage.byteCount)
  }

  /// Copies `count` elements between buffers.
  public func copy(
    _ source: TensorStorage, offset sourceOffset: Int, into destination: TensorStorage,
    offset destinationOffset: Int, count: Int
  ) {
    let size = source.dtype.byteSize
    for i in 0..<count * size {
      (destination.address + destinationOffset * size).storeBytes(
        of: (source.address + sourceOffset * size).load(fromByteOffset: i, as: UInt8.self),
        toByteOffset: i, as: UInt8.self)
    }
  }

  /// Sets every element to `value`.
  public func fill(_ storage: TensorStorage, with value: Double) {
    switch storage.dtype {
    case .float32: for i in 0..<storage.count { storage.floats[i] = Float(value) }
    case .float64: for i in 0..<storage.count { storage.doubles[i] = value }
    }
  }

  // MARK: Compute

  /// Row-major matrix multiply with transpose flags.
  public func gemm(
    _ a: TensorStorage, transposeA: Bool, _ b: TensorStorage, transposeB: Bool,
    into c: TensorStorage, m: Int, n: Int, k: Int, alpha: Double, beta: Double
  ) {
    switch c.dtype {
    case .float32:
      Self.gemm(Float.self, a, transposeA, b, transposeB, c, m, n, k, alpha, beta)
    case .float64:
      Self.gemm(Double.self, a, transposeA, b, transposeB, c, m, n, k, alpha, beta)
    }
  }

  private static func gemm<T: HostFloat>(
    _: T.Type, _ a: TensorStorage, _ transposeA: Bool, _ b: TensorStorage, _ transposeB: Bool,
    _ c: TensorStorage, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ beta: Double
  ) {
    let a = T.elements(of: a)
    let b = T.elements(of: b)
    let c = T.elements(of: c)
    for i in 0..<m {
      for j in 0..<n {
        var total = 0.0
        for p in 0..<k {
          let aValue = transposeA ? a[p * m + i] : a[i * k + p]
          let bValue = transposeB ? b[j * k + p] : b[p * n + j]
          total += Double(aValue) * Double(bValue)
        }
        // beta == 0 overwrites, so an uninitialised (even NaN) c is never read, as in BLAS.
        let previous = beta == 0 ? 0 : beta * Double(c[i * n + j])
        c[i * n + j] = T(alpha * total + previous)
      }
    }
  }

  /// Applies `op` element-wise.
  public func unary(_ op: UnaryOp, _ x: TensorStorage, into out: TensorStorage) {
    switch x.dtype {
    case .float32: Self.unary(Float.self, op, x, out)
    case .float64: Self.unary(Double.self, op, x, out)
    }
  }

  private static func unary<T: HostFloat>(
    _: T.Type, _ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage
  ) {
    let count = out.count
    let x = T.elements(of: x)
    let out = T.elements(of: out)
    for i in 0..<count { out[i] = T(referenceUnary(op, Double(x[i]), rounding: T.self)) }
  }

  /// Applies `op` to two broadcast operands.
  public func binary(
    _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, into out: TensorStorage, rows: Int, columns: Int
  ) {
    switch out.dtype {
    case .float32: Self.binary(Float.self, op, a, aLayout, b, bLayout, out, rows, columns)
    case .float64: Self.binary(Double.self, op, a, aLayout, b, bLayout, out, rows, columns)
    }
  }

  private static func binary<T: HostFloat>(
    _: T.Type, _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, _ out: TensorStorage, _ rows: Int, _ columns: Int
  ) {
    let a = T.elements(of: a)
    let b = T.elements(of: b)
    let out = T.elements(of: out)
    for row in 0..<rows {
      for column in 0..<columns {
        let aValue = a[aLayout.index(row: row, column: column, columns: columns)]
        let bValue = b[bLayout.index(row: row, column: column, columns: columns)]
        out[row * columns + column] = T(referenceBinary(op, Double(aValue), Double(bValue)))
      }
    }
  }

  /// Reduces the middle axis of an `[outer, length, inner]` view.
  public func reduce(
    _ op: ReduceOp, _ x: TensorStorage, outer: Int, length: Int, inner: Int,
    into out: TensorStorage
  ) {
    switch x.dtype {
    case .float32: Self.reduce(Float.self, op, x, outer, length, inner, out)
    case .float64: Self.reduce(Double.self, op, x, outer, length, inner, out)
    }
  }

  private static func reduce<T: HostFloat>(
    _: T.Type, _ op: ReduceOp, _ x: TensorStorage, _ outer: Int, _ length: Int, _ inner: Int,
    _ out: TensorStorage
  ) {
    let x = T.elements(of: x)
    let out = T.elements(of: out)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * length * inner + i
        switch op {
        case .sum:
          var total = T.zero
          for l in 0..<length { total += x[base + l * inner] }
          out[o * inner + i] = total
        case .max, .min, .argmax, .argmin:
          precondition(length > 0, "reduce(\(op)): cannot reduce an empty axis")
          var best = x[base]
          var bestIndex = 0
          for l in 1..<max(length, 1) {
            let value = x[base + l * inner]
            let better = (op == .max || op == .argmax) ? value > best : value < best
            if better || (best.isNaN && !value.isNaN) {
              best = value
              bestIndex = l
            }
          }
          out[o * inner + i] = (op == .max || op == .min) ? best : T(bestIndex)
        }
      }
    }
  }

  /// Writes the transpose of a row-major matrix.
  public func transpose(_ x: TensorStorage, rows: Int, columns: Int, into out: TensorStorage) {
    switch x.dtype {
    case .float32: Self.transpose(Float.self, x, rows, columns, out)
    case .float64: Self.transpose(Double.self, x, rows, columns, out)
    }
  }

  private static func transpose<T: HostFloat>(
    _: T.Type, _ x: TensorStorage, _ rows: Int, _ columns: Int, _ out: TensorStorage
  ) {
    let x = T.elements(of: x)
    let out = T.elements(of: out)
    for r in 0..<rows {
      for c in 0..<columns { out[c * rows + r] = x[r * columns + c] }
    }
  }

  /// Copies the rows `indices` into consecutive rows of `out`.
  public func gatherRows(
    _ x: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    for (row, index) in indices.enumerated() {
      copy(x, offset: index * rowLength, into: out, offset: row * rowLength, count: rowLength)
    }
  }

  /// Adds each row of `source` into row `indices[r]` of `out`.
  public func scatterAddRows(
    _ source: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    switch source.dtype {
    case .float32: Self.scatterAdd(Float.self, source, indices, rowLength, out)
    case .float64: Self.scatterAdd(Double.self, source, indices, rowLength, out)
    }
  }

  private static func scatterAdd<T: HostFloat>(
    _: T.Type, _ source: TensorStorage, _ indices: [Int], _ rowLength: Int,
    _ out: TensorStorage
  ) {
    let source = T.elements(of: source)
    let out = T.elements(of: out)
    for (row, index) in indices.enumerated() {
      for c in 0..<rowLength { out[index * rowLength + c] += source[row * rowLength + c] }
    }
  }

  /// One fused Adam update of `parameter` in place.
  public func adamStep(
    parameter: TensorStorage, gradient: TensorStorage, firstMoment: TensorStorage,
    secondMoment: TensorStorage, hyperparameters: AdamStep
  ) {
    switch parameter.dtype {
    case .float32:
      Self.adam(Float.self, parameter, gradient, firstMoment, secondMoment, hyperparameters)
    case .float64:
      Self.adam(Double.self, parameter, gradient, firstMoment, secondMoment, hyperparameters)
    }
  }

  /// `torch.optim.Adam`'s single-tensor update, term by term.
  private static func adam<T: HostFloat>(
    _: T.Type, _ parameter: TensorStorage, _ gradient: TensorStorage,
    _ firstMoment: TensorStorage, _ secondMoment: TensorStorage, _ h: AdamStep
  ) {
    let count = parameter.count
    let p = T.elements(of: parameter)
    let g = T.elements(of: gradient)
    let m = T.elements(of: firstMoment)
    let v = T.elements(of: secondMoment)
    let biasCorrection1 = 1 - T.power(T(h.beta1), T(h.step))
    let biasCorrection2 = 1 - T.power(T(h.beta2), T(h.step))
    let stepSize = T(h.learningRate) / biasCorrection1
    let biasCorrection2Root = biasCorrection2.squareRoot()
    for i in 0..<count {
      var grad = g[i]
      if h.weightDecay != 0 { grad += T(h.weightDecay) * p[i] }
      m[i] = m[i] * T(h.beta1) + (1 - T(h.beta1)) * grad
      v[i] = v[i] * T(h.beta2) + (1 - T(h.beta2)) * grad * grad
      let denominator = v[i].squareRoot() / biasCorrection2Root + T(h.epsilon)
      p[i] -= stepSize * (m[i] / denominator)
    }
  }

  /// Waits for queued work; host work is synchronous, so this returns at once.
  public func synchronize() {}
}

/// `op` on one element in `Double`, written independently of the fast path's `_ScalarMath`.
///
/// The caller rounds the result once to the element type `T`. For `+`, `−`, `×`, `÷` and `√` of
/// `Float` operands this gives the correctly rounded `Float` result (a `Double` carries more than
/// 2·24 + 2 bits), so only the libm functions (exp, log, tanh, pow, and sigmoid through exp) can
/// differ from `Float`'s own by the accuracy of its float routines. A scalar parameter is
/// rounded to `T` first, as the operation defines it at that element type.
private func referenceUnary<T: BinaryFloatingPoint>(
  _ op: UnaryOp, _ x: Double, rounding _: T.Type
) -> Double {
  func parameter(_ value: Double) -> Double { Double(T(value)) }
  switch op {
  case .negate: return -x
  case .exp: return exp(x)
  case .log: return log(x)
  case .sqrt: return sqrt(x)
  case .square: return x * x
  case .reciprocal: return 1 / x
  case .abs: return fabs(x)
  // 0 for ±0 and NaN, else ±1 with the sign of x.
  case .sign: return x == 0 || x.isNaN ? 0 : copysign(1, x)
  case .relu: return x > 0 ? x : 0
  case .sigmoid: return 1 / (1 + exp(-x))
  case .tanh: return tanh(x)
  case .addScalar(let value): return x + parameter(value)
  case .multiplyScalar(let value): return x * parameter(value)
  case .powScalar(let p): return pow(x, parameter(p))
  case .clamp(let lower, let upper):
    // NaN stays NaN, as in min(max(x, lower), upper).
    let low = parameter(lower)
    let high = parameter(upper)
    let raised = low >= x ? low : x
    return high < raised ? high : raised
  case .indicatorInRange(let lower, let upper):
    return x >= parameter(lower) && x <= parameter(upper) ? 1 : 0
  }
}

/// `op` on one pair of elements in `Double`; rounded once to the element type by the caller, it
/// equals the element type's own arithmetic (see `referenceUnary`).
private func referenceBinary(_ op: BinaryOp, _ a: Double, _ b: Double) -> Double {
  switch op {
  case .add: return a + b
  case .subtract: return a - b
  case .multiply: return a * b
  case .divide: return a / b
  // The comparisons of Swift.max and Swift.min, so that ties and NaN pick the same operand.
  case .maximum: return b >= a ? b : a
  case .minimum: return b < a ? b : a
  case .reluGradient: return b > 0 ? a : 0
  }
}
