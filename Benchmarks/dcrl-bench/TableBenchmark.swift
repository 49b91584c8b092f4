// dcrl-bench table: regenerate the DCRL paper's Tables 1–5 beside the paper's numbers, with a
// resumable run store and a quick mode for smoke tests.

import DCRL
import Datasets
import Foundation
import Tensor
import _CommandLineSupport

enum TableBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench table",
    summary: "reproduce the paper's Table 1–5 (or all) beside the paper's values",
    flags: [
      .option(
        "datasets", "LIST",
        help:
          "Table 1/3/5 datasets (default: per table); Tables 2/4: one of mnist-full (default), fashion-mnist"
      ),
      .option("methods", "LIST", help: "method keys: \(methodKeys.joined(separator: ","))"),
      .option(
        "ablations", "LIST",
        help:
          "Table 5 rows: \(DCRLConfiguration.Ablation.allCases.map(\.rawValue).joined(separator: ","))"
      ),
      .option("seeds", "LIST", help: "seeds; Table 1 reports mean ± sd over them", default: "0"),
      .option(
        "preset", "NAME", help: "configuration preset", default: "paper",
        choices: ["paper", "authors-code"]),
      .option("out", "DIR", help: "where table<N>-<date>.md/.json go", default: "Docs/Results"),
      .option(
        "store", "DIR",
        help: "resumable store of finished cells (and of DCRL checkpoints every 10 epochs)",
        default: "runs/tables"),
      .option("data", "DIR", help: "data root [DCRL_DATA, then the cache]"),
      .option("threads", "N", help: "OpenBLAS threads", default: "2"),
      .switch("quick", help: "tiny subsets and few epochs: every table end to end in minutes"),
    ],
    acceptsPositional: true)

  static func run(_ arguments: ParsedArguments) throws {
    guard let which = arguments.positional.first, ["1", "2", "3", "4", "5", "all"].contains(which)
    else {
      throw UsageError("name a table: dcrl-bench table <1|2|3|4|5|all> [flags]")
    }
    lineBufferStandardOutput()
    let threads: Int = try arguments.required("threads")
    CPUBackend.setBLASThreads(threads)
    let quick = arguments.isSet("quick")
    var storeRoot = URL(fileURLWithPath: arguments.string("store")!, isDirectory: true)
    if quick { storeRoot.appendPathComponent("quick", isDirectory: true) }
    let experiment = Experiment(
      quick: quick, data: datasetStore(arguments.string("data")),
      preset: arguments.string("preset")!, store: RunStore(root: storeRoot),
      log: { print("[\(timestamp())] \($0)") })
    let seeds: [Int] = try arguments.list("seeds") ?? [0]
    let methods: [String]? = try arguments.list("methods")
    let datasets: [String]? = try arguments.list("datasets")
    for key in methods ?? [] where !methodKeys.contains(key) {
      throw UsageError(
        "--methods: unknown method '\(key)'; choose from \(methodKeys.joined(separator: ", "))")
    }
    let ablations = try arguments.list("ablations", as: String.self)?.map {
      (key: String) throws -> DCRLConfiguration.Ablation in
      guard let ablation = DCRLConfiguration.Ablation(rawValue: key) else {
        throw UsageError(
          "--ablations: unknown ablation '\(key)'; choose from "
            + DCRLConfiguration.Ablation.allCases.map(\.rawValue).joined(separator: ", "))
      }
      return ablation
    }
    let out = URL(fileURLWithPath: arguments.string("out")!, isDirectory: true)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let context = ReportContext(
      metadata: RunMetadata.current(), threads: threads, seeds: seeds, preset: experiment.preset,
      quick: quick, out: out)
    let tables = which == "all" ? [1, 2, 3, 4, 5] : [Int(which)!]
    for table in tables {
      let start = ContinuousClock.now
      var report: TableReport
      switch table {
      case 1:
        report = try table1(
          experiment, datasets: datasets ?? ["mnist-test", "usps"], methods: methods ?? methodKeys,
          seeds: seeds)
      case 2:
        report = try table2(
          experiment, dataset: try splitDataset(datasets, all: which == "all"),
          methods: methods ?? ["ae-kmeans", "dec", "idec", "n2d", "dcrl", "dcrl-recommended"],
          seeds: seeds)
      case 3:
        report = try table3(
          experiment, datasets: datasets ?? ["mnist-full"],
          methods: methods ?? ["ae-kmeans", "dec", "idec", "n2d", "dcrl", "dcrl-recommended"],
          seed: seeds[0])
      case 4:
        report = try table4(
          experiment, dataset: try splitDataset(datasets, all: which == "all"),
          methods: methods ?? ["ae-kmeans", "dec", "idec", "n2d", "dcrl", "dcrl-recommended"],
          seed: seeds[0])
      default:
        report = try table5(
          experiment, datasets: datasets ?? ["mnist-test"], ablations: ablations, seed: seeds[0])
      }
      report.wallSeconds = (ContinuousClock.now - start).seconds
      let files = try context.write(report)
      print(report.markdown(context))
      print("wrote \(files.map(\.path).joined(separator: ", "))")
    }
  }

  /// The one dataset Tables 2 and 4 split.
  ///
  /// MNIST-full unless `--datasets` names another. Under `table all` the list is Table 1's too,
  /// so only the names Tables 2 and 4 take count there.
  static func splitDataset(_ datasets: [String]?, all: Bool) throws -> String {
    guard var datasets else { return "mnist-full" }
    if all {
      datasets = datasets.filter(GeneralisationSplit.datasets.contains)
      if datasets.isEmpty { return "mnist-full" }
    }
    // Which names are allowed is checked where the split is made (generalisationSplit).
    guard datasets.count == 1 else {
      throw UsageError(
        "--datasets: tables 2 and 4 take one dataset, not \(datasets.joined(separator: ","))")
    }
    return datasets[0]
  }

  static func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter.string(from: Date())
  }
}
