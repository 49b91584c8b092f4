// Parity of every Backend primitive: CPUBackend against ReferenceBackend, both dtypes.

import Tensor
import Testing
import _TestSupport

/// Random host values for a parity case, identical on both backends.
private func values(_ count: Int, seed: UInt64, lower: Double = -2, upper: Double = 2) -> [Double] {
  var rng = Xoshiro256(seed: seed)
  return (0..<count).map { _ in lower + (upper - lower) * rng.nextUnitDouble() }
}

/// The same values as a tensor on the reference and on the CPU backend.
private func pair(
  _ shape: [Int], _ dtype: DType, seed: UInt64, lower: Double = -2, upper: Double = 2
) -> (reference: Tensor, cpu: Tensor) {
  let v = values(shape.reduce(1, *), seed: seed, lower: lower, upper: upper)
  return (
    Tensor(converting: v, shape: shape, dtype: dtype, on: ReferenceBackend.shared),
    Tensor(converting: v, shape: shape, dtype: dtype, on: CPUBackend.shared)
  )
}

/// Tolerances for element-wise results: float32 rounding versus float64 rounding.
private func tolerance(_ dtype: DType) -> (rtol: Double, atol: Double) {
  dtype == .float32 ? (2e-6, 1e-6) : (1e-13, 1e-13)
}

/// Matrix shapes: degenerate, prime and (with few rows, to keep the reference loop quick in
/// debug builds) the DEC/DCRL autoencoder's layer sizes.
private let gemmShapes: [(m: Int, n: Int, k: Int)] = [
  (1, 1, 1), (1, 7, 5), (7, 1, 5), (5, 7, 1), (13, 17, 19), (31, 37, 41), (8, 500, 784),
  (8, 500, 500), (8, 2000, 500), (8, 10, 2000), (3, 784, 500),
]

@Suite("Backend parity: CPUBackend matches ReferenceBackend")
struct BackendParityTests {
  @Test(
    "G6 gemm, every transpose combination",
    .tags(.parity), arguments: DType.allCases,
    [(false, false), (true, false), (false, true), (true, true)])
  func gemm(dtype: DType, transposes: (Bool, Bool)) {
    for (index, shape) in gemmShapes.enumerated() {
      let (tA, tB) = transposes
      let a = pair(tA ? [shape.k, shape.m] : [shape.m, shape.k], dtype, seed: UInt64(index))
      let b = pair(tB ? [shape.n, shape.k] : [shape.k, shape.n], dtype, seed: UInt64(100 + index))
      let c = pair([shape.m, shape.n], dtype, seed: UInt64(200 + index))
      for (alpha, beta) in [(1.0, 0.0), (-2.0, 1.0), (0.5, -0.25)] {
        var expected = c.reference
        var actual = c.cpu
        matmul(
          a.reference, b.reference, transposeA: tA, transposeB: tB, alpha: alpha, beta: beta,
          accumulatingInto: &expected)
        matmul(
          a.cpu, b.cpu, transposeA: tA, transposeB: tB, alpha: alpha, beta: beta,
          accumulatingInto: &actual)
        // Float32 sums of k products carry about √k·ε relative error against the float64 oracle.
        let rtol = dtype == .float32 ? 2e-6 * Double(shape.k).squareRoot() + 1e-6 : 1e-12
        expectClose(
          actual, expected, rtol: rtol, atol: rtol * 4,
          "gemm \(shape) tA=\(tA) tB=\(tB) α=\(alpha) β=\(beta)")
      }
    }
  }

  @Test(
    "G6 gemm with beta = 0 ignores NaN in the output buffer, as BLAS does", .tags(.parity),
    arguments: DType.allCases)
  func gemmIgnoresStaleOutput(dtype: DType) {
    for backend in hostBackends {
      let a = Tensor.ones([2, 3], dtype: dtype, on: backend)
      var c = Tensor.full(.nan, [2, 2], dtype: dtype, on: backend)
      matmul(a, a, transposeB: true, beta: 0, accumulatingInto: &c)
      #expect(c.doubles == [3, 3, 3, 3], "\(backend.name)")
    }
  }

  static let unaryOps: [UnaryOp] = [
    .negate, .exp, .log, .sqrt, .square, .reciprocal, .abs, .sign, .relu, .sigmoid, .tanh,
    .addScalar(1.5), .multiplyScalar(-3), .powScalar(2), .powScalar(0.5), .powScalar(-1),
    .powScalar(1.7), .clamp(lower: -0.5, upper: 0.75), .indicatorInRange(lower: -0.5, upper: 0.75),
  ]

  @Test("G6 unary, every op", .tags(.parity), arguments: DType.allCases)
  func unary(dtype: DType) {
    for (index, op) in Self.unaryOps.enumerated() {
      // log, sqrt and fractional powers need positive inputs.
      let positive: Bool
      switch op {
      case .log, .sqrt, .powScalar: positive = true
      default: positive = false
      }
      for shape in [[1], [1, 1], [1, 17], [17, 1], [13, 29], [3, 5, 7]] {
        let x = pair(shape, dtype, seed: UInt64(index), lower: positive ? 0.1 : -2)
        let t = tolerance(dtype)
        expectClose(
          x.cpu.applying(op), x.reference.applying(op), rtol: t.rtol, atol: t.atol, "\(op) \(shape)"
        )
      }
    }
  }

  static let binaryOps: [BinaryOp] = [
    .add, .subtract, .multiply, .divide, .maximum, .minimum, .reluGradient,
  ]

  /// Operand shapes for a [rows, columns] result under every broadcast layout pair.
  static func layoutShapes(_ rows: Int, _ columns: Int) -> [([Int], [Int])] {
    let full = [rows, columns]
    let row = [columns]
    let column = [rows, 1]
    let scalar = [1]
    return [
      (full, full), (full, row), (row, full), (full, column), (column, full), (full, scalar),
      (scalar, full), (column, [1, columns]), ([1, columns], column), (row, scalar), (scalar, row),
    ]
  }

  @Test("G6 binary, every op and broadcast layout", .tags(.parity), arguments: DType.allCases)
  func binary(dtype: DType) {
    for (index, op) in Self.binaryOps.enumerated() {
      for (rows, columns) in [(1, 1), (1, 9), (9, 1), (7, 13), (37, 41)] {
        for (s, (aShape, bShape)) in Self.layoutShapes(rows, columns).enumerated() {
          let a = pair(aShape, dtype, seed: UInt64(10 * index + s))
          // Keep divisors away from zero.
          let b = pair(
            bShape, dtype, seed: UInt64(1000 + 10 * index + s), lower: op == .divide ? 0.5 : -2)
          let t = tolerance(dtype)
          expectClose(
            a.cpu.combined(with: b.cpu, op), a.reference.combined(with: b.reference, op),
            rtol: t.rtol, atol: t.atol, "\(op) \(aShape) \(bShape)")
        }
      }
    }
  }

  @Test("G6 reduce, every op and axis", .tags(.parity), arguments: DType.allCases)
  func reduce(dtype: DType) {
    for shape in [[1], [1, 1], [1, 33], [33, 1], [13, 29], [4, 5, 6], [3, 1000]] {
      let x = pair(shape, dtype, seed: UInt64(shape.reduce(0, +)))
      for axis in 0..<shape.count {
        for op in [ReduceOp.sum, .max, .min, .argmax, .argmin] {
          let rtol = dtype == .float32 ? 1e-5 : 1e-12
          expectClose(
            x.cpu.reduced(op, axis: axis), x.reference.reduced(op, axis: axis), rtol: rtol,
            atol: rtol, "\(op) axis \(axis) of \(shape)")
        }
      }
    }
  }

  @Test("G6 argmax and argmin break ties towards the first position", .tags(.parity))
  func argTies() {
    for backend in hostBackends {
      let x = Tensor([1, 3, 3, 0, 0, 2] as [Float], shape: [2, 3], on: backend)
      #expect(x.argmax(axis: 1) == [1, 2], "\(backend.name)")
      #expect(x.argmin(axis: 1) == [0, 0], "\(backend.name)")
      #expect(x.argmax(axis: 0) == [0, 0, 0], "\(backend.name)")
    }
  }

  @Test("G6 transpose, gather and scatter-add rows", .tags(.parity), arguments: DType.allCases)
  func rows(dtype: DType) {
    for (rows, columns) in [(1, 1), (1, 13), (13, 1), (37, 41), (64, 784)] {
      let x = pair([rows, columns], dtype, seed: UInt64(rows * columns))
      expectClose(x.cpu.transposed(), x.reference.transposed(), rtol: 0, atol: 0, "transpose")
      var rng = Xoshiro256(seed: 7)
      let indices = (0..<(2 * rows + 1)).map { _ in Int(rng.next(upperBound: UInt64(rows))) }
      let gathered = (x.cpu.gatheringRows(indices), x.reference.gatheringRows(indices))
      expectClose(gathered.0, gathered.1, rtol: 0, atol: 0, "gather")
      let t = tolerance(dtype)
      expectClose(
        gathered.0.scatteringRows(indices, rowCount: rows),
        gathered.1.scatteringRows(indices, rowCount: rows), rtol: t.rtol, atol: t.atol,
        "scatter-add")
    }
  }

  @Test("G6 copy with offsets and fill", .tags(.parity), arguments: DType.allCases)
  func memory(dtype: DType) {
    let x = pair([10, 3], dtype, seed: 3)
    expectClose(x.cpu.rows(2..<7), x.reference.rows(2..<7), rtol: 0, atol: 0)
    expectClose(
      Tensor.concatenatingRows([x.cpu.rows(0..<2), x.cpu.rows(5..<10)]),
      Tensor.concatenatingRows([x.reference.rows(0..<2), x.reference.rows(5..<10)]), rtol: 0,
      atol: 0)
    expectClose(
      Tensor.full(0.25, [3, 7], dtype: dtype, on: CPUBackend.shared),
      Tensor.full(0.25, [3, 7], dtype: dtype, on: ReferenceBackend.shared), rtol: 0, atol: 0)
  }

  @Test(
    "G6 fused Adam step, with and without weight decay", .tags(.parity), arguments: DType.allCases)
  func adam(dtype: DType) {
    for weightDecay in [0.0, 0.01] {
      for count in [1, 7, 1000, 4099] {
        let p = pair([count], dtype, seed: 1)
        let g = pair([count], dtype, seed: 2)
        let m = pair([count], dtype, seed: 3, lower: -0.1, upper: 0.1)
        let v = pair([count], dtype, seed: 4, lower: 0, upper: 0.1)
        var (pr, pc) = (p.reference, p.cpu)
        var (mr, mc, vr, vc) = (m.reference, m.cpu, v.reference, v.cpu)
        for step in 1...3 {
          let h = AdamStep(learningRate: 1e-2, weightDecay: weightDecay, step: step)
          pr.adamUpdate(
            gradient: g.reference, firstMoment: &mr, secondMoment: &vr, hyperparameters: h)
          pc.adamUpdate(gradient: g.cpu, firstMoment: &mc, secondMoment: &vc, hyperparameters: h)
        }
        let rtol = dtype == .float32 ? 1e-5 : 1e-12
        expectClose(pc, pr, rtol: rtol, atol: rtol, "parameter")
        expectClose(mc, mr, rtol: rtol, atol: rtol, "first moment")
        expectClose(vc, vr, rtol: rtol, atol: rtol, "second moment")
      }
    }
  }
}
