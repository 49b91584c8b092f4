// SGD: stochastic gradient descent with momentum, torch.optim.SGD's semantics.

import Autograd
import Tensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
/// weight decay, matching `torch.optim.SGD`.
///
/// With `d = g + weightDecay·p`: the momentum buffer starts as `d` and then follows
/// `b ← momentum·b + (1 − dampening)·d`; the step is `p ← p − lr·(d + momentum·b)` with
/// Nesterov and `p ← p − lr·b` without (plain `p ← p − lr·d` when momentum is 0).
public struct SGD: Optimizer {
  /// The learning rate.
  public var learningRate: Double
  /// The momentum factor.
  public var momentum: Double
  /// The dampening applied to new gradients in the momentum buffer.
  public var dampening: Double
  /// Whether to use Nesterov momentum.
  public var nesterov: Bool
  /// The L2 penalty added to each gradient.
  public var weightDecay: Double

  private var buffers: [ObjectIdentifier: Tensor] = [:]

  /// Creates an SGD optimiser.
  public init(
    learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
    weightDecay: Double = 0
  ) {
    precondition(learningRate > 0, "SGD: learningRate must be positive, got \(learningRate)")
    precondition(momentum >= 0, "SGD: momentum must be non-negative, got \(momentum)")
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  /// The momentum buffer of `parameter`, or `nil` before its first update.
  public func momentumBuffer(of parameter: Parameter) -> Tensor? {
    buffers[ObjectIdentifier(parameter)]
  }

  /// Replaces the momentum buffer of `parameter` (used when resuming from a checkpoint).
  public mutating func setMomentumBuffer(_ buffer: Tensor?, of parameter: Parameter) {
    buffers[ObjectIdentifier(parameter)] = buffer
  }

  /// Applies one step to each parameter that has a gradient.
  public mutating func update(_ parameters: [Parameter]) {
    for parameter in parameters {
      guard var direction = parameter.gradient else { continue }
      if weightDecay != 0 { direction = direction + parameter.value * weightDecay }
      if momentum != 0 {
        let key = ObjectIdentifier(parameter)
        var buffer: Tensor
        if let previous = buffers.removeValue(forKey: key) {
          buffer = previous * momentum
          buffer.add(direction, scaledBy: 1 - dampening)
        } else {
          buffer = direction
        }
        buffers[key] = buffer
        direction = nesterov ? direction + buffer * momentum : buffer
      }
      parameter.value.add(direction, scaledBy: -learningRate)
    }
  }
}
