// Non-differentiable points (RELIABILITY G4) and gradients through sliced or transposed inputs
// (I9).

import Autograd
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("Subgradients and layouts")
struct SubgradientTests {
  /// The documented choices: ReLU′(0) = 0 (PyTorch's), |x|′(0) = 0 (sign(0) = 0), and a clamp
  /// passes the gradient on its closed interval, so `clamped(lower: ε)` at exactly ε passes it.
  @Test("G4 ReLU, |x| and clamp at their kinks take the documented subgradients")
  func kinks() {
    let x = Parameter(Tensor([-1, 0, 2] as [Double]))
    let (_, relu) = valueWithGradient(at: [x]) { x.variable.relu().sum() }
    #expect(relu[0].doubles == [0, 0, 1])
    let (_, abs) = valueWithGradient(at: [x]) { x.variable.abs().sum() }
    #expect(abs[0].doubles == [-1, 0, 1])
    let (_, clamp) = valueWithGradient(at: [x]) { x.variable.clamped(lower: 0, upper: 1).sum() }
    #expect(clamp[0].doubles == [0, 1, 0])
  }

  /// Coincident points make ‖x − y‖ non-differentiable; the authors' code clamps the squared
  /// distance at 1e-8 before the square root (Docs/Algorithm.md#losses), so the distance is 1e-4
  /// and its
  /// gradient is exactly 0 there, finite everywhere.
  ///
  /// The unclamped square root would give ∞/NaN.
  @Test(
    "G4 distances of coincident points: the 1e-8 clamp gives √1e-8 and a zero, finite gradient",
    arguments: DType.allCases)
  func coincidentPoints(dtype: DType) {
    let values: [Double] = [1, 2, 3, 1, 2, 3, 0, 0, 1]
    let x = Parameter(Tensor(converting: values, shape: [3, 3], dtype: dtype))
    let y = Parameter(
      Tensor(converting: [1, 2, 3, 5, 5, 5, 0, 0, 1], shape: [3, 3], dtype: dtype))
    let (value, gradients) = valueWithGradient(at: [x, y]) {
      rowDistances(x.variable, y.variable).sum()
        + pairwiseDistances(x.variable, x.variable).sum()
    }
    #expect(value.scalarValue.isFinite)
    for gradient in gradients { #expect(gradient.doubles.allSatisfy { $0.isFinite }) }
    let (_, rowGradients) = valueWithGradient(at: [x, y]) {
      rowDistances(x.variable, y.variable).sum()
    }
    let d = rowDistances(Variable(x.value), Variable(y.value)).value.doubles
    expectClose([d[0], d[2]], [1e-4, 1e-4], rtol: 1e-3, atol: 0)
    // Rows 0 and 2 coincide: their gradient is exactly 0; row 1's is (x − y)/‖x − y‖.
    let gx = rowGradients[0].doubles
    #expect(Array(gx[0..<3]) == [0, 0, 0] && Array(gx[6..<9]) == [0, 0, 0])
    let norm = (16.0 + 9 + 4).squareRoot()
    expectClose(Array(gx[3..<6]), [-4 / norm, -3 / norm, -2 / norm], rtol: 1e-5, atol: 1e-7)
    // Without the clamp the gradient at a coincident pair is not finite.
    let (_, unclamped) = valueWithGradient(at: [x]) {
      (x.variable - Variable(y.value)).squared().sum(axis: 1).sqrt().sum()
    }
    #expect(!unclamped[0].doubles[0..<3].allSatisfy { $0.isFinite })
  }

  @Test("I9 gradients through a sliced, a gathered and a fresh input are identical")
  func slicedInputs() {
    var rng = Xoshiro256(seed: 23)
    let big = Tensor.randomNormal([9, 4], dtype: .float64, using: &rng)
    let weight = Parameter(Tensor.randomNormal([4, 3], dtype: .float64, using: &rng))
    let inputs = [
      big.rows(2..<7), big.gatheringRows([0, 2, 3, 4, 5, 6, 8]).rows(1..<6),
      Tensor(big.doubles[8..<28].map { $0 }, shape: [5, 4]),
    ]
    let gradients = inputs.map { input in
      let x = Parameter(input)
      let (_, g) = valueWithGradient(at: [x, weight]) {
        matmul(x.variable, weight.variable).relu().squared().sum()
      }
      return g.map(\.doubles)
    }
    #expect(gradients[0] == gradients[2] && gradients[1] == gradients[2])
    // A transposed operand: flag and materialised transpose give the same gradients.
    let a = Parameter(Tensor.randomNormal([4, 5], dtype: .float64, using: &rng))
    let (_, flagged) = valueWithGradient(at: [a, weight]) {
      matmul(a.variable, weight.variable, transposeA: true).sum()
    }
    let materialised = Parameter(a.value.transposed())
    let (_, plain) = valueWithGradient(at: [materialised, weight]) {
      matmul(materialised.variable, weight.variable).sum()
    }
    expectClose(flagged[0], plain[0].transposed(), rtol: 1e-14, atol: 1e-14)
    expectClose(flagged[1], plain[1], rtol: 1e-14, atol: 1e-14)
  }
}
