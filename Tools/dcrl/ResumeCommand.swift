// ResumeCommand: `dcrl resume` — continuing an interrupted `dcrl fit` from its checkpoint with the
// configuration, feature scaling and input the run recorded (checkpoint/run.json), in the run's
// own folder or in another one that is new or empty (or any, with --force).

import DCRL
import Datasets
import Foundation
import Tensor
import _CommandLineSupport

enum ResumeCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl resume",
    summary: "continue an interrupted 'dcrl fit' from its checkpoint (pretraining or fine-tuning)",
    flags: [
      .option(
        "checkpoint", "FILE",
        help: "…/checkpoint/checkpoint.safetensors, or pretraining.safetensors when pretraining "
          + "was interrupted"),
      .option("input", "X", help: "the same features the run started with (checked)"),
      .option("labels", "Y", help: "ground truth, to report ACC/NMI"),
      .option(
        "epochs", "N",
        help: "fine-tuning epochs in all, to train a finished or interrupted run longer (or stop "
          + "it sooner) under its schedule [the run's own]"),
    ] + trainingFlags)

  static func run(_ arguments: ParsedArguments) throws {
    guard let checkpoint = arguments.string("checkpoint") else {
      throw UsageError("--checkpoint is required")
    }
    guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
    let checkpointURL = URL(fileURLWithPath: checkpoint).standardizedFileURL
    guard existingIsFolder(checkpointURL.path) == false else {
      throw UsageError(
        "--checkpoint: no checkpoint file at \(checkpoint); 'dcrl fit' writes them to "
          + "<out>/checkpoint/checkpoint.safetensors (pretraining.safetensors while pretraining)")
    }
    // fit writes checkpoints to <run>/checkpoint/; the outputs go there unless --out says.
    let run = checkpointURL.deletingLastPathComponent().deletingLastPathComponent()
    let outPath = arguments.string("out") ?? run.path
    let force = arguments.isSet("force")
    let continuing = sameFile(outPath, run.path)
    try RunFolder.check(
      outPath, force: force, continuing: continuing,
      inputs: [
        ("input", arguments.string("input")), ("labels", arguments.string("labels")),
        ("checkpoint", continuing ? nil : checkpoint),
      ])
    let threads = try applyThreads(arguments)
    let interval = try checkpointInterval(arguments)
    let kind = try CheckpointPolicy.kind(ofCheckpointAt: checkpointURL)
    let recorded = try RunRecord.load(besideCheckpoint: checkpointURL, run: run)
    let header = csvHeader(arguments)
    let input = try loadInput(inputName, dataRoot: arguments.string("data"), header: header)
    try recorded?.checkInput(input.features, name: input.name)
    var record = try recorded ?? RunRecord.earlierRun(in: run, input: input.features)
    let epochs = try arguments.value("epochs", as: Int.self)
    if let epochs {
      guard epochs >= 0 else { throw UsageError("--epochs: \(epochs) must be 0 or more") }
      record.configuration.epochs = epochs
    }
    var labels = input.labels
    if let path = arguments.string("labels") { labels = try loadLabels(path, header: header) }
    if let labels, labels.count != input.features.shape[0] {
      throw UsageError(
        "--labels: \(labels.count) labels for the \(input.features.shape[0]) rows of \(input.name)")
    }
    let x = try record.preprocessing.apply(input.features)
    let folder = try RunFolder(creating: outPath, replacing: force, continuing: continuing)
    let resumption = Resumption(
      checkpoint: checkpointURL, x: x, labels: labels, record: record,
      previousLog: run.appendingPathComponent("epochs.csv"), out: folder.url, interval: interval,
      inputName: inputName, threads: threads, epochs: epochs)
    try folder.run {
      if kind == .pretraining {
        try resumption.pretraining()
      } else {
        try resumption.fineTuning()
      }
    }
  }
}

/// One `dcrl resume`: the checkpoint, the scaled input and where the run goes on.
private struct Resumption {
  let checkpoint: URL
  let x: Tensor
  let labels: [Int]?
  let record: RunRecord
  /// The epoch log of the run the checkpoint belongs to.
  let previousLog: URL
  let out: URL
  let interval: Int
  let inputName: String
  let threads: Int
  /// `--epochs`: the fine-tuning length the run continues to, instead of its own.
  let epochs: Int?

  /// Continues an interrupted fine-tuning (to `--epochs` when given).
  func fineTuning() throws {
    let saved = try DCRLCheckpoint.configuration(at: checkpoint)
    var configuration = saved.configuration
    if let epochs {
      guard epochs >= saved.nextEpoch else {
        throw UsageError(
          "--epochs: \(epochs) is below the \(saved.nextEpoch) epochs the checkpoint has finished")
      }
      configuration.epochs = epochs
    }
    print(
      "resuming at epoch \(saved.nextEpoch) of \(configuration.epochs) from \(checkpoint.path)")
    let session = try TrainingSession(
      out: out, total: configuration.epochs, interval: interval, input: inputName,
      threads: threads, resumingAt: saved.nextEpoch, previousLog: previousLog)
    try record.save(in: session.checkpoints.directory)
    // A changed length continues the same run under the same schedule: a branch whose only
    // change is the number of epochs.
    let model = try DCRLTrainer(configuration: configuration).branch(
      from: checkpoint, input: x, labels: labels, checkpoints: session.checkpoints,
      progress: session.onEpoch)
    try session.checkInterrupted(epochs: configuration.epochs)
    try session.finish(model, x: x, labels: labels, record: record)
  }

  /// Continues an interrupted pretraining, then fine-tunes with the recorded configuration.
  func pretraining() throws {
    let configuration = record.configuration
    let saved = try PretrainingCheckpoint.summary(at: checkpoint)
    print(
      "resuming pretraining at epoch \(saved.nextEpoch) of \(saved.configuration.epochs) from \(checkpoint.path)"
    )
    let session = try TrainingSession(
      out: out, total: configuration.epochs, pretrainingTotal: saved.configuration.epochs,
      interval: interval, input: inputName, threads: threads, resumingAt: 0,
      previousLog: previousLog)
    try record.save(in: session.checkpoints.directory)
    let autoencoder = try AutoencoderPretrainer.resume(
      from: checkpoint, input: x, checkpoints: session.checkpoints,
      progress: session.onPretrainingEpoch)
    try session.checkPretrainingInterrupted(epochs: saved.configuration.epochs)
    let model = try DCRLTrainer(configuration: configuration).fit(
      x, labels: labels, autoencoder: autoencoder, checkpoints: session.checkpoints,
      progress: session.onEpoch)
    try session.checkInterrupted(epochs: configuration.epochs)
    try session.finish(model, x: x, labels: labels, record: record)
  }
}
