// Experiment: data, shared pretraining and methods for the table reproductions, with a quick
// mode that shrinks everything so every table runs end to end in minutes.

import Baselines
import DCRL
import Datasets
import Foundation
import NN
import Tensor
import _CommandLineSupport

/// The method keys `--methods` accepts, in the paper's table order.
let methodKeys = [
  "kmeans", "sc", "ae-kmeans", "dec", "idec", "n2d", "n2d-starts10", "n2d-published",
  "n2d-published-starts10", "dcrl",
  "dcrl-recommended",
]

/// Which pretrained autoencoder a method gets.
enum AutoencoderRecipe {
  /// The shared one of the `--preset` (DCRL's pretraining), as every deep method gets.
  case shared
  /// N2D's published recipe: a plain (noise-free) autoencoder, Adam 1e-3, batch 256, 1000
  /// epochs.
  case n2dPublished

  /// The recipe of a method key.
  init(method key: String) {
    self = key.hasPrefix("n2d-published") ? .n2dPublished : .shared
  }
}

/// Data, pretrained autoencoders and method factories shared by every table.
struct Experiment {
  var quick: Bool
  /// Where the datasets are found (and downloaded to).
  var data: DatasetStore
  var preset: String
  var store: RunStore
  var log: (String) -> Void

  /// Rows used per dataset in quick mode.
  static let quickRows = 800

  /// Loads a dataset by its `DatasetName` raw value (the first rows only in quick mode).
  func load(_ key: String) throws -> LabeledDataset {
    guard let name = DatasetName(rawValue: key) else {
      throw UsageError(
        "unknown dataset '\(key)'; choose from \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    let data = try LabeledDataset.load(name, from: self.data.directory(for: name))
    return quick ? data.rows(0..<min(Self.quickRows, data.count)) : data
  }

  /// The DCRL configuration of a dataset for one seed (shrunk in quick mode): the `--preset`
  /// one, or the recommended one when `recommended` is set.
  func dcrlConfiguration(_ key: String, classes: Int, seed: Int, recommended: Bool = false)
    -> DCRLConfiguration
  {
    let benchmark: DCRLConfiguration.Benchmark
    switch GeneralisationSplit.dataset(ofKey: key) {
    case "mnist-full": benchmark = .mnistFull
    case "mnist-test": benchmark = .mnistTest
    case "usps": benchmark = .usps
    case "fashion-mnist": benchmark = .fashionMNIST
    default: benchmark = .reuters
    }
    var c =
      preset == "paper" ? DCRLConfiguration.paper(for: benchmark) : .authorsCode(for: benchmark)
    if recommended { c = .recommended(for: benchmark) }
    c.clusters = classes
    c.seed = UInt64(seed)
    if quick {
      c.pretraining.epochs = 3
      c.epochs = 4
      c.warmUpEpochs = 1
      c.scheduleEnd = 2
      c.initializationSubsetSize = min(c.initializationSubsetSize, Self.quickRows)
    }
    return c
  }

  /// The shared pretrained autoencoder of `key` and `seed`, cached in the store.
  ///
  /// Pretraining writes a checkpoint every 10 epochs to `pretrained/<name>-checkpoint/`; an
  /// interrupted pretraining resumes there when the command is run again (a checkpoint of
  /// another configuration is replaced), and the folder is removed once the weights are saved.
  func pretrained(
    _ key: String, x: Tensor, classes: Int, seed: Int, recipe: AutoencoderRecipe = .shared
  ) throws -> Autoencoder {
    var c = dcrlConfiguration(key, classes: classes, seed: seed)
    var recipeName = preset
    if case .n2dPublished = recipe {
      c.pretraining.epochs = quick ? 3 : 1000
      c.pretraining.noise = 0
      c.pretraining.optimizer = .adam(learningRate: 1e-3)
      c.pretraining.batchSize = 256
      c.pretraining.layerWise = nil
      recipeName = "n2d-published"
    }
    let folder = store.root.appendingPathComponent("pretrained", isDirectory: true)
    let name = "\(key)-\(recipeName)-seed\(seed)\(quick ? "-quick" : "")"
    let file = folder.appendingPathComponent("\(name).safetensors")
    var rng = Xoshiro256(seed: UInt64(seed))
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: c.hiddenSizes, latentDimension: c.latentDimension,
      using: &rng)
    if FileManager.default.fileExists(atPath: file.path) {
      try autoencoder.loadParameters(from: file)
      return autoencoder
    }
    let trainer = DCRLTrainer(configuration: c)
    let checkpoints = CheckpointPolicy(
      directory: folder.appendingPathComponent("\(name)-checkpoint", isDirectory: true),
      interval: 10)
    let progress = { (epoch: PretrainingEpoch) -> ProgressAction in
      if epoch.epoch % 20 == 19 {
        log("  pretraining epoch \(epoch.epoch + 1): loss \(epoch.loss)")
      }
      return .continue
    }
    let start = ContinuousClock.now
    var earlierSeconds = 0.0
    let trained: Autoencoder
    if let summary = resumablePretraining(checkpoints, trainer: trainer, features: x.shape[1]) {
      log(
        "pretraining the shared autoencoder for \(key), seed \(seed): resuming \(checkpoints.pretrainingFile.path) at epoch \(summary.nextEpoch)"
      )
      earlierSeconds = summary.seconds
      trained = try AutoencoderPretrainer.resume(
        from: checkpoints.pretrainingFile, input: x, checkpoints: checkpoints, progress: progress)
    } else {
      log(
        "pretraining the shared autoencoder for \(key), seed \(seed) (\(c.pretraining.epochs) epochs)"
      )
      trained = try trainer.pretrain(x, checkpoints: checkpoints, progress: progress)
    }
    let seconds = (ContinuousClock.now - start).seconds + earlierSeconds
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try trained.saveParameters(to: file, metadata: ["seconds": "\(seconds)"])
    try? FileManager.default.removeItem(at: checkpoints.directory)
    log("pretraining done in \(Int(seconds)) s")
    return trained
  }

  /// The pretraining checkpoint in `checkpoints` if it continues `trainer`'s pretraining on
  /// data of `features` columns; `nil` (after saying why) when there is none or it does not.
  private func resumablePretraining(
    _ checkpoints: CheckpointPolicy, trainer: DCRLTrainer, features: Int
  ) -> PretrainingCheckpoint.Summary? {
    let file = checkpoints.pretrainingFile
    guard FileManager.default.fileExists(atPath: file.path) else { return nil }
    do {
      let summary = try PretrainingCheckpoint.summary(at: file)
      let c = trainer.configuration
      guard summary.configuration == trainer.pretrainingConfiguration,
        summary.inputDimension == features, summary.hiddenSizes == c.hiddenSizes,
        summary.latentDimension == c.latentDimension
      else {
        log("  \(file.path) was written for another configuration; pretraining from the start")
        return nil
      }
      return summary
    } catch {
      log("  cannot resume the pretraining checkpoint: \(error); pretraining from the start")
      return nil
    }
  }

  /// The context of one cell's fit: the shared autoencoder, fine-tuning checkpoints in the
  /// cell's folder (so a multi-hour DCRL cell that is interrupted resumes at its last
  /// checkpoint), and a progress line every 10 epochs.
  func context(
    autoencoder: Autoencoder?, _ experiment: String, _ dataset: String, _ key: String, seed: Int
  ) -> MethodContext {
    let directory = store.directory(experiment, dataset, key, seed: seed)
      .appendingPathComponent("checkpoint", isDirectory: true)
    return MethodContext(
      autoencoder: autoencoder, checkpoints: CheckpointPolicy(directory: directory, interval: 10),
      progress: { progress in
        if case .epoch(let epoch)? = progress.step, epoch % 10 != 9 { return }
        log("  " + progress.message)
      })
  }

  /// The fine-tuning epoch an interrupted cell resumes at (0 when it starts afresh; a
  /// checkpoint that cannot be read makes the fit itself throw, naming the file).
  func resumedEpoch(_ context: MethodContext, method: any ClusteringMethod) -> Int {
    guard let dcrl = method as? DCRLMethod, let epoch = try? dcrl.resumableEpoch(in: context)
    else { return 0 }
    return epoch
  }

  /// The wall time of a cell: this process's part plus, for a resumed DCRL run, the epochs
  /// before the resume as their reports measured them (the interrupted run's pretraining-free
  /// initialisation is not included).
  func cellSeconds(_ measured: Double, fitted: Any, resumedAt epoch: Int) -> Double {
    guard epoch > 0, let model = fitted as? DCRLModel else { return measured }
    return measured + model.history.prefix(epoch).reduce(0) { $0 + $1.seconds }
  }

  /// Removes a finished cell's checkpoint folder.
  func removeCheckpoints(_ context: MethodContext) {
    guard let directory = context.checkpoints?.directory else { return }
    try? FileManager.default.removeItem(at: directory)
  }

  /// The method of `key` for `classes` clusters and `seed`.
  func method(_ key: String, dataset: String, classes: Int, seed: Int) throws
    -> any ClusteringMethod
  {
    let s = UInt64(seed)
    switch key {
    case "kmeans": return KMeansMethod(clusters: classes, seed: s)
    case "sc": return SpectralMethod(clusters: classes, seed: s)
    case "ae-kmeans": return AutoencoderKMeansMethod(clusters: classes, seed: s)
    case "dec", "idec":
      var c = DeepEmbeddedClustering.Configuration(
        variant: key == "dec" ? .dec : .idec, clusters: classes)
      c.seed = s
      if quick {
        c.maxIterations = 20
        c.updateInterval = 5
      }
      return DeepEmbeddedClustering(configuration: c)
    case "n2d", "n2d-starts10":
      var n2d =
        preset == "paper"
        ? N2DMethod.paper(clusters: classes) : N2DMethod.authorsCode(clusters: classes)
      if key == "n2d-starts10" { n2d.mixtureRuns = 10 }
      return n2d
    case "n2d-published", "n2d-published-starts10":
      // run.sh of N2D's release: 20 neighbours whatever the preset; its own autoencoder
      // (AutoencoderRecipe.n2dPublished) comes from the cell. The starts10 key changes only the
      // mixture: the most likely of ten starts instead of the release's one.
      var n2d = N2DMethod.paper(clusters: classes)
      if key == "n2d-published-starts10" { n2d.mixtureRuns = 10 }
      return n2d
    case "dcrl":
      return DCRLMethod(configuration: dcrlConfiguration(dataset, classes: classes, seed: seed))
    case "dcrl-recommended":
      return DCRLMethod(
        configuration: dcrlConfiguration(dataset, classes: classes, seed: seed, recommended: true))
    default:
      throw UsageError("unknown method '\(key)'; choose from \(methodKeys.joined(separator: ", "))")
    }
  }
}

/// Mean and sample standard deviation.
func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
  guard !values.isEmpty else { return (.nan, .nan) }
  let mean = values.reduce(0, +) / Double(values.count)
  guard values.count > 1 else { return (mean, 0) }
  let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
  return (mean, variance.squareRoot())
}
