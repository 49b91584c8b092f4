// AutoencoderPretrainer: denoising-autoencoder pretraining (Docs/Algorithm.md#training), shared by
// DCRL and the deep baselines.

import Autograd
import Foundation
import NN
import Tensor

/// The record of one pretraining epoch.
public struct PretrainingEpoch: Sendable, Codable {
  /// The 0-based epoch.
  public var epoch: Int
  /// The mean of the batch losses (MSE of g(f(x + ε)) against x).
  public var loss: Double
  /// Wall-clock seconds the epoch took.
  public var seconds: Double
  /// The encoder/decoder pair an epoch of the layer-wise stage trained, 0 for the outermost.
  ///
  /// `nil` for an end-to-end epoch. See ``LayerWisePretraining``.
  public var layer: Int? = nil
}

/// Pretrains an ``Autoencoder`` as a denoising autoencoder (Docs/Algorithm.md#training).
///
/// Each epoch draws a fresh permutation and visits it in batches of ``Configuration/batchSize``
/// (the last partial batch kept); each batch's input gets fresh Gaussian noise of standard
/// deviation σ, and the loss is the MSE of the reconstruction against the clean input. The whole
/// stack is trained end to end, after DEC's greedy layer-wise stage when
/// ``Configuration/layerWise`` asks for it.
public struct AutoencoderPretrainer {
  /// The pretraining settings.
  public var configuration: Configuration

  /// Creates a pretrainer.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// A new autoencoder, initialised from `configuration.seed` and pretrained on `x`.
  ///
  /// - Parameters:
  ///   - x: The data, `[n, D]`.
  ///   - hiddenSizes: The encoder's hidden layer sizes (the decoder mirrors them).
  ///   - latentDimension: The size of the codes.
  ///   - checkpoints: Where to write ``CheckpointPolicy/pretrainingFile`` every
  ///     `checkpoints.interval` epochs, after the last epoch and when `progress` stops the run;
  ///     none when `nil`. ``resume(from:input:checkpoints:progress:)`` continues such a file.
  ///   - progress: Called after each epoch (of the layer-wise stage too, with
  ///     ``PretrainingEpoch/layer`` set); return `.stop` to end early. Checkpoints cover the
  ///     end-to-end epochs: a run stopped in the layer-wise stage writes none.
  /// - Throws: ``DCRLError`` for an invalid configuration or input, an unwritable checkpoint
  ///   directory (before any training), a non-finite loss (after writing the last good
  ///   checkpoint) or a failed checkpoint write.
  public func fit(
    _ x: Tensor, hiddenSizes: [Int], latentDimension: Int, checkpoints: CheckpointPolicy? = nil,
    progress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> Autoencoder {
    try configuration.validate()
    try validateFeatures(x)
    try checkpoints?.checkWritable()
    var rng = Xoshiro256(seed: configuration.seed)
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: hiddenSizes, latentDimension: latentDimension,
      dtype: x.dtype, on: x.backend, using: &rng)
    if let stage = configuration.layerWise,
      try trainLayerWise(autoencoder, on: x, stage: stage, using: &rng, progress: progress) == .stop
    {
      return autoencoder
    }
    var optimizer = configuration.makeOptimizer()
    try run(
      autoencoder, on: x, optimizer: &optimizer, rng: &rng, from: 0, records: [],
      checkpoints: checkpoints, parallel: nil, progress: progress)
    return autoencoder
  }

  /// Continues the pretraining saved at `url` (by `fit` with checkpoints) to its configured
  /// number of epochs, with the stored configuration.
  ///
  /// `x` must be the interrupted run's data. With one OpenBLAS thread the autoencoder is
  /// bit-identical to that of an uninterrupted run. `progress` sees only the remaining epochs.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` for a missing, damaged or inconsistent file,
  ///   ``DCRLError/formatVersion(path:found:expected:)`` for another format version, and what
  ///   `fit` throws.
  public static func resume(
    from url: URL, input x: Tensor, checkpoints: CheckpointPolicy? = nil,
    progress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> Autoencoder {
    var restored = try PretrainingCheckpoint.read(from: url, on: x.backend)
    let data = x.converted(to: restored.autoencoder.parameters[0].value.dtype)
    try validateFeatures(data, expectedFeatures: restored.state.inputDimension)
    try checkpoints?.checkWritable()
    var rng = restored.state.rng
    try AutoencoderPretrainer(configuration: restored.state.configuration).run(
      restored.autoencoder, on: data, optimizer: &restored.optimizer, rng: &rng,
      from: restored.state.nextEpoch, records: restored.state.records, checkpoints: checkpoints,
      parallel: nil, progress: progress)
    return restored.autoencoder
  }

  /// Pretrains `autoencoder` in place on `x`, drawing noise and batch orders from `rng`.
  ///
  /// - Returns: One record per end-to-end epoch run (the layer-wise stage's epochs, when
  ///   configured, reach `progress` only).
  @discardableResult
  public func train(
    _ autoencoder: Autoencoder, on x: Tensor, using rng: inout Xoshiro256,
    progress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> [PretrainingEpoch] {
    try configuration.validate()
    try validateFeatures(x, expectedFeatures: autoencoder.inputDimension)
    if let stage = configuration.layerWise,
      try trainLayerWise(autoencoder, on: x, stage: stage, using: &rng, progress: progress) == .stop
    {
      return []
    }
    var optimizer = configuration.makeOptimizer()
    return try run(
      autoencoder, on: x, optimizer: &optimizer, rng: &rng, from: 0, records: [],
      checkpoints: nil, parallel: nil, progress: progress)
  }

  /// Runs epochs `first..<configuration.epochs`.
  ///
  /// `records` are the earlier epochs' (kept in checkpoints). Returns the records of the epochs
  /// run here. With `parallel`, `x` holds this rank's rows and each step is the data-parallel
  /// one of ``DataParallelStep``; only rank 0 writes checkpoints.
  @discardableResult
  func run(
    _ autoencoder: Autoencoder, on x: Tensor, optimizer: inout any Optimizer,
    rng: inout Xoshiro256, from first: Int, records earlier: [PretrainingEpoch],
    checkpoints allCheckpoints: CheckpointPolicy?, parallel: DataParallelStep?,
    progress: (PretrainingEpoch) -> ProgressAction
  ) throws(DCRLError) -> [PretrainingEpoch] {
    let parameters = autoencoder.parameters
    let n = parallel?.shard.totalRows ?? x.shape[0]
    let checkpoints = (parallel?.communicator.rank ?? 0) == 0 ? allCheckpoints : nil
    let clock = ContinuousClock()
    var history = earlier
    func snapshot(_ next: Int, _ rng: Xoshiro256, _ optimizer: any Optimizer)
      -> PretrainingCheckpoint.Snapshot
    {
      PretrainingCheckpoint.Snapshot(
        configuration: configuration, autoencoder: autoencoder, optimizer: optimizer, rng: rng,
        nextEpoch: next, records: history)
    }
    // The last finished epoch's state, written if the next one fails.
    var lastGood = checkpoints != nil && first > 0 ? snapshot(first, rng, optimizer) : nil
    for epoch in first..<max(first, configuration.epochs) {
      let start = clock.now
      var total = 0.0
      var batches = 0
      for indices in epochBatches(n, using: &rng) {
        let value: Double
        if let parallel {
          value = try parallel.step(
            autoencoder, parameters: parameters, x: x, batch: indices,
            noise: configuration.noise, rng: &rng)
        } else {
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
          value = loss.scalarValue
        }
        guard value.isFinite else {
          if let checkpoints, let lastGood { try? lastGood.write(to: checkpoints) }
          throw .nonFinite(epoch: epoch, step: batches, term: "pretraining MSE")
        }
        optimizer.update(parameters)
        total += value
        batches += 1
      }
      let record = PretrainingEpoch(
        epoch: epoch, loss: total / Double(max(batches, 1)), seconds: (clock.now - start).seconds)
      history.append(record)
      let next = epoch + 1
      var written = false
      if let checkpoints {
        lastGood = snapshot(next, rng, optimizer)
        if next % checkpoints.interval == 0 || next == configuration.epochs {
          try lastGood?.write(to: checkpoints)
          written = true
        }
      }
      var stop = progress(record) == .stop
      if let parallel {
        // A stop on any rank stops every rank, so that none waits in the next collective.
        do {
          stop = try parallel.communicator.maximum(Int32(stop ? 1 : 0)) > 0
        } catch {
          throw .distributed(error)
        }
      }
      if stop {
        if let checkpoints, !written { try lastGood?.write(to: checkpoints) }
        break
      }
    }
    return Array(history.dropFirst(earlier.count))
  }
}

extension AutoencoderPretrainer {
  /// One epoch's mini-batches: a fresh permutation of `0..<n` drawn from `rng`, cut into
  /// batches of ``AutoencoderPretrainer/Configuration/batchSize``, the last partial batch kept.
  func epochBatches(_ n: Int, using rng: inout Xoshiro256) -> [[Int]] {
    let order = randomPermutation(n, using: &rng)
    return chunkRanges(n, chunkSize: configuration.batchSize).map { Array(order[$0]) }
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) * 1e-18
  }
}
