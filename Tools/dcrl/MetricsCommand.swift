// MetricsCommand: `dcrl metrics` — clustering scores and the six structure metrics of an
// embedding Z of X (Docs/Algorithm.md#metrics), on the full data without an N×N matrix.

import Foundation
import Metrics
import Tensor
import _CommandLineSupport

enum MetricsCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl metrics",
    summary: "ACC/NMI/ARI of predictions and Trust/Cont/RRE/RMRE/LGD/CRA of an embedding",
    flags: [
      .option("x", "X", help: "input features (.npy/.npz/.csv or a dataset name)"),
      .option("z", "Z", help: "their embedding (.npy/.npz/.csv), same rows as X"),
      .option("labels", "Y", help: "ground-truth labels (also used for CRA's class means)"),
      .option("pred", "P", help: "predicted cluster labels"),
      .option(
        "k", "RANGE", help: "neighbourhood sizes to average, e.g. 3...7 or 5", default: "3...7"),
      .option(
        "data", "DIR",
        help: "folder of the dataset files for dataset names [DCRL_DATA, then ~/.cache/dcrl]"),
      .option("threads", "N", help: "OpenBLAS threads", default: "2"),
      .switch("json", help: "print one JSON object instead of a table"),
      csvHeaderFlag,
    ])

  static func run(_ arguments: ParsedArguments) throws {
    _ = try applyThreads(arguments)
    var results: [(String, Double)] = []
    let header = csvHeader(arguments)
    var labels = try arguments.string("labels").map { try loadLabels($0, header: header) }
    var x: Tensor?
    if let path = arguments.string("x") {
      let input = try loadInput(path, dataRoot: arguments.string("data"), header: header)
      x = input.features
      if labels == nil { labels = input.labels }
    }
    if let predictionPath = arguments.string("pred") {
      guard let labels else {
        throw UsageError("--pred needs ground truth: --labels (or a dataset --x)")
      }
      let predicted = try loadLabels(predictionPath, header: header)
      results.append(("acc", try clusteringAccuracy(predicted, labels)))
      results.append(
        (
          "nmi_arithmetic",
          try normalizedMutualInformation(predicted, labels, normalization: .arithmetic)
        ))
      results.append(
        (
          "nmi_geometric",
          try normalizedMutualInformation(predicted, labels, normalization: .geometric)
        ))
      results.append(("ari", try adjustedRandIndex(predicted, labels)))
    }
    if let zPath = arguments.string("z") {
      guard let x else { throw UsageError("--z needs the input features --x") }
      let z = try loadInput(zPath, dataRoot: arguments.string("data"), header: header).features
      let neighbors = try parseRange(arguments.string("k")!)
      let report = try structureMetrics(x, z, neighbors: neighbors, classLabels: labels)
      results += [
        ("trust", report.trustworthiness), ("cont", report.continuity),
        ("rre", report.relativeRankError), ("rmre", report.rootMeanReconstructionError),
        ("lgd", report.localGeometricDistortion),
      ]
      if let cra = report.clusterRankAccuracy { results.append(("cra", cra)) }
    }
    guard !results.isEmpty else {
      throw UsageError("nothing to compute: give --pred (with labels) and/or --x with --z")
    }
    if arguments.isSet("json") {
      let body = results.map { "\"\($0.0)\": \($0.1.isFinite ? "\($0.1)" : "null")" }.joined(
        separator: ", ")
      print("{\(body)}")
    } else {
      for (name, value) in results {
        print(
          name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.6f", value))
      }
    }
  }

  /// `3...7`, `3..7` or a single `5`.
  static func parseRange(_ text: String) throws -> ClosedRange<Int> {
    let parts = text.replacingOccurrences(of: "...", with: "..").components(separatedBy: "..")
    guard let low = Int(parts[0]), let high = Int(parts.last!), parts.count <= 2, low >= 1,
      high >= low
    else {
      throw UsageError("--k: '\(text)' is not a range such as 3...7 or a single size such as 5")
    }
    return low...high
  }
}
