// TrustRegionNewton: the trust-region Newton method with conjugate-gradient steps that
// liblinear uses for L2-regularised logistic regression (Lin, Weng & Keerthi 2008).

import Foundation

/// The outcome of a trust-region Newton minimisation.
struct TrustRegionResult {
  /// The final weights.
  var weights: [Double]
  /// Accepted Newton steps.
  var iterations: Int
  /// Whether ‖∇f‖ ≤ tolerance·‖∇f(0)‖ was reached.
  var converged: Bool
}

/// Minimises a binary logistic objective from w = 0 with liblinear's TRON.
///
/// Each outer iteration solves the trust-region subproblem min gᵀs + ½sᵀHs, ‖s‖ ≤ Δ, by
/// conjugate gradients stopped at ‖r‖ ≤ 0.1‖g‖ or at the region's boundary, then accepts the
/// step when the actual reduction exceeds η₀ = 10⁻⁴ of the predicted one, and updates Δ with
/// liblinear's rules (σ₁ = 0.25, σ₂ = 0.5, σ₃ = 4; η₁ = 0.25, η₂ = 0.75). It stops when
/// ‖g‖ ≤ `tolerance`·‖g(0)‖, after `maxIterations` accepted steps, or when the reductions
/// become negligible (|actual|, |predicted| ≤ 10⁻¹² |f|).
///
/// - Parameters:
///   - objective: The objective, evaluated in liblinear's order (value, gradient, Hv).
///   - tolerance: The relative gradient-norm tolerance (liblinear's `eps`, already scaled by
///     `max(min(#pos, #neg), 1)/n` by the caller as `train_one` does).
///   - maxIterations: The most accepted Newton steps.
func minimizeTrustRegionNewton(
  _ objective: inout BinaryLogisticObjective, tolerance: Double, maxIterations: Int
) -> TrustRegionResult {
  let (eta0, eta1, eta2) = (1e-4, 0.25, 0.75)
  let (sigma1, sigma2, sigma3) = (0.25, 0.5, 4.0)
  let n = objective.dimension
  var w = [Double](repeating: 0, count: n)
  var f = objective.value(w)
  var g = objective.gradient(w)
  var delta = norm(g)
  let initialGradientNorm = delta
  var converged = norm(g) <= tolerance * initialGradientNorm
  var iteration = 1
  while iteration <= maxIterations && !converged {
    let (s, r) = truncatedConjugateGradient(objective, gradient: g, radius: delta)
    var candidate = w
    for j in 0..<n { candidate[j] += s[j] }
    let gs = dot(g, s)
    // The model's predicted reduction: −(gᵀs + ½sᵀHs), with Hs = −r − g.
    let predicted = -0.5 * (gs - dot(s, r))
    let fNew = objective.value(candidate)
    let actual = f - fNew
    let stepNorm = norm(s)
    if iteration == 1 { delta = min(delta, stepNorm) }
    // α·‖s‖ predicts the step from a quadratic fitted to f along s.
    let alpha =
      fNew - f - gs <= 0 ? sigma3 : max(sigma1, -0.5 * (gs / (fNew - f - gs)))
    if actual < eta0 * predicted {
      delta = min(max(alpha, sigma1) * stepNorm, sigma2 * delta)
    } else if actual < eta1 * predicted {
      delta = max(sigma1 * delta, min(alpha * stepNorm, sigma2 * delta))
    } else if actual < eta2 * predicted {
      delta = max(sigma1 * delta, min(alpha * stepNorm, sigma3 * delta))
    } else {
      delta = max(delta, min(alpha * stepNorm, sigma3 * delta))
    }
    if actual > eta0 * predicted {
      iteration += 1
      w = candidate
      f = fNew
      g = objective.gradient(w)
      if norm(g) <= tolerance * initialGradientNorm {
        converged = true
        break
      }
    }
    // A rejected candidate leaves the curvature of w in place, which is all Hv needs.
    if f < -1.0e32 { break }
    if abs(actual) <= 0 && predicted <= 0 { break }
    if abs(actual) <= 1.0e-12 * abs(f) && abs(predicted) <= 1.0e-12 * abs(f) { break }
  }
  return TrustRegionResult(weights: w, iterations: iteration - 1, converged: converged)
}

/// Conjugate gradients on Hs = −g inside ‖s‖ ≤ radius; returns s and the residual r = −g − Hs.
private func truncatedConjugateGradient(
  _ objective: BinaryLogisticObjective, gradient g: [Double], radius delta: Double
) -> (s: [Double], r: [Double]) {
  let n = g.count
  var s = [Double](repeating: 0, count: n)
  var r = g.map { -$0 }
  var d = r
  let stopping = 0.1 * norm(g)
  var rTr = dot(r, r)
  while norm(r) > stopping {
    let hd = objective.hessianProduct(d)
    var alpha = rTr / dot(d, hd)
    axpy(alpha, d, &s)
    if norm(s) > delta {
      // Step back and move to the boundary along d: the positive root τ of ‖s + τd‖ = Δ.
      axpy(-alpha, d, &s)
      let std = dot(s, d)
      let sts = dot(s, s)
      let dtd = dot(d, d)
      let dsq = delta * delta
      let rad = (std * std + dtd * (dsq - sts)).squareRoot()
      alpha = std >= 0 ? (dsq - sts) / (std + rad) : (rad - std) / dtd
      axpy(alpha, d, &s)
      axpy(-alpha, hd, &r)
      break
    }
    axpy(-alpha, hd, &r)
    let rNewTrNew = dot(r, r)
    let beta = rNewTrNew / rTr
    for j in 0..<n { d[j] = r[j] + beta * d[j] }
    rTr = rNewTrNew
  }
  return (s, r)
}

@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
  var sum = 0.0
  for j in 0..<a.count { sum += a[j] * b[j] }
  return sum
}

@inline(__always) func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

/// y ← y + α·x.
@inline(__always) func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
  for j in 0..<x.count { y[j] += alpha * x[j] }
}
