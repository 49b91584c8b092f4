// MLPClassifier: scikit-learn's MLPClassifier with the Adam solver: ReLU hidden layers, softmax
// (or one logistic unit for two classes) with log-loss, L2 penalty α/(2·batch), early stop on
// the training loss.

import Foundation
import Tensor

/// A multi-layer perceptron classifier trained with Adam, with scikit-learn's `MLPClassifier`
/// semantics (Docs/Algorithm.md#presets; identical defaults in scikit-learn 0.21 and ≥ 0.22).
///
/// * Architecture: `hiddenLayerSizes` fully connected layers with ``Configuration/Activation``,
///   then a softmax output over the classes (a single logistic unit for two classes).
/// * Initialisation (Glorot uniform, as scikit-learn): every weight and bias of a layer with
///   fan-in a and fan-out b is drawn from U(−r, r), r = √(6/(a+b)) (√(2/(a+b)) for logistic
///   hidden units), weights before biases, layer by layer.
/// * Loss of a batch B: −(1/|B|)·Σ log p_{i,y_i} with probabilities clipped to [ε, 1−ε]
///   (ε the dtype's machine epsilon), plus α·Σ_l ‖W_l‖²/(2·|B|); biases are not penalised.
/// * Adam with scikit-learn's update p ← p − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε).
/// * Epochs: reshuffle (when ``Configuration/shuffle``), batches of min(batchSize, n) with the
///   last partial batch kept; the epoch loss is the sample-weighted mean of the batch losses.
///   Training stops when the loss has failed to fall below best − tol for more than
///   ``Configuration/iterationsWithoutImprovement`` consecutive epochs (then
/// ``MLPClassifierModel/converged``
///   is true), or after ``Configuration/maxIterations`` epochs.
///
/// Training runs in the dtype of `x` (float32 or float64, as scikit-learn keeps the input's
/// float type) on the backend of `x`; the matrix products go through the backend's GEMM.
public struct MLPClassifier: Classifier, PresetClassifier {
  /// The hyperparameters of ``MLPClassifier``.
  public struct Configuration: Sendable, Codable, Hashable, PresetConfiguration {
    /// The hidden units' activation.
    public enum Activation: String, Sendable, Codable, Hashable, CaseIterable {
      /// max(0, z).
      case relu
      /// tanh z.
      case tanh
      /// 1/(1 + e^(−z)).
      case logistic
      /// z.
      case identity
    }

    /// The width of every hidden layer ([100]).
    public var hiddenLayerSizes = [100]
    /// The hidden activation (`.relu`).
    public var activation = Activation.relu
    /// α, the L2 penalty (10⁻⁴), scaled by 1/(2·batch size) in the loss.
    public var l2Penalty = 1e-4
    /// The mini-batch size (200); the effective size is min(batchSize, n).
    public var batchSize = 200
    /// Adam's learning rate (10⁻³).
    public var learningRate = 1e-3
    /// The most epochs (200).
    public var maxIterations = 200
    /// The improvement in training loss below which an epoch counts as no improvement (10⁻⁴).
    public var tolerance = 1e-4
    /// How many epochs without improvement are tolerated; one more stops training (10).
    public var iterationsWithoutImprovement = 10
    /// Whether to reshuffle the samples every epoch (true).
    public var shuffle = true
    /// Adam's β₁ (0.9).
    public var beta1 = 0.9
    /// Adam's β₂ (0.999).
    public var beta2 = 0.999
    /// Adam's ε (10⁻⁸).
    public var epsilon = 1e-8
    /// The seed of the initial weights and the shuffling.
    public var seed: UInt64 = 0

    /// scikit-learn's defaults (the same in 0.21 and ≥ 0.22).
    public init() {}

    /// scikit-learn 0.21's defaults: 100 ReLU units, Adam 10⁻³, α 10⁻⁴, batch 200, 200 epochs.
    public static let sklearn021 = Configuration()

    /// scikit-learn ≥ 0.22's defaults, unchanged from 0.21.
    public static let modern = Configuration()

    /// Checks every field (RELIABILITY I20).
    ///
    /// - Throws: ``ClassifierError/input(_:)`` with `InputError.invalidValue` naming the first
    ///   invalid field.
    public func validate() throws(ClassifierError) {
      let check = ClassifierError.require
      try check(
        !hiddenLayerSizes.isEmpty && hiddenLayerSizes.allSatisfy { $0 >= 1 }, "hiddenLayerSizes",
        hiddenLayerSizes, "needs at least one layer, each of ≥ 1 unit")
      try check(
        l2Penalty >= 0 && l2Penalty.isFinite, "l2Penalty", l2Penalty, "must be non-negative")
      try check(batchSize >= 1, "batchSize", batchSize, "must be ≥ 1")
      try check(
        learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "must be positive")
      try check(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
      try check(
        tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, "must be non-negative")
      try check(
        iterationsWithoutImprovement >= 1, "iterationsWithoutImprovement",
        iterationsWithoutImprovement, "must be ≥ 1")
      for (name, value) in [("beta1", beta1), ("beta2", beta2)] {
        try check(value >= 0 && value < 1, name, value, "must be in [0, 1)")
      }
      try check(epsilon > 0 && epsilon.isFinite, "epsilon", epsilon, "must be positive")
    }
  }

  /// The hyperparameters.
  public var configuration: Configuration

  /// Creates an MLP classifier with `configuration` (scikit-learn's defaults by default).
  public init(configuration: Configuration = .modern) {
    self.configuration = configuration
  }

  /// Initialises the weights from ``Configuration/seed`` and trains on `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Complexity: O(epochs · n · Σ_l fanIn_l·fanOut_l).
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  public func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError) -> MLPClassifierModel {
    try configuration.validate()
    let data = try hostDoubles(x)
    let encoding = try LabelEncoding(labels, samples: data.rows)
    var rng = Xoshiro256(seed: configuration.seed)
    let sizes = layerSizes(features: data.columns, classes: encoding.count)
    var weights: [Tensor] = []
    var biases: [Tensor] = []
    for layer in 0..<(sizes.count - 1) {
      let (fanIn, fanOut) = (sizes[layer], sizes[layer + 1])
      let factor = configuration.activation == .logistic ? 2.0 : 6.0
      let bound = (factor / Double(fanIn + fanOut)).squareRoot()
      let w = (0..<(fanIn * fanOut)).map { _ in (2 * rng.nextUnitDouble() - 1) * bound }
      let b = (0..<fanOut).map { _ in (2 * rng.nextUnitDouble() - 1) * bound }
      weights.append(Tensor(converting: w, shape: [fanIn, fanOut], dtype: x.dtype, on: x.backend))
      biases.append(Tensor(converting: b, shape: [1, fanOut], dtype: x.dtype, on: x.backend))
    }
    return try train(x, encoding, weights: weights, biases: biases, using: &rng)
  }

  /// Trains from the given initial weights instead of drawing them, as scikit-learn does after
  /// its own initialisation; ``Configuration/seed`` then drives the shuffling only.
  ///
  /// Used to compare trajectories with scikit-learn from identical starting points.
  ///
  /// Shape: `x` is `[n, d]`; `weights[l]` is `[fanIn_l, fanOut_l]` (scikit-learn's `coefs_`
  /// layout) and `biases[l]` has `fanOut_l` values, for the layers
  /// d → hiddenLayerSizes… → K (K = 1 for two classes).
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  /// - Precondition: the weight shapes match the architecture.
  public func fit(
    _ x: Tensor, labels: [Int], initialWeights weights: [[Double]], initialBiases biases: [[Double]]
  ) throws(ClassifierError) -> MLPClassifierModel {
    try configuration.validate()
    let data = try hostDoubles(x)
    let encoding = try LabelEncoding(labels, samples: data.rows)
    let sizes = layerSizes(features: data.columns, classes: encoding.count)
    precondition(
      weights.count == sizes.count - 1 && biases.count == sizes.count - 1,
      "MLPClassifier.fit: expected \(sizes.count - 1) layers of initial weights")
    var weightTensors: [Tensor] = []
    var biasTensors: [Tensor] = []
    for layer in 0..<(sizes.count - 1) {
      let shape = [sizes[layer], sizes[layer + 1]]
      precondition(
        weights[layer].count == shape[0] * shape[1] && biases[layer].count == shape[1],
        "MLPClassifier.fit: layer \(layer) must be \(shape) with \(shape[1]) biases")
      weightTensors.append(
        Tensor(converting: weights[layer], shape: shape, dtype: x.dtype, on: x.backend))
      biasTensors.append(
        Tensor(converting: biases[layer], shape: [1, shape[1]], dtype: x.dtype, on: x.backend))
    }
    var rng = Xoshiro256(seed: configuration.seed)
    return try train(x, encoding, weights: weightTensors, biases: biasTensors, using: &rng)
  }

  /// [d, hidden…, K], with one output unit for two classes.
  private func layerSizes(features: Int, classes: Int) -> [Int] {
    [features] + configuration.hiddenLayerSizes + [classes == 2 ? 1 : classes]
  }
}
