// PlotCommand: `dcrl plot` — a PNG scatter plot of an embedding, coloured by label, through
// t-SNE or UMAP (or directly when it is already 2-D); or a run's training curves.

import Foundation
import Manifold
import Plotting
import Tensor
import _CommandLineSupport

enum PlotCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl plot",
    summary:
      "render Z (e.g. latent.npy) as a 2-D scatter plot PNG coloured by label, or a run's "
      + "training curves (--curves epochs.csv)",
    flags: [
      .option("input", "Z", help: "points to plot (.npy/.npz/.csv)"),
      .option("labels", "Y", help: "a label per point (colours); all one colour when absent"),
      .option(
        "method", "NAME", help: "2-D projection", default: "tsne",
        choices: ["tsne", "umap", "none"]),
      .option(
        "curves", "CSV",
        help: "plot a run's epochs.csv instead: loss terms to --out, ACC/NMI to <out>-accuracy.png"),
      .option("out", "FILE", help: "the PNG to write"),
      .option("title", "TEXT", help: "plot title"),
      .option("max-points", "N", help: "plot at most the first N points", default: "70000"),
      .option("seed", "N", help: "t-SNE/UMAP seed", default: "0"),
      .option(
        "data", "DIR",
        help: "folder of the dataset files for dataset names [DCRL_DATA, then ~/.cache/dcrl]"),
      csvHeaderFlag, forceFlag,
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let force = arguments.isSet("force")
    let inputs: [(flag: String, path: String?)] = [
      ("input", arguments.string("input")), ("labels", arguments.string("labels")),
      ("curves", arguments.string("curves")),
    ]
    if let curves = arguments.string("curves") {
      guard let out = arguments.string("out") else { throw UsageError("--out is required") }
      try checkOutputFile(out, inputs: inputs, force: force)
      try checkOutputFile(accuracyPlotPath(out), inputs: inputs, force: force)
      let files = try writeTrainingCurves(from: curves, to: out, title: arguments.string("title"))
      print("wrote \(files.joined(separator: ", "))")
      return
    }
    guard let inputPath = arguments.string("input") else { throw UsageError("--input is required") }
    guard let out = arguments.string("out") else { throw UsageError("--out is required") }
    let maximumPoints = try arguments.required("max-points", as: Int.self)
    guard maximumPoints >= 1 else {
      throw UsageError("--max-points: \(maximumPoints) must be at least 1")
    }
    let seed = try arguments.required("seed", as: UInt64.self)
    try checkOutputFile(out, inputs: inputs, force: force)
    let header = csvHeader(arguments)
    let input = try loadInput(inputPath, dataRoot: arguments.string("data"), header: header)
    let count = min(input.features.shape[0], maximumPoints)
    guard count >= 1 else { throw UsageError("--input: \(inputPath) has no points to plot") }
    var points = input.features.rows(0..<count)
    var labels = try arguments.string("labels").map { try loadLabels($0, header: header) }
    labels = labels ?? input.labels
    if let all = labels {
      guard all.count >= count else {
        throw UsageError("--labels has \(all.count) entries for \(count) points")
      }
      labels = Array(all.prefix(count))
    }
    if arguments.string("method") == "tsne" && points.shape[1] != 2 {
      var configuration = TSNE.Configuration()
      configuration.seed = seed
      configuration.gradientMethod = count > 5_000 ? .fftInterpolation() : .barnesHut(angle: 0.5)
      print("t-SNE of \(count) points × \(points.shape[1]) dimensions…")
      points = try TSNE(configuration: configuration).fit(points).embedding
    } else if arguments.string("method") == "umap" && points.shape[1] != 2 {
      var configuration = UMAP.Configuration()
      configuration.seed = seed
      print("UMAP of \(count) points × \(points.shape[1]) dimensions…")
      points = try UMAP(configuration: configuration).fit(points).embedding
    }
    guard points.shape[1] == 2 else {
      throw UsageError("--method none needs 2-D points; the input has \(points.shape[1]) columns")
    }
    let values = points.doubles
    var plot = ScatterPlot(title: arguments.string("title") ?? "\(input.name) (\(count) points)")
    plot.legendTitle = "label"
    plot.add(
      x: stride(from: 0, to: values.count, by: 2).map { values[$0] },
      y: stride(from: 1, to: values.count, by: 2).map { values[$0] }, labels: labels)
    try writeAtomically(Data(try plot.render(width: 1000, height: 800).pngData()), to: out)
    print("wrote \(out)")
  }
}
