// MoreThuenteLineSearch: the line search with guaranteed sufficient decrease of Moré and
// Thuente (ACM TOMS 20(3), 1994), the one L-BFGS-B (and so scipy and scikit-learn) uses.

/// A step-length search along a descent direction that ends where the strong Wolfe conditions
/// hold.
///
/// The conditions are
///
///     φ(α) ≤ φ(0) + ftol·α·φ'(0)   and   |φ'(α)| ≤ gtol·|φ'(0)|,
///
/// by safeguarded cubic and quadratic interpolation inside an interval of uncertainty
/// (Moré & Thuente 1994, with the "modified function" of their stage 1).
///
/// Use it as a state machine: create it with φ(0), φ'(0) and a first step, evaluate φ and φ' at
/// ``step``, and pass them to ``next(value:derivative:)`` until it returns a final status.
struct MoreThuenteLineSearch {
  /// What the search asks of its caller.
  enum Status: Equatable {
    /// Evaluate φ and φ' at ``step`` and call ``next(value:derivative:)`` again.
    case evaluate
    /// The strong Wolfe conditions hold at ``step``.
    case converged
    /// The search cannot make progress (rounding errors, interval too small, or a step bound
    /// reached); ``step`` is the best step found.
    case warning
  }

  /// The step at which φ is to be evaluated next, or the final step.
  private(set) var step: Double
  private let ftol: Double
  private let gtol: Double
  private let xtol: Double
  private let stepMin: Double
  private let stepMax: Double
  private let initialValue: Double
  private let initialDerivative: Double
  private let decreaseSlope: Double
  private var bracketed = false
  private var stage = 1
  private var width: Double
  private var previousWidth: Double
  // The end points x (best so far) and y of the interval of uncertainty, with φ and φ' there.
  private var stx = 0.0
  private var fx: Double
  private var gx: Double
  private var sty = 0.0
  private var fy: Double
  private var gy: Double
  private var lowerBound = 0.0
  private var upperBound: Double

  /// Starts a search at step `step` from φ(0) = `value`, φ'(0) = `derivative` < 0.
  ///
  /// The defaults are L-BFGS-B's: ftol 10⁻³, gtol 0.9, xtol 0.1.
  init(
    value: Double, derivative: Double, step: Double, ftol: Double = 1e-3, gtol: Double = 0.9,
    xtol: Double = 0.1, stepMin: Double = 0, stepMax: Double = 1e10
  ) {
    precondition(derivative < 0, "MoreThuenteLineSearch: φ'(0) = \(derivative) is not descent")
    self.step = step
    self.ftol = ftol
    self.gtol = gtol
    self.xtol = xtol
    self.stepMin = stepMin
    self.stepMax = stepMax
    initialValue = value
    initialDerivative = derivative
    decreaseSlope = ftol * derivative
    width = stepMax - stepMin
    previousWidth = 2 * width
    fx = value
    gx = derivative
    fy = value
    gy = derivative
    upperBound = step + 4 * step
  }

  /// Takes φ(``step``) and φ'(``step``) and returns what to do next.
  mutating func next(value f: Double, derivative g: Double) -> Status {
    let sufficientDecrease = initialValue + step * decreaseSlope
    if stage == 1 && f <= sufficientDecrease && g >= 0 { stage = 2 }
    if bracketed && (step <= lowerBound || step >= upperBound) { return .warning }
    if bracketed && upperBound - lowerBound <= xtol * upperBound { return .warning }
    if step == stepMax && f <= sufficientDecrease && g <= decreaseSlope { return .warning }
    if step == stepMin && (f > sufficientDecrease || g >= decreaseSlope) { return .warning }
    if f <= sufficientDecrease && abs(g) <= gtol * -initialDerivative { return .converged }

    if stage == 1 && f <= fx && f > sufficientDecrease {
      // Stage 1 works on ψ(α) = φ(α) − φ(0) − ftol·α·φ'(0) while the decrease is insufficient.
      var fxm = fx - stx * decreaseSlope
      var fym = fy - sty * decreaseSlope
      var gxm = gx - decreaseSlope
      var gym = gy - decreaseSlope
      takeStep(
        &fxm, &gxm, &fym, &gym, value: f - step * decreaseSlope, derivative: g - decreaseSlope)
      fx = fxm + stx * decreaseSlope
      fy = fym + sty * decreaseSlope
      gx = gxm + decreaseSlope
      gy = gym + decreaseSlope
    } else {
      var (fx, gx, fy, gy) = (self.fx, self.gx, self.fy, self.gy)
      takeStep(&fx, &gx, &fy, &gy, value: f, derivative: g)
      (self.fx, self.gx, self.fy, self.gy) = (fx, gx, fy, gy)
    }
    if bracketed {
      // Bisect when the interval did not shrink enough over two steps.
      if abs(sty - stx) >= 0.66 * previousWidth { step = stx + 0.5 * (sty - stx) }
      previousWidth = width
      width = abs(sty - stx)
      lowerBound = min(stx, sty)
      upperBound = max(stx, sty)
    } else {
      lowerBound = step + 1.1 * (step - stx)
      upperBound = step + 4 * (step - stx)
    }
    step = min(max(step, stepMin), stepMax)
    if bracketed && (step <= lowerBound || step >= upperBound)
      || bracketed && upperBound - lowerBound <= xtol * upperBound
    {
      step = stx
    }
    return .evaluate
  }

  /// One safeguarded step (Moré & Thuente's `dcstep`): updates the interval (stx, sty) with the
  /// trial point and moves ``step`` to the next trial.
  private mutating func takeStep(
    _ fx: inout Double, _ dx: inout Double, _ fy: inout Double, _ dy: inout Double,
    value fp: Double, derivative dp: Double
  ) {
    let stp = step
    let sgnd = dp * (dx / abs(dx))
    var stpf: Double
    if fp > fx {
      // Case 1: a higher value; the minimum is bracketed. Cubic or quadratic, whichever is
      // closer to stx.
      let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
      let s = max(abs(theta), abs(dx), abs(dp))
      var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
      if stp < stx { gamma = -gamma }
      let p = (gamma - dx) + theta
      let q = ((gamma - dx) + gamma) + dp
      let stpc = stx + (p / q) * (stp - stx)
      let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx)
      stpf = abs(stpc - stx) < abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2
      bracketed = true
    } else if sgnd < 0 {
      // Case 2: a lower value and derivatives of opposite sign: bracketed.
      let stpc = Self.cubicStep(from: stp, fp, dp, toward: stx, fx, dx)
      let stpq = stp + (dp / (dp - dx)) * (stx - stp)
      stpf = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
      bracketed = true
    } else if abs(dp) < abs(dx) {
      // Case 3: a lower value, same-sign derivative of decreasing magnitude.
      let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
      let s = max(abs(theta), abs(dx), abs(dp))
      var gamma = s * max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
      if stp > stx { gamma = -gamma }
      let p = (gamma - dp) + theta
      let q = (gamma + (dx - dp)) + gamma
      let r = p / q
      let stpc: Double
      if r < 0 && gamma != 0 {
        stpc = stp + r * (stx - stp)
      } else {
        stpc = stp > stx ? stepMax : stepMin
      }
      let stpq = stp + (dp / (dp - dx)) * (stx - stp)
      if bracketed {
        stpf = abs(stpc - stp) < abs(stpq - stp) ? stpc : stpq
        stpf = stp > stx ? min(stp + 0.66 * (sty - stp), stpf) : max(stp + 0.66 * (sty - stp), stpf)
      } else {
        stpf = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
        stpf = max(stepMin, min(stepMax, stpf))
      }
    } else {
      // Case 4: a lower value, same-sign derivative that does not decrease in magnitude.
      if bracketed {
        stpf = Self.cubicStep(from: stp, fp, dp, toward: sty, fy, dy)
      } else {
        stpf = stp > stx ? stepMax : stepMin
      }
    }
    if fp > fx {
      sty = stp
      fy = fp
      dy = dp
    } else {
      if sgnd < 0 {
        sty = stx
        fy = fx
        dy = dx
      }
      stx = stp
      fx = fp
      dx = dp
    }
    step = stpf
  }

  /// The minimiser of the cubic through `(stp, fp)` and `(t, ft)` with slopes `dp` and `dt`,
  /// written from `stp`'s side (cases 2 and 4 of `dcstep`).
  private static func cubicStep(
    from stp: Double, _ fp: Double, _ dp: Double, toward t: Double, _ ft: Double, _ dt: Double
  ) -> Double {
    // 3(ft − fp)/(stp − t) is dcstep's case-4 form 3(fp − fy)/(sty − stp) with both
    // differences negated: the same quotient (up to the sign of a zero), so the same step.
    let theta = 3 * (ft - fp) / (stp - t) + dt + dp
    let s = max(abs(theta), abs(dt), abs(dp))
    var gamma = s * ((theta / s) * (theta / s) - (dt / s) * (dp / s)).squareRoot()
    if stp > t { gamma = -gamma }
    let p = (gamma - dp) + theta
    let q = ((gamma - dp) + gamma) + dt
    return stp + (p / q) * (t - stp)
  }
}
