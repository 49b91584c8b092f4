// GradientClipping: rescales gradients whose joint norm exceeds a bound, as
// torch.nn.utils.clip_grad_norm_ does (RELIABILITY D6).

import Autograd
import Tensor

/// Rescales the gradients of `parameters` in place so that their joint Euclidean norm is at
/// most `maxNorm`, and returns the norm they had.
///
/// The total norm is `‖g‖ = √(Σ_p Σ_i g_pi²)` over every parameter that has a gradient; each
/// parameter's sum of squares is reduced on its backend and the sum over parameters is taken in
/// `Double`. When `‖g‖ > maxNorm` every gradient is multiplied by `maxNorm / (‖g‖ + 1e-6)`,
/// the formula (and the 1e-6) of PyTorch's `clip_grad_norm_` with `norm_type=2`; otherwise the
/// gradients are left untouched (PyTorch multiplies them by 1).
///
/// Call it between `valueWithGradient(at:of:)` and the optimiser's `update`:
///
/// ```swift
/// _ = valueWithGradient(at: model.parameters) { loss(model(batch)) }
/// let norm = clipGradientNorm(model.parameters, maxNorm: 5)
/// guard norm.isFinite else { throw … }   // RELIABILITY D1
/// adam.update(model.parameters)
/// ```
///
/// A non-finite norm (a NaN or infinite gradient) leaves every gradient unchanged and is
/// returned as is, so the caller can stop; PyTorch would scale the gradients by NaN or 0
/// unless `error_if_nonfinite` is set.
///
/// - Parameters:
///   - parameters: The parameters whose gradients are clipped together; those without a
///     gradient are skipped.
///   - maxNorm: The largest allowed joint norm.
/// - Returns: The joint norm before clipping (0 when no parameter has a gradient).
/// - Precondition: `maxNorm` is positive and finite.
/// - Complexity: One pass over the gradients to measure them, and one more to scale them when
///   they are clipped.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
  precondition(
    maxNorm > 0 && maxNorm.isFinite, "clipGradientNorm: maxNorm \(maxNorm) must be positive")
  var sumOfSquares = 0.0
  for parameter in parameters {
    guard let gradient = parameter.gradient, gradient.count > 0 else { continue }
    sumOfSquares += gradient.squared().sum().scalarValue
  }
  let norm = sumOfSquares.squareRoot()
  guard norm.isFinite, norm > maxNorm else { return norm }
  let scale = maxNorm / (norm + 1e-6)
  for parameter in parameters {
    guard let gradient = parameter.gradient else { continue }
    parameter.gradient = gradient * scale
  }
  return norm
}
