// TSNE+Optimizer: scikit-learn's two-phase gradient descent with momentum and adaptive gains.

import Tensor

extension TSNE {
  /// The outcome of ``optimize(_:positions:learningRate:progress:)``.
  struct OptimizationResult {
    var klDivergence: Double
    var iterations: Int
    var stopReason: TSNEStopReason
    var history: [TSNEProgress]
  }

  /// Runs scikit-learn's `_gradient_descent` twice: iterations `0..<earlyExaggerationIterations`
  /// with P × exaggeration and the initial momentum, then the rest with the final momentum.
  ///
  /// Momentum and gains restart at each phase, as in scikit-learn. Every
  /// ``TSNE/Configuration/checkInterval`` iterations the KL divergence is computed, reported, and
  /// checked for progress; the gradient norm is checked too.
  ///
  /// The update per coordinate (scikit-learn 0.21 `_gradient_descent`):
  /// `gain ← gain + 0.2` if `update · grad < 0` else `gain · 0.8`, clipped at the minimum gain;
  /// `update ← momentum · update − learningRate · gain · grad`; `y ← y + update`.
  ///
  /// With ``TSNE/Configuration/maximumStepNorm`` each point's update is scaled down to that
  /// norm, and without ``TSNE/Configuration/resetsOptimizerBetweenPhases`` momentum and gains
  /// carry over into the second phase (both as openTSNE).
  func optimize(
    _ objective: inout TSNEObjective, positions: inout [Double],
    progress: ((TSNEProgress) -> ProgressAction)?
  ) -> OptimizationResult {
    let c = configuration
    let total = c.maxIterations
    let exaggerationEnd = min(c.earlyExaggerationIterations, total)
    var gradient = [Double](repeating: 0, count: positions.count)
    var result = OptimizationResult(
      klDivergence: .nan, iterations: 0, stopReason: .maximumIterations, history: [])
    let phases = [
      (0..<exaggerationEnd, c.earlyExaggeration, c.initialMomentum, exaggerationEnd),
      (exaggerationEnd..<total, 1.0, c.finalMomentum, c.iterationsWithoutProgress),
    ]
    let dims = c.components
    var update = [Double](repeating: 0, count: positions.count)
    var gains = [Double](repeating: 1, count: positions.count)
    for (phase, (range, exaggeration, momentum, patience)) in phases.enumerated()
    where !range.isEmpty {
      if c.resetsOptimizerBetweenPhases {
        for k in positions.indices {
          update[k] = 0
          gains[k] = 1
        }
      }
      let learningRate = c.resolvedLearningRate(
        samples: objective.count, exaggeration: exaggeration)
      var bestError = Double.greatestFiniteMagnitude
      var bestIteration = range.lowerBound
      for i in range {
        let check = (i + 1) % c.checkInterval == 0
        let kl = objective.evaluate(
          positions, gradient: &gradient, exaggeration: exaggeration,
          computeKL: check || i == total - 1)
        var squaredNorm = 0.0
        for k in positions.indices {
          let g = gradient[k]
          if update[k] * g < 0 {
            gains[k] += c.gainIncrease
          } else {
            gains[k] *= c.gainDecrease
          }
          gains[k] = max(gains[k], c.minimumGain)
          let scaled = g * gains[k]
          squaredNorm += scaled * scaled
          update[k] = momentum * update[k] - learningRate * scaled
        }
        if let limit = c.maximumStepNorm {
          for i in 0..<objective.count {
            var norm = 0.0
            for d in 0..<dims { norm += update[i * dims + d] * update[i * dims + d] }
            norm = norm.squareRoot()
            if norm > limit {
              for d in 0..<dims { update[i * dims + d] *= limit / norm }
            }
          }
        }
        for k in positions.indices { positions[k] += update[k] }
        result.iterations = i + 1
        if !kl.isNaN { result.klDivergence = kl }
        guard check else { continue }
        let report = TSNEProgress(
          iteration: i + 1, klDivergence: kl, gradientNorm: squaredNorm.squareRoot(),
          exaggeration: exaggeration)
        result.history.append(report)
        if progress?(report) == .stop {
          result.stopReason = .stoppedByCallback
          return result
        }
        if kl < bestError {
          bestError = kl
          bestIteration = i
        } else if i - bestIteration > patience {
          result.stopReason = .noProgress
          break
        }
        if report.gradientNorm <= c.minimumGradientNorm {
          result.stopReason = .smallGradient
          break
        }
      }
      // As in scikit-learn, stopping early in the exaggeration phase moves on to the next one.
      if phase == 0 && range.upperBound < total { result.stopReason = .maximumIterations }
    }
    return result
  }
}
