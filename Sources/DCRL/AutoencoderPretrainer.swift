// AutoencoderPretrainer: denoising-autoencoder pretraining (SPEC.md §3.1), shared by DCRL and
// the deep baselines.

import Autograd
import Foundation
import NN
import Tensor

/// What to do after an epoch: go on or stop early.
public enum TrainingControl: Sendable {
  /// Continue with the next epoch.
  case proceed
  /// Stop after this epoch and return the model as it is.
  case stop
}

/// The record of one pretraining epoch.
public struct PretrainingEpoch: Sendable, Codable {
  /// The 0-based epoch.
  public var epoch: Int
  /// The mean of the batch losses (MSE of g(f(x + ε)) against x).
  public var loss: Double
  /// Wall-clock seconds the epoch took.
  public var seconds: Double
}

/// Pretrains an ``Autoencoder`` as a denoising autoencoder (SPEC.md §3.1).
///
/// Each epoch draws a fresh permutation and visits it in batches of ``PretrainingConfiguration/batchSize``
/// (the last partial batch kept); each batch's input gets fresh Gaussian noise of standard
/// deviation σ, and the loss is the MSE of the reconstruction against the clean input. The whole
/// stack is trained end to end (no greedy layer-wise stage).
public struct AutoencoderPretrainer {
  /// The pretraining settings.
  public var configuration: PretrainingConfiguration

  /// Creates a pretrainer.
  public init(configuration: PretrainingConfiguration = PretrainingConfiguration()) {
    self.configuration = configuration
  }

  /// A new autoencoder, initialised from `configuration.seed` and pretrained on `x`.
  ///
  /// Shape: `x` is `[n, D]`.
  /// - Throws: ``DCRLError`` for an invalid configuration or input, or a non-finite loss.
  public func fit(
    _ x: Tensor, hiddenSizes: [Int], latentDimension: Int,
    onEpoch: (PretrainingEpoch) -> TrainingControl = { _ in .proceed }
  ) throws(DCRLError) -> Autoencoder {
    try configuration.validate()
    try validateFeatures(x)
    var rng = Xoshiro256(seed: configuration.seed)
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: hiddenSizes, latentDimension: latentDimension,
      dtype: x.dtype, on: x.backend, using: &rng)
    try train(autoencoder, on: x, using: &rng, onEpoch: onEpoch)
    return autoencoder
  }

  /// Pretrains `autoencoder` in place on `x`, drawing noise and batch orders from `rng`.
  ///
  /// - Returns: One record per epoch run.
  @discardableResult
  public func train(
    _ autoencoder: Autoencoder, on x: Tensor, using rng: inout Xoshiro256,
    onEpoch: (PretrainingEpoch) -> TrainingControl = { _ in .proceed }
  ) throws(DCRLError) -> [PretrainingEpoch] {
    try configuration.validate()
    try validateFeatures(x, expectedFeatures: autoencoder.inputDimension)
    let parameters = autoencoder.parameters
    var optimizer: any Optimizer
    switch configuration.optimizer {
    case .adam(let learningRate): optimizer = Adam(learningRate: learningRate)
    case .sgd(let learningRate, let momentum):
      optimizer = SGD(learningRate: learningRate, momentum: momentum)
    }
    let n = x.shape[0]
    let clock = ContinuousClock()
    var records: [PretrainingEpoch] = []
    for epoch in 0..<configuration.epochs {
      let start = clock.now
      let order = randomPermutation(n, using: &rng)
      var total = 0.0
      var batches = 0
      for batchStart in stride(from: 0, to: n, by: configuration.batchSize) {
        let indices = Array(order[batchStart..<min(batchStart + configuration.batchSize, n)])
        let clean = x.gatheringRows(indices)
        var noisy = clean
        if configuration.noise > 0 {
          noisy =
            clean
            + Tensor.randomNormal(
              clean.shape, standardDeviation: configuration.noise, dtype: clean.dtype,
              on: clean.backend,
              using: &rng)
        }
        let (loss, _) = valueWithGradient(at: parameters) {
          meanSquaredError(autoencoder(Variable(noisy)), clean)
        }
        let value = loss.scalarValue
        guard value.isFinite else {
          throw .nonFinite(epoch: epoch, step: batches, term: "pretraining MSE")
        }
        optimizer.update(parameters)
        total += value
        batches += 1
      }
      let record = PretrainingEpoch(
        epoch: epoch, loss: total / Double(max(batches, 1)), seconds: (clock.now - start).seconds)
      records.append(record)
      if onEpoch(record) == .stop { break }
    }
    return records
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) * 1e-18
  }
}
