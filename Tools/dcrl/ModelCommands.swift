// ModelCommands: `dcrl predict` and `dcrl embed` — using a fitted model on new data.

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
      .option("model", "DIR", help: "the folder 'dcrl fit --out' wrote, or its model/ folder"),
      .option("input", "X", help: "features (.npy/.npz/.csv or a dataset name)"),
      .option(
        "out", "FILE", help: "where to write the labels (.npy); optional with --labels"),
      .option("labels", "Y", help: "ground truth, to print ACC/NMI"),
      .option(
        "data", "DIR",
        help: "folder of the dataset files for dataset names [DCRL_DATA, then ~/.cache/dcrl]"),
      csvHeaderFlag, forceFlag,
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let out = arguments.string("out")
    guard out != nil || arguments.string("labels") != nil else {
      throw UsageError(
        "--out is required (the file to write the labels to), unless --labels asks for scores only"
      )
    }
    if let out { try checkModelOutput(out, arguments) }
    let (model, x, truth) = try loadModelAndInput(arguments)
    let predicted = try model.predict(x)
    if let out {
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
      .option("model", "DIR", help: "the folder 'dcrl fit --out' wrote, or its model/ folder"),
      .option("input", "X", help: "features (.npy/.npz/.csv or a dataset name)"),
      .option("out", "FILE", help: "where to write the codes (.npy)"),
      .option(
        "data", "DIR",
        help: "folder of the dataset files for dataset names [DCRL_DATA, then ~/.cache/dcrl]"),
      csvHeaderFlag, forceFlag,
    ])

  static func run(_ arguments: ParsedArguments) throws {
    guard let out = arguments.string("out") else { throw UsageError("--out is required") }
    try checkModelOutput(out, arguments)
    let (model, x, _) = try loadModelAndInput(arguments)
    let codes = try model.transform(x)
    try NPY.write(codes, to: URL(fileURLWithPath: out))
    print("wrote codes of shape \(codes.shape) to \(out)")
  }
}

/// Checks `--out` of `predict` and `embed` before any work: not an input or a model file, and
/// not an existing file without `--force`.
private func checkModelOutput(_ out: String, _ arguments: ParsedArguments) throws(UsageError) {
  var inputs: [(flag: String, path: String?)] = [
    ("input", arguments.string("input")), ("labels", arguments.string("labels")),
  ]
  if let model = arguments.string("model") {
    let folder = (try? modelDirectory(model)) ?? URL(fileURLWithPath: model, isDirectory: true)
    for name in ["model.safetensors", "configuration.json", "preprocessing.json", "input.json"] {
      inputs.append(("model", folder.appendingPathComponent(name).path))
    }
  }
  try checkOutputFile(out, inputs: inputs, force: arguments.isSet("force"))
}

/// The model, the scaled input and its labels (from `--labels` or the dataset).
private func loadModelAndInput(_ arguments: ParsedArguments) throws -> (DCRLModel, Tensor, [Int]?) {
  guard let modelPath = arguments.string("model") else { throw UsageError("--model is required") }
  guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
  let header = csvHeader(arguments)
  let input = try loadInput(inputName, dataRoot: arguments.string("data"), header: header)
  let (model, x) = try loadModel(modelPath, for: input.features)
  var labels = input.labels
  if let path = arguments.string("labels") { labels = try loadLabels(path, header: header) }
  return (model, x, labels)
}
