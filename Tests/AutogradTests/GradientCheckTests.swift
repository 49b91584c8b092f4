// Every Autograd op: reverse-mode gradients against float64 central differences (G1).

import Autograd
import Tensor
import Testing
import _TestSupport

/// A float64 tensor of uniform values in `[lower, upper)`, seeded.
private func input(_ shape: [Int], seed: UInt64, lower: Double = -1, upper: Double = 1) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  return .randomUniform(shape, lower: lower, upper: upper, dtype: .float64, using: &rng)
}

/// Values in `[0.2, 1)` or `(−1, −0.2]`: away from the kinks of ReLU, |x| and sign.
private func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
  let magnitude = input(shape, seed: seed, lower: 0.2, upper: 1)
  let signs = input(shape, seed: seed + 1000).applying(.sign)
  return magnitude * signs
}

/// One row of the gradient-check table: an op and the inputs it is checked at.
struct GradientCase: CustomTestStringConvertible, Sendable {
  let name: String
  let inputs: @Sendable () -> [Tensor]
  let function: @Sendable ([Variable]) -> Variable
  var testDescription: String { name }
}

/// Weights the output by fixed random values before summing, so every output element's
/// gradient contributes distinctly.
private func weightedSum(_ v: Variable, seed: UInt64 = 99) -> Variable {
  (v * input(v.shape, seed: seed, lower: 0.5, upper: 1.5)).sum()
}

private let gradientCases: [GradientCase] = [
  GradientCase(
    name: "add (same shape)", inputs: { [input([3, 4], seed: 1), input([3, 4], seed: 2)] },
    function: { weightedSum($0[0] + $0[1]) }),
  GradientCase(
    name: "add (row broadcast)", inputs: { [input([3, 4], seed: 1), input([4], seed: 2)] },
    function: { weightedSum($0[0] + $0[1]) }),
  GradientCase(
    name: "sub (column broadcast)", inputs: { [input([3, 4], seed: 1), input([3, 1], seed: 2)] },
    function: { weightedSum($0[0] - $0[1]) }),
  GradientCase(
    name: "mul (scalar broadcast)", inputs: { [input([3, 4], seed: 1), input([1], seed: 2)] },
    function: { weightedSum($0[0] * $0[1]) }),
  GradientCase(
    name: "mul (outer)", inputs: { [input([3, 1], seed: 1), input([1, 4], seed: 2)] },
    function: {
      weightedSum($0[0] * $0[1])
    }),
  GradientCase(
    name: "div",
    inputs: { [input([3, 4], seed: 1), input([3, 4], seed: 2, lower: 0.5, upper: 2)] },
    function: { weightedSum($0[0] / $0[1]) }),
  GradientCase(
    name: "div (row broadcast divisor)",
    inputs: { [input([3, 4], seed: 1), input([4], seed: 2, lower: 0.5, upper: 2)] },
    function: { weightedSum($0[0] / $0[1]) }),
  GradientCase(
    name: "negate", inputs: { [input([5], seed: 1)] }, function: { weightedSum(-$0[0]) }),
  GradientCase(
    name: "scalar affine", inputs: { [input([5], seed: 1)] },
    function: {
      weightedSum(3 - ($0[0] * 2.5 + 1) / 4)
    }),
  GradientCase(
    name: "relu", inputs: { [awayFromZero([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].relu())
    }),
  GradientCase(
    name: "exp", inputs: { [input([4, 5], seed: 1)] }, function: { weightedSum($0[0].exp()) }),
  GradientCase(
    name: "log", inputs: { [input([4, 5], seed: 1, lower: 0.2, upper: 2)] },
    function: {
      weightedSum($0[0].log())
    }),
  GradientCase(
    name: "sqrt", inputs: { [input([4, 5], seed: 1, lower: 0.2, upper: 2)] },
    function: {
      weightedSum($0[0].sqrt())
    }),
  GradientCase(
    name: "square", inputs: { [input([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].squared())
    }),
  GradientCase(
    name: "abs", inputs: { [awayFromZero([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].abs())
    }),
  GradientCase(
    name: "pow(scalar)", inputs: { [input([4, 5], seed: 1, lower: 0.2, upper: 2)] },
    function: {
      weightedSum($0[0].pow(-1.5))
    }),
  GradientCase(
    name: "clamp", inputs: { [awayFromZero([4, 5], seed: 1) * 2] },
    function: {
      weightedSum($0[0].clamped(lower: -1.1, upper: 0.9))
    }),
  GradientCase(
    name: "sigmoid", inputs: { [input([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].sigmoid())
    }),
  GradientCase(
    name: "tanh", inputs: { [input([4, 5], seed: 1)] }, function: { weightedSum($0[0].tanh()) }),
  GradientCase(
    name: "sum (all)", inputs: { [input([4, 5], seed: 1)] }, function: { $0[0].sum() * 1.5 }),
  GradientCase(
    name: "sum (axis 0)", inputs: { [input([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].sum(axis: 0))
    }),
  GradientCase(
    name: "sum (axis 1)", inputs: { [input([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].sum(axis: 1))
    }),
  GradientCase(
    name: "sum (middle axis of rank 3)", inputs: { [input([2, 3, 4], seed: 1)] },
    function: {
      weightedSum($0[0].sum(axis: 1))
    }),
  GradientCase(
    name: "mean (all)", inputs: { [input([4, 5], seed: 1)] }, function: { $0[0].mean() }),
  GradientCase(
    name: "mean (axis 1)", inputs: { [input([4, 5], seed: 1)] },
    function: {
      weightedSum($0[0].mean(axis: 1))
    }),
  GradientCase(
    name: "logSumExp (axis 1)", inputs: { [input([4, 5], seed: 1, lower: -3, upper: 3)] },
    function: { weightedSum($0[0].logSumExp(axis: 1)) }),
  GradientCase(
    name: "logSoftmax", inputs: { [input([4, 5], seed: 1, lower: -3, upper: 3)] },
    function: {
      weightedSum($0[0].logSoftmax())
    }),
  GradientCase(
    name: "reshape", inputs: { [input([4, 6], seed: 1)] },
    function: {
      weightedSum($0[0].reshaped([3, 8]))
    }),
  GradientCase(
    name: "gather rows (repeated indices)", inputs: { [input([4, 3], seed: 1)] },
    function: {
      weightedSum($0[0].gatheringRows([3, 0, 3, 1, 3]))
    }),
  GradientCase(
    name: "scatter rows (segment sum)", inputs: { [input([5, 3], seed: 1)] },
    function: { weightedSum($0[0].scatteringRows([2, 0, 2, 3, 0], rowCount: 4)) }),
  GradientCase(
    name: "concatenate rows", inputs: { [input([2, 3], seed: 1), input([4, 3], seed: 2)] },
    function: { weightedSum(Variable.concatenatingRows([$0[0], $0[1]])) }),
  GradientCase(
    name: "matmul", inputs: { [input([3, 4], seed: 1), input([4, 5], seed: 2)] },
    function: {
      weightedSum(matmul($0[0], $0[1]))
    }),
  GradientCase(
    name: "matmul Aᵀ", inputs: { [input([4, 3], seed: 1), input([4, 5], seed: 2)] },
    function: {
      weightedSum(matmul($0[0], $0[1], transposeA: true))
    }),
  GradientCase(
    name: "matmul Bᵀ", inputs: { [input([3, 4], seed: 1), input([5, 4], seed: 2)] },
    function: {
      weightedSum(matmul($0[0], $0[1], transposeB: true))
    }),
  GradientCase(
    name: "matmul AᵀBᵀ", inputs: { [input([4, 3], seed: 1), input([5, 4], seed: 2)] },
    function: {
      weightedSum(matmul($0[0], $0[1], transposeA: true, transposeB: true))
    }),
  GradientCase(
    name: "linear with bias",
    inputs: { [input([6, 4], seed: 1), input([3, 4], seed: 2), input([3], seed: 3)] },
    function: {
      weightedSum(linear($0[0], weight: $0[1], bias: $0[2]))
    }),
  GradientCase(
    name: "linear without bias", inputs: { [input([6, 4], seed: 1), input([3, 4], seed: 2)] },
    function: {
      weightedSum(linear($0[0], weight: $0[1], bias: nil))
    }),
  GradientCase(
    name: "pairwise squared distances",
    inputs: { [input([5, 3], seed: 1), input([4, 3], seed: 2)] },
    function: {
      weightedSum(pairwiseSquaredDistances($0[0], $0[1]))
    }),
  GradientCase(
    name: "pairwise distances (floored)",
    inputs: { [input([5, 3], seed: 1), input([4, 3], seed: 2)] },
    function: {
      weightedSum(pairwiseDistances($0[0], $0[1]))
    }),
  GradientCase(
    name: "row distances", inputs: { [input([5, 3], seed: 1), input([5, 3], seed: 2)] },
    function: {
      weightedSum(rowDistances($0[0], $0[1]))
    }),
]

@Suite("Gradient checks: every op against finite differences")
struct GradientCheckTests {
  @Test("G1", .tags(.gradient), arguments: gradientCases)
  func op(_ testCase: GradientCase) {
    checkGradient(
      of: testCase.function, at: testCase.inputs(), rtol: 1e-5, atol: 1e-8,
      Comment(rawValue: testCase.name))
  }
}
