// Losses: values against their formulas (D5), reductions, and gradient checks.

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@Suite("Losses")
struct LossesTests {
  @Test(
    "mean squared error equals the mean of squared differences, with its gradient", .tags(.gradient)
  )
  func mse() {
    let prediction = Tensor([1.0, 2.0, 3.0, 4.0], shape: [2, 2])
    let target = Tensor([0.0, 2.0, 5.0, 3.0], shape: [2, 2])
    #expect(
      meanSquaredError(Variable(prediction), target).value.scalarValue == (1 + 0 + 4 + 1) / 4.0)
    checkGradient(of: { meanSquaredError($0[0], target) }, at: [prediction])
  }

  /// PyTorch's kl_div pointwise term with 0·log 0 = 0.
  private func klTerms(_ p: [Double], _ logQ: [Double]) -> Double {
    zip(p, logQ).reduce(0) { $0 + ($1.0 > 0 ? $1.0 * (Foundation.log($1.0) - $1.1) : 0) }
  }

  @Test(
    "D5: KL divergence reductions divide the sum by n·c, n or 1",
    arguments: [LossReduction.sum, .mean, .batchMean])
  func klReductions(reduction: LossReduction) {
    let p = [0.7, 0.3, 0.0, 0.5, 0.25, 0.25]
    let q = [0.6, 0.3, 0.1, 0.2, 0.4, 0.4]
    let logQ = q.map { Foundation.log($0) }
    let value = klDivergence(
      target: Tensor(p, shape: [2, 3]), logPrediction: Variable(Tensor(logQ, shape: [2, 3])),
      reduction: reduction
    ).value.scalarValue
    let divisor: Double = reduction == .sum ? 1 : (reduction == .mean ? 6 : 2)
    #expect(abs(value - klTerms(p, logQ) / divisor) < 1e-15)
    #expect(value.isFinite)
  }

  @Test(
    "D2: KL with a zero target probability and a tiny prediction stays finite", .tags(.gradient))
  func klGradient() {
    let p = Tensor([0.0, 1.0, 0.4, 0.6], shape: [2, 2])
    let logQ = Tensor([-80.0, -0.1, -0.9, -0.5], shape: [2, 2])
    checkGradient(
      of: { klDivergence(target: p, logPrediction: $0[0], reduction: .mean) }, at: [logQ])
    #expect(
      klDivergence(target: p, logPrediction: Variable(logQ), reduction: .sum).value.scalarValue
        .isFinite)
  }
}
