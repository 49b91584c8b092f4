// MLPClassifier+Training: the epoch loop, forward and backward passes and scikit-learn's Adam
// step of the MLP classifier.

import Foundation
import Tensor

extension MLPClassifier {
  /// Runs the epochs from the given initial parameters.
  func train(
    _ x: Tensor, _ encoding: LabelEncoding, weights initialWeights: [Tensor],
    biases initialBiases: [Tensor], using rng: inout Xoshiro256
  ) throws(ClassifierError) -> MLPClassifierModel {
    let c = configuration
    var weights = initialWeights
    var biases = initialBiases
    let n = x.shape[0]
    let batchSize = min(c.batchSize, n)
    let outputs = weights.last!.shape[1]
    // scikit-learn clips probabilities to the machine epsilon of the data's dtype.
    let clip = x.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
    var weightFirstMoments = weights.map { $0.zerosLike() }
    var weightSecondMoments = weightFirstMoments
    var biasFirstMoments = biases.map { $0.zerosLike() }
    var biasSecondMoments = biasFirstMoments
    var order = Array(0..<n)
    var step = 0
    var lossCurve: [Double] = []
    var bestLoss = Double.infinity
    var epochsWithoutImprovement = 0
    var converged = false
    for epoch in 0..<c.maxIterations {
      if c.shuffle { shuffle(&order, using: &rng) }
      var accumulatedLoss = 0.0
      for start in stride(from: 0, to: n, by: batchSize) {
        let end = min(start + batchSize, n)
        let count = end - start
        let batch = c.shuffle ? x.gatheringRows(Array(order[start..<end])) : x.rows(start..<end)
        let activations = forwardPass(
          batch, weights: weights, biases: biases, activation: c.activation)
        // Output activation, log-loss and its gradient with respect to the logits, on the host.
        let logits = activations.last!.doubles
        var delta = [Double](repeating: 0, count: count * outputs)
        var loss = 0.0
        for i in 0..<count {
          let label = encoding.encoded[order[start + i]]
          loss += outputLayer(
            logits: logits, row: i, outputs: outputs, label: label, clip: clip, delta: &delta)
        }
        loss /= Double(count)
        var squaredWeights = 0.0
        for w in weights { squaredWeights += (w * w).sum().scalarValue }
        loss += 0.5 * c.l2Penalty * squaredWeights / Double(count)
        accumulatedLoss += loss * Double(count)

        // Backward pass; every gradient is taken before its layer is updated.
        step += 1
        let weightStep = AdamStep(
          learningRate: c.learningRate, beta1: c.beta1, beta2: c.beta2,
          epsilon: adamEpsilon(step: step), weightDecay: c.l2Penalty / Double(count), step: step)
        var biasStep = weightStep
        biasStep.weightDecay = 0
        var upstream = Tensor(
          converting: delta, shape: [count, outputs], dtype: x.dtype, on: x.backend)
        for layer in stride(from: weights.count - 1, through: 0, by: -1) {
          let scale = 1 / Double(count)
          // ∂L/∂W = aᵀδ/|B| (+ α·W/|B|, added by Adam's weight decay); ∂L/∂b = mean of δ.
          let weightGradient = matmul(activations[layer], upstream, transposeA: true) * scale
          let biasGradient = upstream.sum(axis: 0).reshaped(biases[layer].shape) * scale
          if layer > 0 {
            upstream = activationDerivative(
              matmul(upstream, weights[layer], transposeB: true), output: activations[layer])
          }
          weights[layer].adamUpdate(
            gradient: weightGradient, firstMoment: &weightFirstMoments[layer],
            secondMoment: &weightSecondMoments[layer], hyperparameters: weightStep)
          biases[layer].adamUpdate(
            gradient: biasGradient, firstMoment: &biasFirstMoments[layer],
            secondMoment: &biasSecondMoments[layer], hyperparameters: biasStep)
        }
      }
      let epochLoss = accumulatedLoss / Double(n)
      lossCurve.append(epochLoss)
      guard epochLoss.isFinite else { throw .trainingDiverged(epoch: epoch, loss: epochLoss) }
      if epochLoss > bestLoss - c.tolerance {
        epochsWithoutImprovement += 1
      } else {
        epochsWithoutImprovement = 0
      }
      bestLoss = min(bestLoss, epochLoss)
      if epochsWithoutImprovement > c.iterationsWithoutImprovement {
        converged = true
        break
      }
    }
    return MLPClassifierModel(
      classes: encoding.classes, featureCount: x.shape[1], activation: c.activation,
      weights: weights, biases: biases, lossCurve: lossCurve, converged: converged)
  }

  /// The ε that makes the PyTorch-style fused step (ε added to √v̂) equal scikit-learn's
  /// update, which adds ε to √v before the bias correction: ε/√(1 − β₂ᵗ).
  private func adamEpsilon(step: Int) -> Double {
    configuration.epsilon / (1 - pow(configuration.beta2, Double(step))).squareRoot()
  }

  /// δ·f′ for the hidden activation f, written with its output a = f(z) as scikit-learn does.
  private func activationDerivative(_ upstream: Tensor, output a: Tensor) -> Tensor {
    switch configuration.activation {
    case .relu: return upstream.combined(with: a, .reluGradient)
    case .tanh: return upstream * (1 - a.squared())
    case .logistic: return upstream * a * (1 - a)
    case .identity: return upstream
    }
  }
}

/// The output activation of row `i` of `logits`: a softmax over `outputs` units, or for a
/// single unit (two classes) [1 − σ(z), σ(z)]; written to `probabilities[i·K ..< (i+1)·K]`,
/// K = max(outputs, 2).
func outputProbabilities(
  _ logits: [Double], row i: Int, outputs: Int, into probabilities: inout [Double]
) {
  if outputs == 1 {
    let p = 1 / (1 + exp(-logits[i]))
    probabilities[2 * i] = 1 - p
    probabilities[2 * i + 1] = p
    return
  }
  let base = i * outputs
  var largest = -Double.infinity
  for k in 0..<outputs { largest = max(largest, logits[base + k]) }
  var total = 0.0
  for k in 0..<outputs {
    probabilities[base + k] = exp(logits[base + k] - largest)
    total += probabilities[base + k]
  }
  for k in 0..<outputs { probabilities[base + k] /= total }
}

/// Applies the output activation to row `i` of `logits`, writes ∂loss/∂logits = p − y into
/// `delta` and returns the row's log-loss with the probabilities clipped to [clip, 1 − clip],
/// as scikit-learn's `log_loss` clips them.
func outputLayer(
  logits: [Double], row i: Int, outputs: Int, label: Int, clip: Double, delta: inout [Double]
) -> Double {
  if outputs == 1 {
    let p = 1 / (1 + exp(-logits[i]))
    let y = label == 1 ? 1.0 : 0.0
    delta[i] = p - y
    let clipped = min(max(p, clip), 1 - clip)
    return -(y * log(clipped) + (1 - y) * log(1 - clipped))
  }
  outputProbabilities(logits, row: i, outputs: outputs, into: &delta)
  let p = delta[i * outputs + label]
  delta[i * outputs + label] -= 1
  return -log(min(max(p, clip), 1 - clip))
}

/// Every layer's output for `x`: `[x, hidden₁, …, logits]`, the logits before the output
/// activation.
func forwardPass(
  _ x: Tensor, weights: [Tensor], biases: [Tensor],
  activation: MLPClassifier.Configuration.Activation
) -> [Tensor] {
  var activations = [x]
  for layer in weights.indices {
    var z = matmul(activations[layer], weights[layer]) + biases[layer]
    if layer < weights.count - 1 {
      switch activation {
      case .relu: z = z.relu()
      case .tanh: z = z.applying(.tanh)
      case .logistic: z = z.applying(.sigmoid)
      case .identity: break
      }
    }
    activations.append(z)
  }
  return activations
}

/// An in-place Fisher–Yates shuffle.
func shuffle(_ values: inout [Int], using rng: inout some RandomNumberGenerator) {
  guard values.count > 1 else { return }
  for i in stride(from: values.count - 1, to: 0, by: -1) {
    values.swapAt(i, Int(rng.next(upperBound: UInt64(i + 1))))
  }
}
