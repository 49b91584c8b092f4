// FitCommand: `dcrl fit` — pretrain, initialise and fine-tune DCRL on a matrix or a dataset.

import DCRL
import Datasets
import Distributed
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

/// The flags `fit` and `resume` share for progress and outputs.
let trainingFlags: [Flag] = [
  .option(
    "out", "DIR",
    help: "output folder, new or empty: model/ (model.safetensors, configuration.json, "
      + "preprocessing.json, input.json), latent.npy, labels.npy, epochs.csv, checkpoint/ "
      + "(checkpoints and run.json)"),
  .option("threads", "N", help: "OpenBLAS threads", default: "2"),
  .option("checkpoint-every", "N", help: "epochs between checkpoints", default: "10"),
  .option(
    "data", "DIR",
    help: "folder of the dataset files for dataset names [DCRL_DATA, then ~/.cache/dcrl]"),
  csvHeaderFlag, forceFlag,
]

/// The most units per input feature a default layer has for your own data.
let defaultWidthPerFeature = 10
/// The narrowest a default layer is made for your own data.
let minimumDefaultWidth = 64

enum FitCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl fit",
    summary: "fit DCRL to X (.npy/.npz/.csv or a dataset name) and save the model and outputs",
    flags: [
      .option(
        "input", "X",
        help: "features: X.npy, X.npz, X.csv, or mnist|mnist-test|usps|fashion|reuters"),
      .option(
        "labels", "Y", help: "ground-truth labels (.npy/.npz/.csv), used only to report ACC/NMI"),
      .option(
        "clusters", "C",
        help: "number of clusters, 2 to the number of rows (default: the class count of a "
          + "dataset name or of --labels; required otherwise)"),
      .option(
        "preset", "NAME",
        help: "configuration preset: the recommended DCRL, or the method as published",
        default: "recommended", choices: ["recommended", "paper", "authors-code"]),
      .option("epochs", "N", help: "fine-tuning epochs [preset: 200 recommended, 300 paper]"),
      .option("pretrain-epochs", "N", help: "autoencoder pretraining epochs [preset: 200]"),
      .option(
        "hidden", "LIST",
        help: "encoder hidden sizes, each 1 to \(maximumLayerWidth), e.g. 500,500,2000 [preset; "
          + "for your own data each width is at most \(defaultWidthPerFeature) × the feature "
          + "count, at least \(minimumDefaultWidth)]"),
      .option("latent", "M", help: "latent dimension, 1 to \(maximumLayerWidth) [10]"),
      .option("neighbors", "K", help: "k of the isometry loss [preset: 3]"),
      .option(
        "init", "KIND", help: "centre initialisation [preset: umap-mixture if recommended]",
        choices: ["umap-mixture", "tsne-kmeans", "kmeans"]),
      .option(
        "scale", "KIND", help: "feature scaling before training", default: "none",
        choices: ["none", "minmax", "standard"]),
      .option("seed", "N", help: "random seed [the dataset preset's; 0 for your own data]"),
      .option("expect-acc", "X", help: "exit with status 1 if ACC is below X (needs labels)"),
    ] + trainingFlags)

  static func run(_ arguments: ParsedArguments) throws {
    if let ranks = DistributedLaunch.launchedRanks, ranks > 1 {
      return try runDistributed(arguments)
    }
    guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
    guard let outPath = arguments.string("out") else { throw UsageError("--out is required") }
    let force = arguments.isSet("force")
    try RunFolder.check(
      outPath, force: force,
      inputs: [("input", arguments.string("input")), ("labels", arguments.string("labels"))])
    let threads = try applyThreads(arguments)
    let interval = try checkpointInterval(arguments)
    let header = csvHeader(arguments)
    let input = try loadInput(inputName, dataRoot: arguments.string("data"), header: header)
    var labels = input.labels
    if let path = arguments.string("labels") { labels = try loadLabels(path, header: header) }
    var configuration = try makeConfiguration(arguments, input: input, labels: labels)
    let expectedAccuracy = try expectedAccuracy(arguments, labels: labels)
    try validateFit(
      configuration, rows: input.features.shape[0], features: input.features.shape[1],
      name: inputName, labels: labels)
    try configuration.validate()
    let preprocessing = try Preprocessing(fitting: arguments.string("scale")!, to: input.features)
    let x = try preprocessing.apply(input.features)
    let record = RunRecord(
      configuration: configuration, preprocessing: preprocessing,
      input: InputFingerprint(input.features))

    let folder = try RunFolder(creating: outPath, replacing: force)
    var accuracy: Double?
    try folder.run {
      let session = try TrainingSession(
        out: folder.url, total: configuration.epochs,
        pretrainingTotal: configuration.pretraining.epochs, interval: interval, input: inputName,
        threads: threads)
      // `resume` reads the configuration, scaling and input fingerprint back from here.
      try record.save(in: session.checkpoints.directory)
      print(
        "dcrl fit: \(input.name), \(x.shape[0]) samples × \(x.shape[1]) features → \(configuration.clusters) clusters"
      )
      let trainer = DCRLTrainer(configuration: configuration)
      let autoencoder = try trainer.pretrain(
        x, checkpoints: session.checkpoints, progress: session.onPretrainingEpoch)
      try session.checkPretrainingInterrupted(epochs: configuration.pretraining.epochs)
      configuration = trainer.configuration
      let model = try trainer.fit(
        x, labels: labels, autoencoder: autoencoder, checkpoints: session.checkpoints,
        progress: session.onEpoch)
      try session.checkInterrupted(epochs: configuration.epochs)
      accuracy = try session.finish(model, x: x, labels: labels, record: record)
    }
    // A run below the expected accuracy is complete: its outputs stay, and the status says so.
    if let expectedAccuracy, let accuracy, accuracy < expectedAccuracy {
      throw CommandFailure(
        "ACC \(String(format: "%.4f", accuracy)) is below --expect-acc \(expectedAccuracy)")
    }
  }

  /// The preset for the input, with the flags applied.
  static func makeConfiguration(
    _ arguments: ParsedArguments, input: LoadedInput, labels: [Int]?
  ) throws -> DCRLConfiguration {
    let benchmark = input.dataset.map(benchmarkKey)
    let preset = arguments.string("preset")!
    var c: DCRLConfiguration
    if let benchmark {
      switch preset {
      case "recommended": c = .recommended(for: benchmark)
      case "paper": c = .paper(for: benchmark)
      default: c = .authorsCode(for: benchmark)
      }
    } else {
      c = preset == "recommended" ? DCRLConfiguration() : .published
      if preset == "authors-code" {
        c.hiddenSizes = [500, 500, 500, 2000]
        c.isometryNeighbors = 5
      }
      // Your own data: no layer wider than the input warrants (10 × its features, at least 64).
      let widest = max(minimumDefaultWidth, defaultWidthPerFeature * input.features.shape[1])
      c.hiddenSizes = c.hiddenSizes.map { min($0, widest) }
    }
    if let clusters = try arguments.value("clusters", as: Int.self) {
      c.clusters = clusters
    } else if let labels, benchmark == nil {
      c.clusters = Set(labels).count
    } else if benchmark == nil {
      throw UsageError(
        "--clusters is required for your own data (or pass --labels to count the classes)")
    }
    let presetEpochs = c.epochs
    if let value = try arguments.value("epochs", as: Int.self) { c.epochs = value }
    if let value = try arguments.value("pretrain-epochs", as: Int.self) {
      c.pretraining.epochs = value
    }
    if let value = try arguments.list("hidden", as: Int.self) { c.hiddenSizes = value }
    if let value = try arguments.value("latent", as: Int.self) { c.latentDimension = value }
    if let value = try arguments.value("neighbors", as: Int.self) { c.isometryNeighbors = value }
    if let value = try arguments.value("seed", as: UInt64.self) { c.seed = value }
    if let kind = arguments.string("init") {
      c.centerInitialization = CenterInitialization(rawValue: kind)!
    }
    if c.epochs < presetEpochs {
      // Short runs keep the preset's shape: α reaches 0 at the same fraction of the run (half
      // of it in the paper's 300 epochs, three quarters in the recommended 200).
      c.scheduleEnd = max(1, c.scheduleEnd * c.epochs / presetEpochs)
      c.warmUpEpochs = min(c.warmUpEpochs, max(0, c.scheduleEnd - 1))
    }
    return c
  }

  static func benchmarkKey(_ name: DatasetName) -> DCRLConfiguration.Benchmark {
    switch name {
    case .mnistFull: return .mnistFull
    case .mnistTest: return .mnistTest
    case .usps: return .usps
    case .fashionMNIST: return .fashionMNIST
    case .reutersR8: return .reuters
    }
  }
}
