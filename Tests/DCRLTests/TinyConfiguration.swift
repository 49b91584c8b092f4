// The tiny DCRL configuration the trainer tests share: it trains on the synthetic mixture in
// well under a second.

import DCRL

/// A tiny configuration: 10 clusters, a 16-unit autoencoder with 3-d codes, k-means centres, the
/// published fine-tuning loop (no stabilisation).
func tinyDCRLConfiguration(
  epochs: Int = 3, warmUpEpochs: Int = 0, scheduleEnd: Int? = nil, batchSize: Int = 16,
  pretrainingEpochs: Int = 2, pretrainingBatchSize: Int = 16, kMeansRuns: Int = 2
) -> DCRLConfiguration {
  var c = DCRLConfiguration()
  c.hiddenSizes = [16]
  c.latentDimension = 3
  c.clusters = 10
  c.epochs = epochs
  c.warmUpEpochs = warmUpEpochs
  c.scheduleEnd = scheduleEnd ?? max(1, epochs)
  c.batchSize = batchSize
  c.pretraining.epochs = pretrainingEpochs
  c.pretraining.batchSize = pretrainingBatchSize
  c.centerInitialization = .kMeans
  c.stabilization = nil
  c.initializationKMeansRuns = kMeansRuns
  return c
}
