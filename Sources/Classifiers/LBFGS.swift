// LBFGS: limited-memory BFGS for smooth unconstrained problems, following L-BFGS-B's choices
// (scipy's `minimize(method="L-BFGS-B")`, which scikit-learn's 'lbfgs' solver calls).

/// The outcome of an L-BFGS minimisation.
struct LBFGSResult {
  /// The final point.
  var x: [Double]
  /// The objective there.
  var value: Double
  /// Completed iterations (accepted line searches).
  var iterations: Int
  /// Objective evaluations.
  var evaluations: Int
  /// Whether the projected-gradient or relative-reduction test stopped the run.
  var converged: Bool
}

/// Minimises `evaluate` from `start` by L-BFGS with L-BFGS-B's settings for an unbounded
/// problem.
///
/// * Direction: the two-loop recursion over the last `memory` pairs with H₀ = (sᵀy / yᵀy)·I,
///   which is L-BFGS-B's direction when no bound is active. A pair with sᵀy ≤ ε·(−gᵀs) is not
///   stored, as L-BFGS-B skips it.
/// * Step: Moré–Thuente (ftol 10⁻³, gtol 0.9, xtol 0.1), first trial 1/‖d‖ on the first
///   iteration and 1 afterwards, at most `maxLineSearch` evaluations; a failed search restarts
///   from steepest descent once the memory is cleared, and ends the run when it is already
///   empty.
/// * Stop when max|∇f| ≤ `gradientTolerance` (scipy's `gtol`), when
///   (f_old − f)/max(|f_old|, |f|, 1) ≤ `reductionTolerance` (scipy's `ftol`), or after
///   `maxIterations` iterations.
func minimizeLBFGS(
  start: [Double], memory: Int, maxIterations: Int, gradientTolerance: Double,
  reductionTolerance: Double, maxLineSearch: Int = 50,
  _ evaluate: ([Double]) -> (value: Double, gradient: [Double])
) -> LBFGSResult {
  let n = start.count
  var x = start
  var (f, g) = evaluate(x)
  var evaluations = 1
  var pairs: [(s: [Double], y: [Double], rho: Double)] = []
  var iterations = 0
  if maxAbs(g) <= gradientTolerance {
    return LBFGSResult(x: x, value: f, iterations: 0, evaluations: 1, converged: true)
  }
  while iterations < maxIterations {
    let direction = twoLoopDirection(g, pairs: pairs)
    let slope = dot(g, direction)
    let directionNorm = norm(direction)
    guard slope < 0, directionNorm > 0 else {
      if pairs.isEmpty { break }
      pairs.removeAll()
      continue
    }
    let firstStep = iterations == 0 && pairs.isEmpty ? min(1 / directionNorm, 1e10) : 1
    var search = MoreThuenteLineSearch(value: f, derivative: slope, step: firstStep)
    var trial = x
    var trialValue = f
    var trialGradient = g
    var status = MoreThuenteLineSearch.Status.evaluate
    var searchEvaluations = 0
    while status == .evaluate && searchEvaluations < maxLineSearch {
      for j in 0..<n { trial[j] = x[j] + search.step * direction[j] }
      (trialValue, trialGradient) = evaluate(trial)
      evaluations += 1
      searchEvaluations += 1
      status = search.next(value: trialValue, derivative: dot(trialGradient, direction))
    }
    guard status != .evaluate, trialValue.isFinite else {
      // The line search failed: restart from steepest descent, or stop if that failed too.
      if pairs.isEmpty { break }
      pairs.removeAll()
      continue
    }
    iterations += 1
    let previousValue = f
    var s = trial
    var y = trialGradient
    for j in 0..<n {
      s[j] -= x[j]
      y[j] -= g[j]
    }
    let curvature = dot(s, y)
    let descent = -dot(g, s)
    x = trial
    f = trialValue
    g = trialGradient
    if maxAbs(g) <= gradientTolerance {
      return LBFGSResult(
        x: x, value: f, iterations: iterations, evaluations: evaluations, converged: true)
    }
    let scale = max(abs(previousValue), abs(f), 1)
    if previousValue - f <= reductionTolerance * scale {
      return LBFGSResult(
        x: x, value: f, iterations: iterations, evaluations: evaluations, converged: true)
    }
    if curvature > Double.ulpOfOne * descent {
      if pairs.count == memory { pairs.removeFirst() }
      pairs.append((s, y, 1 / curvature))
    }
  }
  return LBFGSResult(
    x: x, value: f, iterations: iterations, evaluations: evaluations, converged: false)
}

/// d = −H·g by the two-loop recursion (Nocedal & Wright, Algorithm 7.4).
private func twoLoopDirection(
  _ g: [Double], pairs: [(s: [Double], y: [Double], rho: Double)]
) -> [Double] {
  var q = g
  var alphas = [Double](repeating: 0, count: pairs.count)
  for index in pairs.indices.reversed() {
    let alpha = pairs[index].rho * dot(pairs[index].s, q)
    alphas[index] = alpha
    axpy(-alpha, pairs[index].y, &q)
  }
  if let last = pairs.last {
    let gamma = dot(last.s, last.y) / dot(last.y, last.y)
    for j in q.indices { q[j] *= gamma }
  }
  for index in pairs.indices {
    let beta = pairs[index].rho * dot(pairs[index].y, q)
    axpy(alphas[index] - beta, pairs[index].s, &q)
  }
  for j in q.indices { q[j] = -q[j] }
  return q
}

private func maxAbs(_ a: [Double]) -> Double {
  var result = 0.0
  for value in a { result = max(result, abs(value)) }
  return result
}
