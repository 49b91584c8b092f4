// DCRLMNIST: pretrain, fit and evaluate DCRL on MNIST (or USPS, Fashion-MNIST, Reuters R8),
// then write the latent codes, the predictions, the model, an epoch log and a t-SNE plot.

import DCRL
import Datasets
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

let specification = CommandSpecification(
  name: "DCRLMNIST",
  summary: "Fit DCRL to a benchmark dataset and report ACC/NMI (Docs/Algorithm.md). The "
    + "dataset is read from --data, else $DCRL_DATA, else the per-user cache "
    + "(~/.cache/dcrl), and downloaded there on first use.",
  flags: [
    .option(
      "dataset", "NAME",
      help: "dataset; mnist-generalization trains on the first 50k of MNIST-full "
        + "and tests on the last 20k", default: "mnist-test",
      choices: DatasetName.allCases.map(\.rawValue) + ["mnist-generalization"]),
    .option(
      "data", "DIR",
      help: "folder holding the dataset's files, directly or in mnist/, usps/, reuters-r8/, "
        + "fashion-mnist/ (default: $DCRL_DATA, then the cache; missing files are downloaded)"),
    .option(
      "preset", "NAME",
      help: "configuration preset: the recommended DCRL, or the method as published",
      default: "recommended", choices: ["recommended", "paper", "authors-code"]),
    .option(
      "epochs", "N", help: "fine-tuning epochs (default: the preset's, 200 recommended, 300 paper)"),
    .option("pretrain-epochs", "N", help: "pretraining epochs (default: the preset's 200)"),
    .option("seed", "N", help: "random seed (default: the preset's)"),
    .option("threads", "N", help: "OpenBLAS threads", default: "2"),
    .option(
      "pretrained", "FILE", help: "load pretrained autoencoder weights instead of pretraining"),
    .option("out", "DIR", help: "output folder (default: runs/<dataset>-seed<seed>)"),
    .option("checkpoint-every", "N", help: "epochs between checkpoints", default: "10"),
    .option(
      "resume", "FILE",
      help: "continue from checkpoint.safetensors (fine-tuning) or pretraining.safetensors"),
    .option(
      "plot", "KIND", help: "2-D plot of the latent codes", default: "tsne",
      choices: ["tsne", "none"]),
    .option("expect-acc", "X", help: "exit with status 1 if the final ACC is below X"),
  ])

// Line-buffer standard output so a log file follows the run as it goes.
lineBufferStandardOutput()

do {
  let arguments = try specification.parse(Array(CommandLine.arguments.dropFirst()))
  CPUBackend.setBLASThreads(try arguments.required("threads", as: Int.self))
  Interrupt.install()
  let datasetFlag = arguments.string("dataset")!
  let generalization = datasetFlag == "mnist-generalization"
  let name = generalization ? DatasetName.mnistFull : DatasetName(rawValue: datasetFlag)!
  let store = DatasetStore(
    dataRoot: arguments.string("data").map { URL(fileURLWithPath: $0, isDirectory: true) },
    onEvent: DownloadLog().print)
  let directory = try store.directory(for: name)
  print("loading \(datasetFlag) from \(directory.path)")
  var training = try LabeledDataset.load(name, from: directory)
  var test: LabeledDataset?
  if generalization { (training, test) = try training.split(trainingCount: 50_000) }
  print(
    "\(training.count) samples × \(training.featureCount) features, \(training.classCount) classes")

  let benchmark = DCRLConfiguration.Benchmark(datasetName: name)
  var configuration: DCRLConfiguration
  switch arguments.string("preset") {
  case "recommended": configuration = .recommended(for: benchmark)
  case "paper": configuration = .paper(for: benchmark)
  default: configuration = .authorsCode(for: benchmark)
  }
  if let epochs = try arguments.value("epochs", as: Int.self) { configuration.epochs = epochs }
  if let epochs = try arguments.value("pretrain-epochs", as: Int.self) {
    configuration.pretraining.epochs = epochs
  }
  if let seed = try arguments.value("seed", as: UInt64.self) { configuration.seed = seed }
  configuration.clusters = training.classCount
  let out = URL(
    fileURLWithPath: arguments.string("out") ?? "runs/\(datasetFlag)-seed\(configuration.seed)",
    isDirectory: true)
  let outputs = try RunOutputs(directory: out)
  let checkpoints = CheckpointPolicy(
    directory: out.appendingPathComponent("checkpoint"),
    interval: try arguments.required("checkpoint-every"))
  let trainer = DCRLTrainer(configuration: configuration)
  let clock = ContinuousClock()
  let start = clock.now

  let pretrainingProgress = ProgressReporter(
    total: configuration.pretraining.epochs, label: "pretraining")
  let fineTuningProgress = ProgressReporter(total: configuration.epochs, label: "fine-tuning")
  func onEpoch(_ report: DCRLEpochReport) -> ProgressAction {
    fineTuningProgress.update(step: report.epoch, message: report.summary)
    try? outputs.log(report)
    if Interrupt.requested {
      fineTuningProgress.finish()
      print(
        "interrupted: checkpoint written to \(checkpoints.file.path); continue with --resume \(checkpoints.file.path)"
      )
      return .stop
    }
    return .continue
  }
  func onPretrainingEpoch(_ epoch: PretrainingEpoch) -> ProgressAction {
    pretrainingProgress.update(
      step: epoch.epoch, message: "loss \(String(format: "%.5f", epoch.loss))")
    if Interrupt.requested {
      pretrainingProgress.finish()
      print(
        "interrupted: pretraining checkpoint written to \(checkpoints.pretrainingFile.path); continue with --resume \(checkpoints.pretrainingFile.path)"
      )
      return .stop
    }
    return .continue
  }
  // --resume takes either checkpoint: a pretraining one continues pretraining, then fits.
  let resume = arguments.string("resume").map { URL(fileURLWithPath: $0) }
  if resume != nil, arguments.string("pretrained") != nil {
    throw UsageError("--resume and --pretrained exclude each other")
  }
  let resumeKind = try resume.map { try CheckpointPolicy.kind(ofCheckpointAt: $0) }
  let model: DCRLModel
  if let resume, resumeKind == .fineTuning {
    model = try trainer.resume(
      from: resume, input: training.features, labels: training.labels,
      checkpoints: checkpoints, progress: onEpoch)
  } else {
    var autoencoder: Autoencoder?
    if let path = arguments.string("pretrained") {
      autoencoder = try outputs.loadAutoencoder(
        from: URL(fileURLWithPath: path), configuration, training.featureCount)
    } else {
      if let resume {
        autoencoder = try AutoencoderPretrainer.resume(
          from: resume, input: training.features, checkpoints: checkpoints,
          progress: onPretrainingEpoch)
      } else {
        autoencoder = try trainer.pretrain(
          training.features, checkpoints: checkpoints, progress: onPretrainingEpoch)
      }
      // An interrupted pretraining is in its checkpoint, not saved as finished weights.
      if Interrupt.requested { exit(130) }
      try autoencoder?.saveParameters(to: out.appendingPathComponent("pretrained.safetensors"))
      print(
        "pretraining: \(ProgressReporter.duration((clock.now - start).seconds)); weights in \(out.path)/pretrained.safetensors"
      )
    }
    if Interrupt.requested { exit(130) }
    model = try trainer.fit(
      training.features, labels: training.labels, autoencoder: autoencoder,
      checkpoints: checkpoints,
      progress: onEpoch)
  }
  let elapsed = (clock.now - start).seconds
  try model.save(to: out.appendingPathComponent("model"))
  var accuracy = try outputs.evaluate(
    model, on: training, part: generalization ? "train (first 50k)" : "all")
  if let test { accuracy = try outputs.evaluate(model, on: test, part: "test (last 20k)") }
  if arguments.string("plot") == "tsne" {
    try outputs.plot(model, on: training, title: datasetFlag)
  }
  print("wall time \(ProgressReporter.duration(elapsed)); outputs in \(out.path)")
  if let expected = try arguments.value("expect-acc", as: Double.self), accuracy < expected {
    print("ACC \(String(format: "%.4f", accuracy)) is below --expect-acc \(expected)")
    exit(1)
  }
} catch let error as UsageError {
  print(error.message)
  exit(error.isHelp ? 0 : 2)
} catch {
  FileHandle.standardError.write(Data("DCRLMNIST: \(error)\n".utf8))
  exit(1)
}
