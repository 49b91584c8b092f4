// BackendParity+Compute: the parity cases of the compute primitives — GEMM, element-wise,
// reductions, transposes, row gathers and scatter-adds, and the fused Adam step.

import Tensor

extension ParityRun {
  // MARK: GEMM

  /// (m, n, k): degenerate, prime, and the autoencoder's layers with `batch` rows.
  static func gemmShapes(batch: Int) -> [(m: Int, n: Int, k: Int)] {
    [
      (1, 1, 1), (1, 7, 5), (7, 1, 5), (5, 7, 1), (13, 17, 19), (31, 37, 41), (batch, 500, 784),
      (batch, 500, 500), (batch, 2000, 500), (batch, 10, 2000), (batch, 784, 500),
    ]
  }

  /// Every transpose pair over the GEMM shapes.
  ///
  /// (alpha, beta) runs over {(1, 0), (−2, 1), (0.5, −0.25)} on the small shapes, and on the
  /// autoencoder shapes in a thorough run. A quick run gives each autoencoder
  /// shape to one transpose pair, with (1, 0) for the plain product and (0.5, −0.25) otherwise.
  func gemm(batch: Int) -> [ParityResult] {
    var results: [ParityResult] = []
    let pairs = [(false, false), (true, false), (false, true), (true, true)]
    for (transposeIndex, (tA, tB)) in pairs.enumerated() {
      let name = "gemm \(tA ? "T" : "N")\(tB ? "T" : "N")"
      var result = ParityResult(
        primitive: name, tolerance: "|a−e| ≤ 4r + r·|e|, r = 2e-6·√k + 1e-6")
      for (index, s) in Self.gemmShapes(batch: batch).enumerated() {
        let large = s.m * s.n * s.k > 100_000
        // A quick run spreads the large shapes over the transpose pairs, one pair each.
        if large && !thorough && index % 4 != transposeIndex { continue }
        let stream = 1000 + UInt64(index) * 10
        let a = operand(s.m * s.k, stream)
        let b = operand(s.k * s.n, stream + 1)
        var scalings = [(1.0, 0.0), (-2.0, 1.0), (0.5, -0.25)]
        if large && !thorough { scalings = [tA || tB ? (0.5, -0.25) : (1, 0)] }
        for (alpha, beta) in scalings {
          let c = operand(s.m * s.n, stream + 2)
          both { backend, side in
            backend.gemm(
              a[keyPath: side], transposeA: tA, b[keyPath: side], transposeB: tB,
              into: c[keyPath: side], m: s.m, n: s.n, k: s.k, alpha: alpha, beta: beta)
          }
          // Float32 sums of k products carry about √k·ε relative error against the oracle,
          // which accumulates in float64.
          let rtol = 2e-6 * Double(s.k).squareRoot() + 1e-6
          compare(
            &result, c, rtol: rtol, atol: 4 * rtol, "\(s.m)×\(s.n)×\(s.k) α=\(alpha) β=\(beta)")
        }
      }
      results.append(result)
    }
    return results
  }

  /// `beta = 0` never reads the output (NaN there must vanish) and `k = 0` scales by beta.
  func gemmSpecialCases() -> ParityResult {
    var result = ParityResult(primitive: "gemm β=0 over NaN, k=0", tolerance: "exact")
    let a = operand([Float](repeating: 1, count: 6))
    let c = operand([Float](repeating: .nan, count: 4))
    both { backend, side in
      backend.gemm(
        a[keyPath: side], transposeA: false, a[keyPath: side], transposeB: true,
        into: c[keyPath: side], m: 2, n: 2, k: 3, alpha: 1, beta: 0)
    }
    compare(&result, c, rtol: 0, atol: 0, "β=0 over NaN")
    result.record(read(c.candidate), [3, 3, 3, 3], rtol: 0, atol: 0, "β=0 over NaN, value")
    for beta in [0.0, 2.0] {
      let empty = operand([])
      let d = operand(12, 1900)
      both { backend, side in
        backend.gemm(
          empty[keyPath: side], transposeA: false, empty[keyPath: side], transposeB: false,
          into: d[keyPath: side], m: 3, n: 4, k: 0, alpha: 1, beta: beta)
      }
      compare(&result, d, rtol: 0, atol: 0, "k=0 β=\(beta)")
    }
    return result
  }

  // MARK: Element-wise

  static let unaryOps: [UnaryOp] = [
    .negate, .exp, .log, .sqrt, .square, .reciprocal, .abs, .sign, .relu, .sigmoid, .tanh,
    .addScalar(1.5), .multiplyScalar(-3), .powScalar(2), .powScalar(0.5), .powScalar(-1),
    .powScalar(1.7), .clamp(lower: -0.5, upper: 0.75), .clamp(lower: 0, upper: .infinity),
    .indicatorInRange(lower: -0.5, upper: 0.75),
  ]

  /// Every unary op on several sizes, out of place and in place.
  func unary() -> [ParityResult] {
    let t = Self.elementwise
    return Self.unaryOps.enumerated().map { index, op in
      var result = ParityResult(
        primitive: "unary \(op)", tolerance: Self.toleranceText(rtol: t.rtol, atol: t.atol))
      // log, sqrt and fractional powers need positive inputs.
      let positive =
        switch op {
        case .log, .sqrt, .powScalar: true
        default: false
        }
      for (caseIndex, count) in [1, 17, 13 * 29, thorough ? 100_003 : 10_007].enumerated() {
        let x = operand(count, 2000 + UInt64(100 * index + caseIndex), lower: positive ? 0.1 : -4)
        let out = operand(count, 2500)
        both { backend, side in backend.unary(op, x[keyPath: side], into: out[keyPath: side]) }
        compare(&result, out, rtol: t.rtol, atol: t.atol, "\(count) elements")
        both { backend, side in backend.unary(op, x[keyPath: side], into: x[keyPath: side]) }
        compare(&result, x, rtol: t.rtol, atol: t.atol, "\(count) elements in place")
      }
      return result
    }
  }

  static let binaryOps: [BinaryOp] = [
    .add, .subtract, .multiply, .divide, .maximum, .minimum, .reluGradient,
  ]

  /// Every binary op under every pair of broadcast layouts, plus in place over `a`.
  func binary() -> [ParityResult] {
    let t = Self.elementwise
    let layouts: [Broadcast] = [.full, .row, .column, .scalar]
    return Self.binaryOps.enumerated().map { index, op in
      var result = ParityResult(
        primitive: "binary \(op)", tolerance: Self.toleranceText(rtol: t.rtol, atol: t.atol))
      var stream = 3000 + UInt64(1000 * index)
      var shapes = [(1, 1), (1, 9), (9, 1), (7, 13), (37, 41)]
      if thorough { shapes.append((256, 500)) }
      for (rows, columns) in shapes {
        for aLayout in layouts {
          for bLayout in layouts {
            stream += 2
            let a = operand(aLayout.count(rows: rows, columns: columns), stream)
            // Keep divisors away from zero.
            let b = operand(
              bLayout.count(rows: rows, columns: columns), stream + 1,
              lower: op == .divide ? 0.5 : -2)
            let out = operand(rows * columns, 3999)
            both { backend, side in
              backend.binary(
                op, a[keyPath: side], aLayout, b[keyPath: side], bLayout,
                into: out[keyPath: side], rows: rows, columns: columns)
            }
            compare(
              &result, out, rtol: t.rtol, atol: t.atol, "\(rows)×\(columns) \(aLayout)/\(bLayout)")
          }
        }
        // The output may alias a full-sized operand.
        let a = operand(rows * columns, stream + 500)
        let b = operand(columns, stream + 501, lower: op == .divide ? 0.5 : -2)
        both { backend, side in
          backend.binary(
            op, a[keyPath: side], .full, b[keyPath: side], .row, into: a[keyPath: side],
            rows: rows, columns: columns)
        }
        compare(&result, a, rtol: t.rtol, atol: t.atol, "\(rows)×\(columns) in place")
      }
      return result
    }
  }

  // MARK: Reductions

  /// `[outer, length, inner]` views covering short, contiguous and strided axes: the three
  /// strategies a GPU backend typically switches between.
  var reduceShapes: [(outer: Int, length: Int, inner: Int)] {
    let shapes = [
      (1, 1, 1), (1, 33, 1), (33, 1, 1), (1, 1, 33), (13, 29, 1), (1, 13, 29), (4, 5, 6),
      (3, 1000, 1), (1, 3, 1000), (70, 33, 45), (1, 5000, 3), (1000, 10, 1),
    ]
    return shapes + (thorough ? [(256, 784, 1), (1, 256, 2000), (2, 20_000, 1)] : [(1, 64, 200)])
  }

  /// Every reduction over every shape, on random inputs, on inputs with many ties (values on a
  /// coarse grid) and, for max/min/arg reductions, inputs with NaN.
  func reduce() -> [ParityResult] {
    [ReduceOp.sum, .max, .min, .argmax, .argmin].enumerated().map { index, op in
      // The oracle sums sequentially in float32; a tree order differs by about √length·ε.
      let rtol = op == .sum ? 1e-5 : 0
      var result = ParityResult(
        primitive: "reduce \(op)",
        tolerance: op == .sum ? "|a−e| ≤ 1e-5·√length + 1e-5·|e|" : "exact")
      for (caseIndex, s) in reduceShapes.enumerated() {
        let count = s.outer * s.length * s.inner
        var inputs: [(String, [Float])] = [
          ("random", values(count, 5000 + UInt64(100 * index + caseIndex)))
        ]
        inputs.append(("ties", inputs[0].1.map { ($0 * 2).rounded() / 2 }))
        if op != .sum {
          var withNaN = inputs[0].1
          for i in stride(from: caseIndex % 3, to: count, by: 3) { withNaN[i] = .nan }
          inputs.append(("NaN", withNaN))
        }
        for (kind, input) in inputs {
          let x = operand(input)
          let out = operand(s.outer * s.inner, 5999)
          both { backend, side in
            backend.reduce(
              op, x[keyPath: side], outer: s.outer, length: s.length, inner: s.inner,
              into: out[keyPath: side])
          }
          let atol = op == .sum ? 1e-5 * Double(s.length).squareRoot() : 0
          compare(&result, out, rtol: rtol, atol: atol, "\(s) \(kind)")
        }
      }
      return result
    }
  }

  // MARK: Rows

  /// Transposes of degenerate, prime, tile-straddling and autoencoder-sized matrices.
  func transpose() -> ParityResult {
    var result = ParityResult(primitive: "transpose", tolerance: "exact")
    for (index, (rows, columns)) in [(1, 1), (1, 13), (13, 1), (37, 41), (33, 65), (64, 784)]
      .enumerated()
    {
      let x = operand(rows * columns, 6000 + UInt64(index))
      let out = operand(rows * columns, 6999)
      both { backend, side in
        backend.transpose(x[keyPath: side], rows: rows, columns: columns, into: out[keyPath: side])
      }
      compare(&result, out, rtol: 0, atol: 0, "\(rows)×\(columns)")
    }
    return result
  }

  /// Random row indices (with repeats, out of order) into `rows` rows.
  func indices(_ count: Int, rows: Int, _ stream: UInt64) -> [Int] {
    var rng = Xoshiro256(seed: seed &+ stream)
    return (0..<count).map { _ in Int(rng.next(upperBound: UInt64(rows))) }
  }

  static let rowShapes = [(1, 1), (1, 13), (13, 1), (37, 41), (64, 784), (1000, 10)]

  /// Row gathers with repeated indices.
  func gather() -> ParityResult {
    var result = ParityResult(primitive: "gather rows", tolerance: "exact")
    for (index, (rows, rowLength)) in Self.rowShapes.enumerated() {
      let x = operand(rows * rowLength, 7000 + UInt64(index))
      let chosen = indices(2 * rows + 1, rows: rows, 7100 + UInt64(index))
      let out = operand(chosen.count * rowLength, 7999)
      both { backend, side in
        backend.gatherRows(
          x[keyPath: side], indices: chosen, rowLength: rowLength, into: out[keyPath: side])
      }
      compare(&result, out, rtol: 0, atol: 0, "\(chosen.count) of \(rows)×\(rowLength)")
    }
    return result
  }

  /// Row scatter-adds with repeated indices into a non-zero output; the sums are added in
  /// index order, so the result is exact.
  func scatterAdd() -> ParityResult {
    var result = ParityResult(primitive: "scatter-add rows", tolerance: "exact")
    for (index, (rows, rowLength)) in Self.rowShapes.enumerated() {
      let chosen = indices(3 * rows + 2, rows: rows, 8100 + UInt64(index))
      let source = operand(chosen.count * rowLength, 8000 + UInt64(index))
      let out = operand(rows * rowLength, 8200 + UInt64(index))
      both { backend, side in
        backend.scatterAddRows(
          source[keyPath: side], indices: chosen, rowLength: rowLength, into: out[keyPath: side])
      }
      compare(&result, out, rtol: 0, atol: 0, "\(chosen.count) rows into \(rows)×\(rowLength)")
    }
    return result
  }

  // MARK: Adam

  /// Three fused Adam steps, with and without weight decay.
  func adam() -> ParityResult {
    var result = ParityResult(primitive: "adam step", tolerance: "|a−e| ≤ 1e-5 + 1e-5·|e|")
    for weightDecay in [0.0, 0.01] {
      for (index, count) in [1, 7, 1000, 4099].enumerated() {
        let stream = 9000 + UInt64(10 * index)
        let p = operand(count, stream)
        let g = operand(count, stream + 1)
        let m = operand(count, stream + 2, lower: -0.1, upper: 0.1)
        let v = operand(count, stream + 3, lower: 0, upper: 0.1)
        for step in 1...3 {
          let h = AdamStep(learningRate: 1e-2, weightDecay: weightDecay, step: step)
          both { backend, side in
            backend.adamStep(
              parameter: p[keyPath: side], gradient: g[keyPath: side],
              firstMoment: m[keyPath: side], secondMoment: v[keyPath: side], hyperparameters: h)
          }
        }
        let label = "\(count) elements, weight decay \(weightDecay)"
        compare(&result, p, rtol: 1e-5, atol: 1e-5, label + ", parameter")
        compare(&result, m, rtol: 1e-5, atol: 1e-5, label + ", first moment")
        compare(&result, v, rtol: 1e-5, atol: 1e-5, label + ", second moment")
      }
    }
    return result
  }
}
