// DCRLTrainer: fits a DCRL model — pretraining, centre initialisation, then alternating,
// graduated fine-tuning (Docs/Algorithm.md#training, Algorithm 1).

import Clustering
import Foundation
import Metrics
import NN
import Tensor

/// Where and how often to write checkpoints during pretraining and fine-tuning.
public struct CheckpointPolicy: Sendable {
  /// The directory that receives `checkpoint.safetensors` and `pretraining.safetensors`
  /// (created if needed).
  public var directory: URL
  /// Write after every `interval` epochs (and after the last one).
  public var interval: Int

  /// Creates a policy.
  public init(directory: URL, interval: Int = 10) {
    self.directory = directory
    self.interval = max(1, interval)
  }

  /// The checkpoint file.
  public var file: URL { directory.appendingPathComponent("checkpoint.safetensors") }

  /// The pretraining checkpoint (``PretrainingCheckpoint``), beside the fine-tuning one.
  public var pretrainingFile: URL { directory.appendingPathComponent("pretraining.safetensors") }

  /// Creates the directory and writes and removes a small probe file there, so that an
  /// unwritable folder is reported before any training rather than at the first checkpoint
  /// (RELIABILITY P6).
  ///
  /// ``DCRLTrainer`` calls it at the start of `fit` and `resume`.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` naming the directory and the system's reason.
  public func checkWritable() throws(DCRLError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw .io(
        path: directory.path,
        reason: "cannot create the checkpoint directory: \(error.localizedDescription)")
    }
    let probe = directory.appendingPathComponent(".dcrl-write-probe-\(UUID().uuidString)")
    do {
      try Data("probe".utf8).write(to: probe)
    } catch {
      throw .io(
        path: directory.path,
        reason: "the checkpoint directory is not writable: \(error.localizedDescription)")
    }
    try? FileManager.default.removeItem(at: probe)
  }
}

/// Fits DCRL models (Docs/Algorithm.md#training).
///
/// ```swift
/// var configuration = DCRLConfiguration.paper(for: .mnistTest)
/// let model = try DCRLTrainer(configuration: configuration).fit(images, labels: labels) {
///   print($0.summary)
///   return .continue
/// }
/// let predicted = try model.predict(images)
/// ```
///
/// `fit` pretrains a denoising autoencoder (unless one is given), initialises the centres with
/// t-SNE and k-means, then runs ``DCRLConfiguration/epochs`` epochs of fine-tuning. Each epoch
/// computes Q, P, π, the input-space centres and the L_iso pairs from a full-data pass; takes
/// Adam #1 steps over shuffled mini-batches on `α·L_C + a·L_rec + L_rank/⌊N/B⌋`; then takes one
/// Adam #2 step on `β·L_iso + L_align` with freshly computed codes. With one OpenBLAS thread the
/// same seed gives the same bits, and ``resume(from:input:labels:checkpoints:progress:)``
/// continues a checkpoint to exactly the model of an uninterrupted run.
public struct DCRLTrainer {
  /// The hyperparameters.
  public var configuration: DCRLConfiguration
  /// The backend the model trains on; data is moved there.
  public var backend: any Backend
  /// The threads of the UMAP + mixture start's UMAP; `nil` follows `CPUBackend.blasThreads`.
  ///
  /// Its SGD is bit-reproducible with one thread only (tests that compare runs set 1).
  var startUMAPThreads: Int? = nil

  /// Creates a trainer.
  public init(
    configuration: DCRLConfiguration = DCRLConfiguration(), backend: any Backend = CPUBackend.shared
  ) {
    self.configuration = configuration
    self.backend = backend
  }

  /// Pretrains the denoising autoencoder of this configuration on `x` (Docs/Algorithm.md#training).
  ///
  /// With `checkpoints`, the run is saved to ``CheckpointPolicy/pretrainingFile`` as
  /// ``AutoencoderPretrainer/fit(_:hiddenSizes:latentDimension:checkpoints:progress:)``
  /// describes; ``AutoencoderPretrainer/resume(from:input:checkpoints:progress:)`` continues it.
  public func pretrain(
    _ x: Tensor, checkpoints: CheckpointPolicy? = nil,
    progress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> Autoencoder {
    try configuration.validate()
    return try AutoencoderPretrainer(configuration: pretrainingConfiguration).fit(
      x.moved(to: backend), hiddenSizes: configuration.hiddenSizes,
      latentDimension: configuration.latentDimension, checkpoints: checkpoints, progress: progress)
  }

  /// The pretraining settings `pretrain` uses: the configuration's, with its seed.
  public var pretrainingConfiguration: AutoencoderPretrainer.Configuration {
    var pretraining = configuration.pretraining
    pretraining.seed = configuration.seed
    return pretraining
  }

  /// Fits a model to `x`.
  ///
  /// - Parameters:
  ///   - x: The data, `[n, D]`, float32 (float64 also works on the host backends).
  ///   - labels: Ground truth, used only to report ACC/NMI per epoch.
  ///   - autoencoder: A pretrained autoencoder; pretrained here when `nil`.
  ///   - checkpoints: Where to write checkpoints; none when `nil`.
  ///   - progress: Called after each fine-tuning epoch; return `.stop` to end early. It comes
  ///     first, so that a trailing closure (`fit(x) { report in … }`) is this one.
  ///   - pretrainingProgress: Called after each pretraining epoch.
  /// - Throws: ``DCRLError`` for a bad configuration or input (I1–I4, I11, I17), an
  ///   unwritable checkpoint directory (before any training, P6), a non-finite loss (after
  ///   writing the last good checkpoint), or a checkpoint write failure.
  public func fit(
    _ x: Tensor, labels: [Int]? = nil, autoencoder: Autoencoder? = nil,
    checkpoints: CheckpointPolicy? = nil,
    progress: (DCRLEpochReport) -> ProgressAction = { _ in .continue },
    pretrainingProgress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> DCRLModel {
    try configuration.validate()
    let data = x.moved(to: backend)
    try validateFeatures(data)
    try validateLabels(labels, samples: data.shape[0])
    guard data.shape[0] >= configuration.clusters else {
      throw .clustering(.tooFewSamples(samples: data.shape[0], clusters: configuration.clusters))
    }
    try checkpoints?.checkWritable()
    let network =
      if let autoencoder { autoencoder } else { try pretrain(data, progress: pretrainingProgress) }
    try checkAutoencoder(network, features: data.shape[1])
    let start = try startingPartition(autoencoder: network, input: data)
    let state = initialState(autoencoder: network, start: start)
    return try train(
      state, input: data, labels: labels, checkpoints: checkpoints, progress: progress)
  }

  /// Continues the run saved in the checkpoint at `url` to the configured number of epochs.
  ///
  /// The data must be the same as the interrupted run's. With one OpenBLAS thread the result is
  /// bit-identical to an uninterrupted run.
  public func resume(
    from url: URL, input x: Tensor, labels: [Int]? = nil, checkpoints: CheckpointPolicy? = nil,
    progress: (DCRLEpochReport) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> DCRLModel {
    let (state, data) = try restoredRun(from: url, input: x, labels: labels)
    try checkpoints?.checkWritable()
    return try train(
      state, input: data, labels: labels, checkpoints: checkpoints, progress: progress)
  }

  /// Runs the remaining epochs of `state`.
  ///
  /// When the configuration's label-change guard fires at the start of an epoch, the state from
  /// before the previous epoch is restored (the previous epoch's updates caused the jump) and
  /// training ends there; the stop is saved in the checkpoint, so a resume ends too.
  ///
  /// With `parallel`, `x` and `truth` are this rank's rows, each epoch is the data-parallel one,
  /// only rank 0 writes checkpoints, a stop from any rank's `progress` stops all, and every
  /// rank returns the same model with the labels of all rows.
  func train(
    _ initial: DCRLTrainingState, input x: Tensor, labels truth: [Int]?,
    checkpoints allCheckpoints: CheckpointPolicy?, parallel: ShardContext? = nil,
    progress: (DCRLEpochReport) -> ProgressAction
  ) throws(DCRLError) -> DCRLModel {
    let checkpoints = (parallel?.rank ?? 0) == 0 ? allCheckpoints : nil
    var state = initial
    let c = state.configuration
    var snapshot = state.nextEpoch > 0 ? DCRLCheckpoint.Snapshot(state) : nil
    var beforeLastEpoch: DCRLCheckpoint.Snapshot?
    while state.nextEpoch < c.epochs && state.guardStop == nil {
      let epoch = state.nextEpoch
      let outcome: EpochOutcome
      do {
        outcome = try runEpoch(state, input: x, truth: truth, context: parallel)
      } catch {
        if let checkpoints, let snapshot { try? snapshot.write(to: checkpoints) }
        throw error
      }
      guard case .finished(let report) = outcome else {
        if case .guardFired(let change, let threshold) = outcome {
          if let beforeLastEpoch { state = try beforeLastEpoch.restored(on: backend) }
          state.guardStop = LabelChangeGuardStop(
            detectedAt: epoch, change: change, threshold: threshold,
            completedEpochs: state.nextEpoch)
          if let checkpoints { try DCRLCheckpoint.Snapshot(state).write(to: checkpoints) }
        }
        break
      }
      state.reports.append(report)
      state.nextEpoch = epoch + 1
      beforeLastEpoch = snapshot
      snapshot = DCRLCheckpoint.Snapshot(state)
      let last = state.nextEpoch == c.epochs
      if let checkpoints, state.nextEpoch % checkpoints.interval == 0 || last {
        try snapshot?.write(to: checkpoints)
      }
      var stop = progress(report) == .stop
      if let parallel {
        // A stop on any rank stops every rank, so that none waits in the next collective.
        let votes = try parallel.sum([stop ? 1 : 0])
        stop = votes[0] > 0
      }
      if stop {
        if let checkpoints, !last, state.nextEpoch % checkpoints.interval != 0 {
          try snapshot?.write(to: checkpoints)
        }
        break
      }
    }
    let codes = state.autoencoder.encodeAll(x, chunkSize: c.fullPassChunkSize)
    var trainingLabels = softAssignment(
      codes, centers: state.centers.value, degreesOfFreedom: c.degreesOfFreedom
    )
    .argmax(axis: 1)
    if let parallel { trainingLabels = try parallel.gather(trainingLabels) }
    return DCRLModel(
      configuration: c, autoencoder: state.autoencoder, centers: state.centers.value,
      trainingLabels: trainingLabels, history: state.reports, labelChangeGuardStop: state.guardStop)
  }

  /// What one call of `runEpoch` did.
  private enum EpochOutcome {
    /// The epoch ran to its end.
    case finished(DCRLEpochReport)
    /// The label-change guard fired at the start of the epoch; nothing was updated.
    case guardFired(change: Double, threshold: Double)
  }

  /// One epoch: structure pass, mini-batch loop, full-data step (Docs/Algorithm.md#training).
  ///
  /// With `context`, `x` and `truth` are this rank's rows and the structure pass and both steps
  /// are the data-parallel ones.
  private func runEpoch(
    _ state: DCRLTrainingState, input x: Tensor, truth: [Int]?, context: ShardContext?
  ) throws(DCRLError) -> EpochOutcome {
    let c = state.configuration
    let epoch = state.nextEpoch
    let start = ContinuousClock.now
    let weights = EpochWeights(epoch: epoch, configuration: c)
    let latent = state.autoencoder.encodeAll(x, chunkSize: c.fullPassChunkSize)
    let warmUpPartition = epoch < c.warmUpEpochs ? state.initialPartition : nil
    let structure =
      if let context {
        try EpochStructure.computeSharded(
          input: x, latent: latent, centers: state.centers.value,
          previousInputCenters: state.inputCenters, weights: weights, configuration: c,
          warmUpPartition: warmUpPartition, context: context)
      } else {
        try EpochStructure.compute(
          input: x, latent: latent, centers: state.centers.value,
          previousInputCenters: state.inputCenters,
          weights: weights, configuration: c, warmUpPartition: warmUpPartition)
      }
    let n = context?.totalRows ?? x.shape[0]
    let changed = labelChange(from: state.previousLabels, to: structure.labels)
    if let threshold = guardThreshold(epoch: epoch, state: state), changed > threshold {
      return .guardFired(change: changed, threshold: threshold)
    }
    state.inputCenters = structure.inputCenters
    state.previousLabels = structure.labels

    var totals = BatchTotals()
    let order = randomPermutation(n, using: &state.rng)
    let divisor = max(1, n / c.batchSize)
    var step = 0
    for batchStart in stride(from: 0, to: n, by: c.batchSize) {
      let indices = Array(order[batchStart..<min(batchStart + c.batchSize, n)])
      if let context {
        totals.add(
          try state.parallelMiniBatchStep(
            input: x, indices: indices, structure: structure, weights: weights,
            rankingDivisor: divisor, epoch: epoch, step: step, context: context))
      } else {
        totals.add(
          try state.miniBatchStep(
            input: x, indices: indices, structure: structure, weights: weights,
            rankingDivisor: divisor, epoch: epoch, step: step))
      }
      step += 1
    }
    var structureLosses: (isometry: Double, alignment: Double, ranking: Double?)?
    if weights.fullDataStep {
      if let context {
        structureLosses = try state.parallelFullDataStep(
          input: x, structure: structure, weights: weights, epoch: epoch, context: context)
      } else {
        structureLosses = try state.fullDataStep(
          input: x, structure: structure, weights: weights, epoch: epoch)
      }
    }
    var allTruth = truth
    if let context, let truth { allTruth = try context.gather(truth) }
    return .finished(
      epochReport(
        epoch: epoch, weights: weights, totals: totals, structureLosses: structureLosses,
        labels: structure.labels, counts: structure.counts, labelChange: changed,
        truncatedClusters: structure.pairs?.truncatedClusters ?? 0, truth: allTruth,
        seconds: (ContinuousClock.now - start).seconds))
  }

  /// The fraction of labels that differ from the previous epoch's (1 in the first epoch).
  func labelChange(from previous: [Int]?, to labels: [Int]) -> Double {
    previous.map { previous in
      Double(zip(previous, labels).filter { $0 != $1 }.count) / Double(labels.count)
    } ?? 1
  }

  /// The label-change guard's threshold for `epoch`, when the configuration has a guard and it
  /// applies.
  func guardThreshold(epoch: Int, state: DCRLTrainingState) -> Double? {
    let c = state.configuration
    guard let rule = c.stabilization?.labelChangeGuard else { return nil }
    return rule.threshold(
      epoch: epoch, warmUpEpochs: c.warmUpEpochs, changes: state.reports.map(\.labelChange))
  }

  /// The report of a finished epoch.
  func epochReport(
    epoch: Int, weights: EpochWeights, totals: BatchTotals,
    structureLosses: (isometry: Double, alignment: Double, ranking: Double?)?, labels: [Int],
    counts: [Int], labelChange: Double, truncatedClusters: Int, truth: [Int]?, seconds: Double
  ) -> DCRLEpochReport {
    var accuracy: Double?
    var nmi: Double?
    if let truth {
      accuracy = try? clusteringAccuracy(labels, truth)
      nmi = try? normalizedMutualInformation(labels, truth, normalization: .arithmetic)
    }
    return DCRLEpochReport(
      epoch: epoch, weights: weights, clustering: totals.clustering.mean,
      reconstruction: totals.reconstruction.mean,
      ranking: totals.ranking.mean ?? structureLosses?.ranking,
      isometry: structureLosses?.isometry, alignment: structureLosses?.alignment,
      clusterSizes: counts, labelChange: labelChange,
      emptyClusters: counts.filter { $0 == 0 }.count, truncatedClusters: truncatedClusters,
      sizeEntropy: normalizedEntropy(counts), accuracy: accuracy, nmi: nmi, seconds: seconds)
  }
}

/// The running sums of one epoch's mini-batch losses, each over the steps that computed it.
struct BatchTotals {
  /// A sum and the number of values in it.
  struct Total {
    var sum = 0.0
    var count = 0
    /// The mean, `nil` when no step computed the term.
    var mean: Double? { count > 0 ? sum / Double(count) : nil }
    mutating func add(_ value: Double?) {
      guard let value else { return }
      sum += value
      count += 1
    }
  }
  var clustering = Total()
  var reconstruction = Total()
  var ranking = Total()

  mutating func add(_ losses: BatchLosses) {
    clustering.add(losses.clustering)
    reconstruction.add(losses.reconstruction)
    ranking.add(losses.ranking)
  }
}

/// The entropy of the cluster-size distribution divided by log C: 1 for equal sizes, 0 when one
/// cluster holds everything (RELIABILITY D4).
func normalizedEntropy(_ counts: [Int]) -> Double {
  let total = Double(counts.reduce(0, +))
  guard total > 0, counts.count > 1 else { return 0 }
  var entropy = 0.0
  for count in counts where count > 0 {
    let p = Double(count) / total
    entropy -= p * Foundation.log(p)
  }
  return entropy / Foundation.log(Double(counts.count))
}
