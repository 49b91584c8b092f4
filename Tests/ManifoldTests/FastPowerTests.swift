// The UMAP layout's fast x^y and batched SGD step against their plain twins.

import Foundation
import Tensor
import Testing

@testable import Manifold

@Suite("UMAP layout kernels")
struct FastPowerTests {
  /// `fastPower` and `powf` at every `x`.
  func lanes(_ xs: [Float], _ y: Float) -> [(x: Float, fast: Float, reference: Float)] {
    xs.map { ($0, fastPower($0, y), referencePower($0, y)) }
  }

  /// Every exponent the layout uses, over squared distances from 10⁻³⁰ to 10³⁰.
  ///
  /// The exponents are b for min_dist 0 … 0.99 and a few beyond; the distances a log grid
  /// with a jitter. The bound is the float rounding
  /// of `z = y·log2 x` (ulp(z)·ln 2, relative) plus a few ulps of the polynomials.
  @Test("fastPower matches powf within 4e-7 + 1e-7·|y·log2 x| relative")
  func matchesReference() {
    let exponents: [Float] = [-0.9, -0.105, 0.05, 0.5, 0.7915, 0.8951, 1, 1.5, 1.93, 3]
    let xs = (0...6000).map { step in
      powf(10, -30 + Float(step) * 0.01) * (1 + 0.0037 * Float(step % 7))
    }
    var worst: Float = 0
    var worstCase = (Float(0), Float(0))
    for y in exponents {
      for (x, fast, reference) in lanes(xs, y) where reference.isNormal {
        let bound = 4e-7 + 1e-7 * abs(y * log2(x))
        let error = abs(fast - reference) / reference / bound
        if error > worst { (worst, worstCase) = (error, (x, y)) }
      }
    }
    #expect(
      worst <= 1, "worst error \(worst) × the bound at x = \(worstCase.0), y = \(worstCase.1)")
  }

  @Test("special inputs take powf's values: 0, subnormals, infinity, NaN, huge results")
  func specialCases() {
    let xs: [Float] = [
      0, .leastNonzeroMagnitude, .leastNormalMagnitude / 4, .infinity, 1e38, 1, .nan, 2,
    ]
    for y: Float in [0.8951, -0.105, 3] {
      for (x, fast, reference) in lanes(xs, y) {
        #expect(
          fast == reference || abs(fast - reference) <= 2e-5 * abs(reference)
            || (fast.isNaN && reference.isNaN),
          "x = \(x), y = \(y): \(fast) vs \(reference)")
      }
    }
  }

  /// A random 2-D (and 12-D, and 20-D) layout of 300 points on a random
  /// graph, three epochs of SGD with each kernel from the same start and seed.
  @Test("the grouped SGD step equals its scalar twin (2-D, 12-D, 20-D), three epochs")
  func batchedStepMatchesReference() {
    var rng = Xoshiro256(seed: 5)
    let n = 300
    var rows: [[(column: Int, value: Double)]] = Array(repeating: [], count: n)
    for i in 0..<n {
      for _ in 0..<6 {
        let j = Int(rng.next(upperBound: UInt64(n)))
        if j != i { rows[i].append((j, 0.05 + 0.95 * rng.nextUnitDouble())) }
      }
    }
    let graph = SparseMatrix(rowCount: n, columnCount: n, rows: rows)
    let layout = UMAPLayout(graph: graph, epochs: 20)
    for dims in [2, 12, 20] {
      let start = (0..<n * dims).map { _ in Float(10 * rng.nextUnitDouble()) }
      var results: [[Float]] = []
      for reference in [false, true] {
        var positions = start
        layout.optimize(
          head: &positions, tail: nil, dimensions: dims, epochs: 3,
          curve: .init(a: 1.577, b: 0.8951), learningRate: 1, negativeSampleRate: 5,
          repulsion: 1, seed: 9, threads: 1, reference: reference)
        results.append(positions)
      }
      let largest = zip(results[0], results[1]).map { abs($0 - $1) }.max() ?? 0
      let moved = zip(results[1], start).map { abs($0 - $1) }.max() ?? 0
      #expect(largest < 1e-4, "\(dims)-D: the kernels differ by \(largest)")
      #expect(moved > 0.01, "\(dims)-D: the layout barely moved (\(moved))")
    }
  }
}
