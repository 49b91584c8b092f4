// TableCells: computing one cell of each table — fit a method, score it, store it.

import Baselines
import Classifiers
import DCRL
import Datasets
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

extension Experiment {
  /// ACC, NMI (both normalisers) and ARI of `predicted` against `truth`.
  func scores(_ predicted: [Int], _ truth: [Int], prefix: String = "") throws -> [String: Double] {
    [
      prefix + "acc": try clusteringAccuracy(predicted, truth),
      prefix + "nmi_geometric": try normalizedMutualInformation(
        predicted, truth, normalization: .geometric),
      prefix + "nmi_arithmetic": try normalizedMutualInformation(
        predicted, truth, normalization: .arithmetic),
      prefix + "ari": try adjustedRandIndex(predicted, truth),
    ]
  }

  /// A DCRL model's own figures for its cell (epochs, fine-tuning seconds and the largest share
  /// of labels changed in one epoch after the warm-up); none for other methods.
  func dcrlValues(_ fitted: any FittedClusteringMethod) -> [String: Double] {
    guard let model = fitted as? DCRLModel else { return [:] }
    return [
      "epochs": Double(model.history.count), "fine_tuning_seconds": model.fineTuningSeconds,
      "max_label_change_after_warm_up": model.maxLabelChangeAfterWarmUp,
    ]
  }

  /// Table 1: a method fitted to a whole dataset (transductive), scored on it; the embedding of
  /// the data and the labels are kept for Table 3.
  func clusteringCell(_ key: String, dataset: String, data: LabeledDataset, seed: Int) throws
    -> CellResult
  {
    if let saved = store.load("table1", dataset, key, seed: seed) { return saved }
    let method = try method(key, dataset: dataset, classes: data.classCount, seed: seed)
    let autoencoder =
      method.needsAutoencoder
      ? try pretrained(
        dataset, x: data.features, classes: data.classCount, seed: seed,
        recipe: AutoencoderRecipe(method: key)) : nil
    log("table 1: \(method.name) on \(dataset), seed \(seed)")
    let context = self.context(autoencoder: autoencoder, "table1", dataset, key, seed: seed)
    let resumed = resumedEpoch(context, method: method)
    let start = ContinuousClock.now
    let fitted = try method.fit(data.features, context: context)
    let seconds = cellSeconds(
      (ContinuousClock.now - start).seconds, fitted: fitted, resumedAt: resumed)
    var values = try scores(fitted.trainingLabels, data.labels)
    if resumed > 0 { values["resumed_at_epoch"] = Double(resumed) }
    var arrays: [String: Tensor] = [:]
    if let embedding = try fitted.trainingEmbedding ?? fitted.embed(data.features) {
      arrays["embedding"] = embedding
    }
    if key.hasPrefix("n2d"), let autoencoder {
      // The codes N2D's manifold step started from, so that Scripts/peer/n2d_peer.py can run
      // umap-learn and scikit-learn's mixture on exactly the same input.
      arrays["codes"] = autoencoder.encodeAll(data.features)
    }
    values.merge(dcrlValues(fitted)) { $1 }
    if let model = fitted as? DCRLModel { arrays["centers"] = model.centers }
    if let dec = fitted as? FittedDEC { values["iterations"] = Double(dec.iterations) }
    let result = CellResult(values: values, seconds: seconds, finished: Date().description)
    try store.save(
      result, "table1", dataset, key, seed: seed, arrays: arrays,
      labels: ["predicted": fitted.trainingLabels])
    if let model = fitted as? DCRLModel {
      try writeEpochLog(
        model.history, to: store.directory("table1", dataset, key, seed: seed))
    }
    removeCheckpoints(context)
    log(
      "  \(method.name): ACC \(formatted(values["acc"]!, decimals: 4)) NMI \(formatted(values["nmi_geometric"]!, decimals: 4)) in \(Int(seconds)) s"
    )
    return result
  }

  /// Table 2: a method fitted on the first 50,000 images of a split and evaluated on them and on
  /// the last 20,000; both embeddings are kept for Table 4.
  func generalisationCell(_ key: String, split: GeneralisationSplit, seed: Int) throws
    -> CellResult
  {
    let (training, test) = (split.training, split.test)
    if let saved = store.load("table2", split.key, key, seed: seed) { return saved }
    let method = try method(key, dataset: split.key, classes: training.classCount, seed: seed)
    let autoencoder =
      method.needsAutoencoder
      ? try pretrained(
        split.key, x: training.features, classes: training.classCount, seed: seed,
        recipe: AutoencoderRecipe(method: key)) : nil
    log("table 2: \(method.name) on \(split.title) 50k/20k, seed \(seed)")
    let context = self.context(autoencoder: autoencoder, "table2", split.key, key, seed: seed)
    let resumed = resumedEpoch(context, method: method)
    let start = ContinuousClock.now
    let fitted = try method.fit(training.features, context: context)
    let predictedTest = try fitted.predict(test.features)
    let seconds = cellSeconds(
      (ContinuousClock.now - start).seconds, fitted: fitted, resumedAt: resumed)
    var values = try scores(fitted.trainingLabels, training.labels, prefix: "train_")
    if resumed > 0 { values["resumed_at_epoch"] = Double(resumed) }
    values.merge(try scores(predictedTest, test.labels, prefix: "test_")) { $1 }
    values.merge(dcrlValues(fitted)) { $1 }
    var arrays: [String: Tensor] = [:]
    if let embedding = try fitted.embed(training.features) { arrays["train-embedding"] = embedding }
    if let embedding = try fitted.embed(test.features) { arrays["test-embedding"] = embedding }
    let result = CellResult(values: values, seconds: seconds, finished: Date().description)
    try store.save(result, "table2", split.key, key, seed: seed, arrays: arrays)
    if let model = fitted as? DCRLModel {
      try writeEpochLog(model.history, to: store.directory("table2", split.key, key, seed: seed))
    }
    removeCheckpoints(context)
    log(
      "  \(method.name): train ACC \(formatted(values["train_acc"]!, decimals: 4)), test ACC \(formatted(values["test_acc"]!, decimals: 4)) in \(Int(seconds)) s"
    )
    return result
  }

  /// Table 3: the six structure metrics of a method's embedding of a whole dataset (from its
  /// Table 1 cell), with CRA between true class means; for DCRL also between the predicted
  /// clusters' input means and the learned centres (Docs/Algorithm.md#presets).
  func structureCell(_ key: String, dataset: String, data: LabeledDataset, seed: Int) throws
    -> CellResult?
  {
    if let saved = store.load("table3", dataset, key, seed: seed) { return saved }
    _ = try clusteringCell(key, dataset: dataset, data: data, seed: seed)
    guard let embedding = try store.array("embedding", "table1", dataset, key, seed: seed) else {
      return nil
    }
    log("table 3: structure metrics of \(key) on \(dataset)")
    let start = ContinuousClock.now
    let report = try structureMetrics(
      data.features, embedding, neighbors: 3...7, classLabels: data.labels)
    var values = [
      "rre": report.relativeRankError, "trust": report.trustworthiness, "cont": report.continuity,
      "rmre": report.rootMeanReconstructionError, "lgd": report.localGeometricDistortion,
    ]
    if let cra = report.clusterRankAccuracy { values["cra"] = cra }
    if let centers = try store.array("centers", "table1", dataset, key, seed: seed) {
      let predicted = try NPY.read(
        from: store.directory("table1", dataset, key, seed: seed).appendingPathComponent(
          "predicted.npy")
      ).labels()
      // Clusters that ended empty have no input mean; compare the others (ascending order,
      // as labelMeans returns them).
      let present = Array(Set(predicted)).sorted()
      values["cra_internal"] = try clusterRankAccuracy(
        inputCenters: try labelMeans(data.features, labels: predicted),
        latentCenters: centers.gatheringRows(present))
    }
    let result = CellResult(
      values: values, seconds: (ContinuousClock.now - start).seconds, finished: Date().description)
    try store.save(result, "table3", dataset, key, seed: seed)
    return result
  }

  /// Table 4: the four classifiers (scikit-learn 0.21 defaults) trained on a method's embedding
  /// of the 50,000 training images and scored on its embedding of the 20,000 test images; the
  /// pretrained autoencoder's own codes form the "AE" row.
  func downstreamCell(_ key: String, split: GeneralisationSplit, seed: Int) throws -> CellResult? {
    let (training, test) = (split.training, split.test)
    if let saved = store.load("table4", split.key, key, seed: seed) { return saved }
    var trainEmbedding: Tensor
    var testEmbedding: Tensor
    if key == "ae" {
      let autoencoder = try pretrained(
        split.key, x: training.features, classes: training.classCount, seed: seed)
      trainEmbedding = autoencoder.encodeAll(training.features)
      testEmbedding = autoencoder.encodeAll(test.features)
    } else {
      _ = try generalisationCell(key, split: split, seed: seed)
      guard let a = try store.array("train-embedding", "table2", split.key, key, seed: seed),
        let b = try store.array("test-embedding", "table2", split.key, key, seed: seed)
      else { return nil }
      (trainEmbedding, testEmbedding) = (a, b)
    }
    var values: [String: Double] = [:]
    let start = ContinuousClock.now
    for classifier in DownstreamClassifier.allCases {
      log("table 4: \(classifier.tableName) on \(key) embeddings")
      let model = try classifier.fit(
        trainEmbedding, labels: training.labels, preset: .sklearn021, seed: UInt64(seed))
      values[classifier.tableName] = try model.score(testEmbedding, labels: test.labels)
    }
    let result = CellResult(
      values: values, seconds: (ContinuousClock.now - start).seconds, finished: Date().description)
    try store.save(result, "table4", split.key, key, seed: seed)
    return result
  }

  /// Table 5: one ablation variant of DCRL on a dataset, with clustering and structure metrics.
  func ablationCell(
    _ ablation: DCRLConfiguration.Ablation, dataset: String, data: LabeledDataset, seed: Int
  ) throws -> CellResult {
    if let saved = store.load("table5", dataset, ablation.rawValue, seed: seed) { return saved }
    if ablation == .none, let full = store.load("table1", dataset, "dcrl", seed: seed),
      let codes = try store.array("embedding", "table1", dataset, "dcrl", seed: seed)
    {
      // The full model is Table 1's DCRL cell: reuse it rather than train it again.
      log("table 5: full DCRL on \(dataset) from the Table 1 cell")
      var values = full.values
      values.merge(try structureValues(data, codes)) { $1 }
      let result = CellResult(values: values, seconds: full.seconds, finished: full.finished)
      try store.save(result, "table5", dataset, ablation.rawValue, seed: seed)
      return result
    }
    var configuration = dcrlConfiguration(dataset, classes: data.classCount, seed: seed)
    configuration.ablation = ablation
    let autoencoder = try pretrained(
      dataset, x: data.features, classes: data.classCount, seed: seed)
    log("table 5: DCRL (\(ablation.rawValue)) on \(dataset), seed \(seed)")
    let method = DCRLMethod(configuration: configuration)
    let context = self.context(
      autoencoder: autoencoder, "table5", dataset, ablation.rawValue, seed: seed)
    let resumed = resumedEpoch(context, method: method)
    let start = ContinuousClock.now
    let model = try method.fit(data.features, context: context)
    let seconds = cellSeconds(
      (ContinuousClock.now - start).seconds, fitted: model, resumedAt: resumed)
    var values = try scores(model.trainingLabels, data.labels)
    if resumed > 0 { values["resumed_at_epoch"] = Double(resumed) }
    let codes = try model.embed(data.features)!
    let report = try structureMetrics(
      data.features, codes, neighbors: 3...7, classLabels: data.labels)
    values.merge([
      "rre": report.relativeRankError, "trust": report.trustworthiness, "cont": report.continuity,
      "rmre": report.rootMeanReconstructionError, "lgd": report.localGeometricDistortion,
      "cra": report.clusterRankAccuracy ?? .nan,
    ]) { $1 }
    let result = CellResult(values: values, seconds: seconds, finished: Date().description)
    try store.save(
      result, "table5", dataset, ablation.rawValue, seed: seed, arrays: ["embedding": codes])
    removeCheckpoints(context)
    log(
      "  (\(ablation.rawValue)): ACC \(formatted(values["acc"]!, decimals: 4)) in \(Int(seconds)) s"
    )
    return result
  }

  /// RRE, Trust, Cont, RMRE, LGD and CRA (true class means) of an embedding of `data`.
  func structureValues(_ data: LabeledDataset, _ codes: Tensor) throws -> [String: Double] {
    let report = try structureMetrics(
      data.features, codes, neighbors: 3...7, classLabels: data.labels)
    return [
      "rre": report.relativeRankError, "trust": report.trustworthiness, "cont": report.continuity,
      "rmre": report.rootMeanReconstructionError, "lgd": report.localGeometricDistortion,
      "cra": report.clusterRankAccuracy ?? .nan,
    ]
  }
}
