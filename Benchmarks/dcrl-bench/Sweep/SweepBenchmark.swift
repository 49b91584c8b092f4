// dcrl-bench sweep: DCRL variants on one dataset and several seeds, each run stored and
// resumable, with variants that share a prefix of epochs branching from one checkpoint.

import DCRL
import Datasets
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

enum SweepBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench sweep",
    summary: "compare DCRL variants per seed; shared epochs run once and are branched from",
    flags: [
      .option(
        "dataset", "NAME", help: "dataset key (mnist-test, usps, mnist-full, …)", default: "usps"),
      .option("seeds", "LIST", help: "seeds", default: "0"),
      .option(
        "variants", "LIST",
        help:
          "variants, the first is the base: paper, guard, floor<f>, rankalign, umap, pwarm, starts<n>, recommended, epochs<n>, joined by +",
        default: "paper"),
      .option(
        "branch-epochs", "LIST",
        help:
          "multiples of 10: a variant that trains like the base up to one of them starts from the base's checkpoint at the latest such epoch (none: all from scratch)"
      ),
      .option("store", "DIR", help: "resumable store of the variant runs", default: "runs/sweep"),
      .option(
        "pretrained", "DIR", help: "run store whose shared autoencoders are used (and made)",
        default: "runs/tables"),
      .option("out", "DIR", help: "where sweep-<dataset>-<date>.md/.json go", default: "runs"),
      .option("data", "DIR", help: "data root [DCRL_DATA, then the cache]"),
      .option("threads", "N", help: "OpenBLAS threads", default: "2"),
      .switch("quick", help: "800 rows, few epochs: the whole command in a minute"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    lineBufferStandardOutput()
    let threads: Int = try arguments.required("threads")
    CPUBackend.setBLASThreads(threads)
    let quick = arguments.isSet("quick")
    let log = { (line: String) in print("[\(TableBenchmark.timestamp())] \(line)") }
    var pretrainedRoot = URL(fileURLWithPath: arguments.string("pretrained")!, isDirectory: true)
    var storeRoot = URL(fileURLWithPath: arguments.string("store")!, isDirectory: true)
    if quick {
      pretrainedRoot.appendPathComponent("quick", isDirectory: true)
      storeRoot.appendPathComponent("quick", isDirectory: true)
    }
    let experiment = Experiment(
      quick: quick, data: datasetStore(arguments.string("data")),
      preset: "paper", store: RunStore(root: pretrainedRoot), log: log)
    let dataset = arguments.string("dataset")!
    let seeds: [Int] = try arguments.list("seeds") ?? [0]
    let variants = try (arguments.list("variants", as: String.self) ?? ["paper"]).map {
      try SweepVariant($0)
    }
    let branchEpochs: [Int] = try arguments.list("branch-epochs") ?? []
    for epoch in branchEpochs where epoch <= 0 || epoch % 10 != 0 {
      throw UsageError("--branch-epochs: \(epoch) must be a positive multiple of 10")
    }
    let sweep = Sweep(
      experiment: experiment, dataset: dataset, variants: variants,
      branchEpochs: quick ? [] : branchEpochs.sorted(), root: storeRoot, log: log)
    let data = try experiment.load(dataset)
    var results: [SweepResult] = []
    for seed in seeds {
      results += try sweep.run(seed: seed, data: data)
    }
    let out = URL(fileURLWithPath: arguments.string("out")!, isDirectory: true)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let report = SweepReport(
      dataset: dataset, seeds: seeds, variants: variants.map(\.name), results: results,
      metadata: RunMetadata.current(), threads: threads, quick: quick)
    var files = try report.write(to: out)
    for seed in seeds { files += try sweep.writePlots(seed: seed, to: out) }
    print(report.markdown)
    print("wrote \(files.map(\.path).joined(separator: ", "))")
  }
}

/// The runs of one sweep: where they live and how each is started, branched or resumed.
struct Sweep {
  var experiment: Experiment
  var dataset: String
  var variants: [SweepVariant]
  var branchEpochs: [Int]
  var root: URL
  var log: (String) -> Void

  func folder(seed: Int) -> URL {
    root.appendingPathComponent(dataset).appendingPathComponent("seed\(seed)", isDirectory: true)
  }

  /// Runs (or loads) every variant for `seed` in order.
  ///
  /// A variant that trains like an earlier one up to one of the branch epochs starts from that
  /// variant's checkpoint at the latest such epoch (earlier variants first); every run keeps its
  /// checkpoints at the branch epochs for the variants after it.
  func run(seed: Int, data: LabeledDataset) throws -> [SweepResult] {
    let preset = experiment.dcrlConfiguration(dataset, classes: data.classCount, seed: seed)
    var results: [SweepResult] = []
    var earlier: [(index: Int, configuration: DCRLConfiguration)] = []
    for (index, variant) in variants.enumerated() {
      var configuration = preset
      try variant.apply(to: &configuration)
      defer { earlier.append((index, configuration)) }
      let directory = folder(seed: seed).appendingPathComponent(variant.name, isDirectory: true)
      if let saved = SweepResult.load(from: directory) {
        log("\(variant.name), seed \(seed): stored, ACC \(formatted(saved.accuracy, decimals: 4))")
        results.append(saved)
        continue
      }
      var branch: (epoch: Int, file: URL)?
      search: for epoch in branchEpochs.reversed() {
        for source in earlier {
          let file = branchFile(seed: seed, epoch: epoch, variant: source.index)
          if FileManager.default.fileExists(atPath: file.path),
            try variant.canBranch(
              from: source.configuration, at: epoch,
              baseChanges: results[source.index].labelChanges)
          {
            branch = (epoch, file)
            break search
          }
        }
      }
      results.append(
        try runVariant(
          variant, configuration: configuration, seed: seed, data: data, directory: directory,
          branch: branch, keepsBranchesAs: index))
    }
    return results
  }

  /// The checkpoint of the `variant`-th variant after `epoch` epochs (the first variant's
  /// keeps its original name).
  func branchFile(seed: Int, epoch: Int, variant: Int) -> URL {
    let name =
      variant == 0
      ? "branch-epoch\(epoch).safetensors"
      : "branch-epoch\(epoch)-\(variants[variant].name).safetensors"
    return folder(seed: seed).appendingPathComponent(name)
  }

  /// Fits, branches or resumes one variant and stores its result.
  private func runVariant(
    _ variant: SweepVariant, configuration: DCRLConfiguration, seed: Int, data: LabeledDataset,
    directory: URL, branch: (epoch: Int, file: URL)?, keepsBranchesAs index: Int
  ) throws -> SweepResult {
    let policy = CheckpointPolicy(
      directory: directory.appendingPathComponent("checkpoint", isDirectory: true), interval: 10)
    let trainer = DCRLTrainer(configuration: configuration)
    let onEpoch = { (report: DCRLEpochReport) -> ProgressAction in
      if branchEpochs.contains(report.epoch + 1) {
        let keep = branchFile(seed: seed, epoch: report.epoch + 1, variant: index)
        try? FileManager.default.removeItem(at: keep)
        try? FileManager.default.copyItem(at: policy.file, to: keep)
      }
      if report.epoch % 10 == 9 {
        self.log("  \(variant.name), seed \(seed): \(report.summary)")
      }
      return .continue
    }
    let start = ContinuousClock.now
    var initializationSeconds: Double?
    var origin: String
    let model: DCRLModel
    if FileManager.default.fileExists(atPath: policy.file.path) {
      origin = "resumed"
      log("\(variant.name), seed \(seed): resuming \(policy.file.path)")
      model = try trainer.resume(
        from: policy.file, input: data.features, labels: data.labels, checkpoints: policy,
        progress: onEpoch)
    } else if let branch {
      origin = "branched at epoch \(branch.epoch)"
      log("\(variant.name), seed \(seed): branching from \(branch.file.path)")
      model = try trainer.branch(
        from: branch.file, input: data.features, labels: data.labels, checkpoints: policy,
        progress: onEpoch)
    } else {
      origin = "from the start"
      log("\(variant.name), seed \(seed): fitting from the start")
      let autoencoder = try experiment.pretrained(
        dataset, x: data.features, classes: data.classCount, seed: seed)
      let fitStart = ContinuousClock.now
      model = try trainer.fit(
        data.features, labels: data.labels, autoencoder: autoencoder, checkpoints: policy,
        progress: onEpoch)
      // Everything in the fit outside its epochs: the centre initialisation, chiefly.
      initializationSeconds =
        (ContinuousClock.now - fitStart).seconds - model.history.reduce(0) { $0 + $1.seconds }
    }
    let wall = (ContinuousClock.now - start).seconds
    let result = try SweepResult(
      variant: variant.name, dataset: dataset, seed: seed, model: model, truth: data.labels,
      origin: origin, initializationSeconds: initializationSeconds, wallSeconds: wall)
    try result.save(to: directory, history: model.history)
    try? FileManager.default.removeItem(at: policy.directory)
    log(
      "\(variant.name), seed \(seed): ACC \(formatted(result.accuracy, decimals: 4)), \(result.epochs) epochs, max label change after warm-up \(formatted(100 * result.maxLabelChangeAfterWarmUp, decimals: 2)) %"
    )
    return result
  }
}
