// ModelCommands: `dcrl predict`, `dcrl embed` and `dcrl resume` — using and continuing a model.

import DCRL
import Datasets
import Foundation
import Tensor
import _CommandLineSupport

enum PredictCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl predict",
    summary: "predict the cluster of each row of X with a fitted model",
    flags: [
      .option("model", "DIR", help: "a model folder written by 'dcrl fit' (…/model)"),
      .option("input", "X", help: "features (.npy/.npz/.csv or a dataset name)"),
      .option("out", "FILE", help: "where to write the labels (.npy)"),
      .option("labels", "Y", help: "ground truth, to print ACC/NMI"),
      .option("data", "DIR", help: "data root for dataset names", default: "../shared/data"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let (model, x, truth) = try loadModelAndInput(arguments)
    let predicted = try model.predict(x)
    if let out = arguments.string("out") {
      try NPY.write(labels: predicted, to: URL(fileURLWithPath: out))
      print("wrote \(predicted.count) labels to \(out)")
    }
    if let truth { try printScores(predicted, truth) }
  }
}

enum EmbedCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl embed",
    summary: "write the latent codes of X under a fitted model",
    flags: [
      .option("model", "DIR", help: "a model folder written by 'dcrl fit' (…/model)"),
      .option("input", "X", help: "features (.npy/.npz/.csv or a dataset name)"),
      .option("out", "FILE", help: "where to write the codes (.npy)"),
      .option("data", "DIR", help: "data root for dataset names", default: "../shared/data"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    guard let out = arguments.string("out") else { throw UsageError("--out is required") }
    let (model, x, _) = try loadModelAndInput(arguments)
    let codes = try model.transform(x)
    try NPY.write(codes, to: URL(fileURLWithPath: out))
    print("wrote codes of shape \(codes.shape) to \(out)")
  }
}

/// The model, the scaled input and its labels (from `--labels` or the dataset).
private func loadModelAndInput(_ arguments: ParsedArguments) throws -> (DCRLModel, Tensor, [Int]?) {
  guard let modelPath = arguments.string("model") else { throw UsageError("--model is required") }
  guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
  let input = try loadInput(inputName, dataRoot: arguments.string("data")!)
  let (model, x) = try loadModel(modelPath, for: input.features)
  var labels = input.labels
  if let path = arguments.string("labels") { labels = try loadLabels(path) }
  return (model, x, labels)
}

enum ResumeCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl resume",
    summary: "continue an interrupted 'dcrl fit' from its checkpoint (pretraining or fine-tuning)",
    flags: [
      .option(
        "checkpoint", "FILE",
        help: "…/checkpoint/checkpoint.safetensors, or pretraining.safetensors when pretraining "
          + "was interrupted"),
      .option("input", "X", help: "the same features the run started with"),
      .option("labels", "Y", help: "ground truth, to report ACC/NMI"),
    ] + trainingFlags)

  static func run(_ arguments: ParsedArguments) throws {
    guard let checkpoint = arguments.string("checkpoint") else {
      throw UsageError("--checkpoint is required")
    }
    guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
    let threads = try applyThreads(arguments)
    let checkpointURL = URL(fileURLWithPath: checkpoint)
    // fit writes checkpoints to <out>/checkpoint/; its scaling is in <out>/preprocessing.json.
    let out =
      arguments.string("out").map { URL(fileURLWithPath: $0, isDirectory: true) }
      ?? checkpointURL.deletingLastPathComponent().deletingLastPathComponent()
    let input = try loadInput(inputName, dataRoot: arguments.string("data")!)
    var labels = input.labels
    if let path = arguments.string("labels") { labels = try loadLabels(path) }
    let preprocessing = try Preprocessing.load(from: out)
    let x = try preprocessing.apply(input.features)
    if try CheckpointPolicy.kind(ofCheckpointAt: checkpointURL) == .pretraining {
      try resumePretraining(
        checkpointURL, x: x, labels: labels, out: out, preprocessing: preprocessing,
        inputName: inputName, threads: threads, arguments: arguments)
      return
    }
    let trainer = DCRLTrainer()
    let saved = try DCRLCheckpoint.configuration(at: checkpointURL)
    print(
      "resuming at epoch \(saved.nextEpoch) of \(saved.configuration.epochs) from \(checkpoint)")
    let session = try TrainingSession(
      out: out, total: saved.configuration.epochs,
      interval: try arguments.required("checkpoint-every"), input: inputName,
      threads: threads, resuming: true)
    let model = try trainer.resume(
      from: checkpointURL, input: x, labels: labels, checkpoints: session.checkpoints,
      onEpoch: session.onEpoch)
    try session.checkInterrupted(epochs: saved.configuration.epochs)
    try session.finish(
      model, x: x, labels: labels, preprocessing: preprocessing, expectedAccuracy: nil)
  }

  /// Continues an interrupted pretraining, then fine-tunes with the configuration `fit` saved.
  private static func resumePretraining(
    _ checkpoint: URL, x: Tensor, labels: [Int]?, out: URL, preprocessing: Preprocessing,
    inputName: String, threads: Int, arguments: ParsedArguments
  ) throws {
    let configuration = try RunConfigurationFile.load(from: out)
    let saved = try PretrainingCheckpoint.summary(at: checkpoint)
    print(
      "resuming pretraining at epoch \(saved.nextEpoch) of \(saved.configuration.epochs) from \(checkpoint.path)"
    )
    let session = try TrainingSession(
      out: out, total: configuration.epochs, pretrainingTotal: saved.configuration.epochs,
      interval: try arguments.required("checkpoint-every"), input: inputName, threads: threads,
      resuming: true)
    let autoencoder = try AutoencoderPretrainer.resume(
      from: checkpoint, input: x, checkpoints: session.checkpoints,
      onEpoch: session.onPretrainingEpoch)
    try session.checkPretrainingInterrupted(epochs: saved.configuration.epochs)
    let model = try DCRLTrainer(configuration: configuration).fit(
      x, labels: labels, autoencoder: autoencoder, checkpoints: session.checkpoints,
      onEpoch: session.onEpoch)
    try session.checkInterrupted(epochs: configuration.epochs)
    try session.finish(
      model, x: x, labels: labels, preprocessing: preprocessing, expectedAccuracy: nil)
  }
}
