// Adam: torch.optim.Adam's algorithm, one fused backend step per parameter.

import Autograd
import Tensor

/// Adam (Kingma and Ba 2015) with `torch.optim.Adam`'s exact semantics.
///
/// Bias-corrected moments, `ε` added after the square root of the corrected second moment, and
/// optional L2 weight decay added to the gradient (not AdamW). Each parameter has its own step
/// count and moment buffers, created at its first update. The per-parameter update is one
/// fused backend kernel (`Tensor.adamUpdate(gradient:firstMoment:secondMoment:hyperparameters:)`).
public struct Adam: Optimizer {
  /// The learning rate.
  public var learningRate: Double
  /// The decay rate of the first moment.
  public var beta1: Double
  /// The decay rate of the second moment.
  public var beta2: Double
  /// The term added to the denominator.
  public var epsilon: Double
  /// The L2 penalty added to each gradient.
  public var weightDecay: Double

  /// The moment buffers and step count of one parameter.
  public struct State {
    /// The first-moment buffer (`exp_avg` in PyTorch).
    public var firstMoment: Tensor
    /// The second-moment buffer (`exp_avg_sq`).
    public var secondMoment: Tensor
    /// The number of steps taken.
    public var step: Int

    /// Creates a state, for example from a checkpoint.
    public init(firstMoment: Tensor, secondMoment: Tensor, step: Int) {
      self.firstMoment = firstMoment
      self.secondMoment = secondMoment
      self.step = step
    }
  }

  private var states: [ObjectIdentifier: State] = [:]

  /// Creates an Adam optimiser with PyTorch's defaults.
  public init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0
  ) {
    precondition(learningRate > 0, "Adam: learningRate must be positive, got \(learningRate)")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// The state of `parameter`, or `nil` before its first update.
  public func state(of parameter: Parameter) -> State? { states[ObjectIdentifier(parameter)] }

  /// Replaces the state of `parameter` (used when resuming from a checkpoint).
  public mutating func setState(_ state: State?, of parameter: Parameter) {
    states[ObjectIdentifier(parameter)] = state
  }

  /// Applies one step to each parameter that has a gradient.
  public mutating func update(_ parameters: [Parameter]) {
    for parameter in parameters {
      guard let gradient = parameter.gradient else { continue }
      let key = ObjectIdentifier(parameter)
      var state =
        states.removeValue(forKey: key)
        ?? State(
          firstMoment: parameter.value.zerosLike(), secondMoment: parameter.value.zerosLike(),
          step: 0)
      state.step += 1
      parameter.value.adamUpdate(
        gradient: gradient, firstMoment: &state.firstMoment, secondMoment: &state.secondMoment,
        hyperparameters: AdamStep(
          learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
          weightDecay: weightDecay, step: state.step))
      states[key] = state
    }
  }
}
