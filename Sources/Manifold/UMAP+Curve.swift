// UMAP+Curve: fitting a, b of 1 / (1 + a d^{2b}) to the offset exponential, as umap-learn does.

import Foundation

extension UMAP {
  /// The curve `1 / (1 + a x^{2b})` closest in least squares to
  /// `f(x) = 1` for `x < minimumDistance`, `exp(−(x − minimumDistance) / spread)` otherwise,
  /// on 300 equispaced points of `[0, 3·spread]` (umap-learn's `find_ab_params`, which calls
  /// SciPy's Levenberg–Marquardt `curve_fit` from `a = b = 1`).
  ///
  /// Solved here by Levenberg–Marquardt too, with analytic derivatives, from the same start.
  ///
  /// - Returns: The fitted `(a, b)`; for umap-learn's defaults (0.1, 1) about (1.577, 0.895).
  public static func fitCurve(minimumDistance: Double, spread: Double) -> Configuration.Curve {
    let xs = (0..<300).map { 3 * spread * Double($0) / 299 }
    let ys = xs.map { $0 < minimumDistance ? 1 : exp(-($0 - minimumDistance) / spread) }
    func residuals(_ a: Double, _ b: Double) -> (r: [Double], ja: [Double], jb: [Double]) {
      var r = [Double](repeating: 0, count: xs.count)
      var ja = r
      var jb = r
      for (index, x) in xs.enumerated() {
        let power = x > 0 ? pow(x, 2 * b) : 0
        let denominator = 1 + a * power
        r[index] = 1 / denominator - ys[index]
        ja[index] = -power / (denominator * denominator)
        jb[index] = x > 0 ? -a * power * 2 * log(x) / (denominator * denominator) : 0
      }
      return (r, ja, jb)
    }
    var (a, b) = (1.0, 1.0)
    var damping = 1e-3
    var current = residuals(a, b)
    var cost = current.r.reduce(0) { $0 + $1 * $1 }
    for _ in 0..<500 {
      // Normal equations (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr.
      var (saa, sab, sbb, ga, gb) = (0.0, 0.0, 0.0, 0.0, 0.0)
      for index in xs.indices {
        let (ja, jb, r) = (current.ja[index], current.jb[index], current.r[index])
        saa += ja * ja
        sab += ja * jb
        sbb += jb * jb
        ga += ja * r
        gb += jb * r
      }
      var improved = false
      for _ in 0..<50 {
        let (m11, m22) = (saa * (1 + damping), sbb * (1 + damping))
        let determinant = m11 * m22 - sab * sab
        guard determinant != 0 else { break }
        let da = (-ga * m22 + gb * sab) / determinant
        let db = (-gb * m11 + ga * sab) / determinant
        let candidate = residuals(a + da, b + db)
        let newCost = candidate.r.reduce(0) { $0 + $1 * $1 }
        if newCost.isFinite && newCost < cost {
          (a, b) = (a + da, b + db)
          let converged =
            cost - newCost <= 1e-15 * max(cost, 1e-300)
            || (abs(da) < 1e-12 * abs(a) && abs(db) < 1e-12 * abs(b))
          current = candidate
          cost = newCost
          damping = max(damping / 10, 1e-12)
          improved = true
          if converged { return Configuration.Curve(a: a, b: b) }
          break
        }
        damping *= 10
      }
      if !improved { break }
    }
    return Configuration.Curve(a: a, b: b)
  }
}
