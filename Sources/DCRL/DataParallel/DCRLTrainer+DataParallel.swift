// DCRLTrainer+DataParallel: DCRL fine-tuning with the rows split over the ranks of a
// Communicator — the start, the epochs and the model, each rank holding its own block of rows.

import Clustering
import Distributed
import Foundation
import Manifold
import Metrics
import Tensor

extension DCRLTrainer {
  /// Fine-tunes `autoencoder` data-parallel: each rank of `communicator` passes its own contiguous
  /// block of the rows (rank 0 the first) and, optionally, their labels for the per-epoch scores.
  ///
  /// Every rank draws the single-process run's batch orders, computes the part of each step
  /// that falls on its rows, and takes the step after one all-reduce of the gradients, so the
  /// result equals ``fit(_:labels:autoencoder:checkpoints:progress:pretrainingProgress:)`` on all
  /// rows up to floating-point summation order. The centre initialisation runs on rank 0 (on
  /// the gathered codes, or the gathered first rows for the t-SNE start) and is broadcast.
  /// Every rank returns the same model, whose ``DCRLModel/trainingLabels`` cover all rows in
  /// global order. Only rank 0 writes checkpoints; their state does not depend on the number
  /// of ranks, so ``resume(shard:communicator:from:labels:checkpoints:progress:)`` may continue
  /// one with another number of ranks.
  ///
  /// Memory per rank: its `n_r × D` rows, one model with its two Adam states, and `O(N·(m + k))`
  /// for the gathered codes, labels and L_iso pairs. Communication per mini-batch step: one
  /// all-reduce of the `P + C·m` gradients; per epoch: the structure pass (an all-gather of the
  /// `N` labels and, in structure epochs, of the `N × m` codes and the `N·k` pairs, plus the
  /// rows other ranks' pairs reach) and one all-reduce of the encoder's gradients.
  ///
  /// - Throws: What the single-process `fit` throws, ``DCRLError/unsupported(_:)`` for the
  ///   batch-structure ablation, and ``DCRLError/distributed(_:)`` when a collective fails.
  public func fit(
    shard x: Tensor, communicator: any Communicator, labels: [Int]? = nil,
    autoencoder: Autoencoder, checkpoints: CheckpointPolicy? = nil,
    progress: (DCRLEpochReport) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> DCRLModel {
    try configuration.validate()
    let data = x.moved(to: backend)
    try validateFeatures(data, expectedFeatures: autoencoder.inputDimension)
    try validateLabels(labels, samples: data.shape[0])
    let context = try ShardContext.make(
      rows: data.shape[0], features: data.shape[1], communicator: communicator)
    guard context.totalRows >= configuration.clusters else {
      throw .clustering(
        .tooFewSamples(samples: context.totalRows, clusters: configuration.clusters))
    }
    try checkAutoencoder(autoencoder, features: data.shape[1])
    if context.rank == 0 { try checkpoints?.checkWritable() }
    try collective { () throws(DistributedError) in
      try broadcastParameters(autoencoder.parameters, from: 0, communicator)
    }
    let start = try parallelStartingPartition(
      autoencoder: autoencoder, input: data, context: context)
    let state = initialState(autoencoder: autoencoder, start: start)
    return try train(
      state, input: data, labels: labels, checkpoints: checkpoints, parallel: context,
      progress: progress)
  }

  /// Continues, data-parallel, the run saved in the checkpoint at `url` (written by a run on any
  /// number of ranks, or by one process) to the configured number of epochs.
  public func resume(
    shard x: Tensor, communicator: any Communicator, from url: URL, labels: [Int]? = nil,
    checkpoints: CheckpointPolicy? = nil,
    progress: (DCRLEpochReport) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> DCRLModel {
    let (state, data) = try restoredRun(from: url, input: x, labels: labels)
    let context = try ShardContext.make(
      rows: data.shape[0], features: data.shape[1], communicator: communicator)
    if let previous = state.previousLabels, previous.count != context.totalRows {
      throw .input(
        .lengthMismatch(
          parameter: "x (all ranks)", count: context.totalRows, other: "the checkpoint's run",
          otherCount: previous.count))
    }
    if context.rank == 0 { try checkpoints?.checkWritable() }
    return try train(
      state, input: data, labels: labels, checkpoints: checkpoints, parallel: context,
      progress: progress)
  }

  /// The starting centres, input centres and (for the UMAP + mixture start) the partition of all
  /// rows, computed on rank 0 and broadcast.
  func parallelStartingPartition(
    autoencoder: Autoencoder, input x: Tensor, context: ShardContext
  ) throws(DCRLError) -> (centers: Tensor, inputCenters: Tensor, labels: [Int]?) {
    let c = configuration
    let m = c.latentDimension
    let d = x.shape[1]
    if c.centerInitialization == .umapThenMixture {
      // UMAP and the mixture of all codes on rank 0; the partition goes to every rank, which
      // then forms both kinds of centres from it.
      let codes = try context.gatherRows(autoencoder.encodeAll(x, chunkSize: c.fullPassChunkSize))
      var labels: [Int] = []
      if context.rank == 0 {
        labels = try mixturePartition(codes: codes)
      }
      let broadcast = try collective { () throws(DistributedError) in
        try context.communicator.broadcastArray(labels.map { Int64($0) }, root: 0)
      }
      labels = broadcast.map { Int($0) }
      var counts = [Int](repeating: 0, count: c.clusters)
      for label in labels { counts[label] += 1 }
      return (
        clusterMeans(codes, labels: labels, clusters: c.clusters, fallback: nil),
        try globalClusterMeans(
          x, localLabels: Array(labels[context.shard.range]), counts: counts, fallback: nil,
          context: context),
        labels
      )
    }
    // The t-SNE or k-means start uses the first rows: gathered to every rank, fitted on rank 0.
    // A rank whose block starts at or after the subset's end contributes no rows.
    let count = min(context.totalRows, c.initializationSubsetSize)
    let base = context.shard.range.lowerBound
    let end = max(base, min(context.shard.range.upperBound, count))
    let subset = try context.gatherRows(x.rows(0..<(end - base)))
    var flat: [Double] = []
    if context.rank == 0 {
      let start = try startingPartition(autoencoder: autoencoder, input: subset)
      flat = start.centers.doubles + start.inputCenters.doubles
    }
    let values = try collective { () throws(DistributedError) in
      try context.communicator.broadcastArray(flat, root: 0)
    }
    let split = c.clusters * m
    return (
      Tensor(
        converting: Array(values[..<split]), shape: [c.clusters, m], dtype: x.dtype, on: x.backend),
      Tensor(
        converting: Array(values[split...]), shape: [c.clusters, d], dtype: x.dtype, on: x.backend),
      nil
    )
  }

  /// UMAP of `codes` to C dimensions and a Gaussian mixture there (the UMAP + mixture start).
  func mixturePartition(codes: Tensor) throws(DCRLError) -> [Int] {
    let c = configuration
    let umap = n2dUMAPConfiguration(
      clusters: c.clusters, neighbors: min(20, codes.shape[0] - 1), seed: c.seed,
      threads: startUMAPThreads)
    let embedding = try manifold { () throws(ManifoldError) in
      try UMAP(configuration: umap).fit(codes)
    }
    return try clustering { () throws(ClusteringError) in
      try GaussianMixture(
        components: c.clusters, covariance: .full, runs: c.initializationMixtureStarts ?? 1,
        seed: c.seed
      ).fit(embedding.embedding).labels
    }
  }
}
