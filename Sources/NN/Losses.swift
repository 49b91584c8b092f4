// Losses: mean squared error and Kullback–Leibler divergence with explicit reductions.

import Autograd
import Tensor

/// The mean of `(prediction − target)²` over every element, as `torch.nn.MSELoss()` computes.
///
/// Fused: the forward keeps the difference and the backward is `2·(prediction − target)/n`.
///
/// Shape: `prediction` and `target` have the same shape; the result is `[]`.
public func meanSquaredError(_ prediction: Variable, _ target: Tensor) -> Variable {
  precondition(
    prediction.shape == target.shape,
    "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) differ")
  let difference = prediction.value - target
  let scale = 1 / Double(max(target.count, 1))
  let value = difference.squared().sum() * scale
  return Variable.record(value, inputs: [prediction]) { g, _ in
    [difference * (g * (2 * scale))]
  }
}

/// How a loss over a `[n, c]` batch is reduced to a scalar.
public enum LossReduction: String, Sendable, Hashable, Codable {
  /// The sum over every element.
  case sum
  /// The sum divided by the number of elements `n·c`: `torch.nn.functional.kl_div`'s old
  /// default `reduction='mean'`, which the authors' DCRL code uses.
  case mean
  /// The sum divided by the batch size `n`: the mathematical mean KL per sample.
  case batchMean
}

/// `KL(target ‖ prediction)` given the log of the prediction, as
/// `torch.nn.functional.kl_div(logPrediction, target, reduction:)` computes it.
///
/// The pointwise term is `pᵢⱼ (log pᵢⱼ − log qᵢⱼ)` with `0 · log 0 = 0`. The target is a
/// constant; the gradient with respect to `log q` is `−p / divisor`.
///
/// Shape: `logPrediction` and `target` are `[n, c]`; the result is `[]`.
public func klDivergence(
  target: Tensor, logPrediction: Variable, reduction: LossReduction
) -> Variable {
  precondition(
    target.shape == logPrediction.shape,
    "klDivergence: target \(target.shape) and log-prediction \(logPrediction.shape) differ")
  // p·log p with 0·log 0 = 0: the clamp keeps log finite and p = 0 zeroes the product.
  let entropyTerm = (target * target.clamped(lower: Double(Float.leastNormalMagnitude)).log()).sum()
  let crossTerm = (logPrediction * target).sum()
  let total = Variable(entropyTerm) - crossTerm
  switch reduction {
  case .sum: return total
  case .mean: return total * (1 / Double(max(target.count, 1)))
  case .batchMean: return total * (1 / Double(max(target.shape.first ?? 1, 1)))
  }
}
