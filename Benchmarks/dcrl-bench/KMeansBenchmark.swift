// dcrl-bench kmeans: KMeans(10 clusters, 20 runs) on MNIST-full PCA-10 (70 000 × 10), MNIST-test
// pixels (10 000 × 784) and 3000 × 2 points, against scikit-learn timed in the same command.

import Clustering
import Foundation
import Tensor
import _CommandLineSupport

enum KMeansBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench kmeans",
    summary: "KMeans (k-means++, 20 runs) vs scikit-learn on MNIST-derived inputs",
    flags: [
      .option(
        "data", "DIR", help: "folder with the MNIST IDX .gz files [DCRL_DATA, then the cache]"),
      .option("runs", "N", help: "k-means runs (n_init)", default: "20"),
      .option("repeats", "N", help: "timed repeats per input (median reported)", default: "3"),
      .option(
        "peer", "PATH", help: "scikit-learn peer script (also prepares the inputs)",
        default: "Scripts/peer/sklearn_kmeans.py"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let runs: Int = try arguments.required("runs")
    let repeats: Int = try arguments.required("repeats")
    var report = ["# dcrl-bench kmeans", "", RunMetadata.current().markdown, ""]
    report.append("Load average before the run: \(loadAverage()).\n")
    print(report.joined(separator: "\n"))

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-bench-kmeans-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    guard
      let peer = runPeer(
        arguments.string("peer")!,
        [
          "--data", try mnistDirectory(arguments.string("data")), "--out", directory.path, "--runs",
          "\(runs)",
          "--repeats", "\(repeats)",
        ]),
      let datasets = peer["datasets"] as? [[String: Any]]
    else {
      throw BenchmarkDataError.unreadable(
        "the scikit-learn peer did not run; it prepares the inputs")
    }
    var rows: [[String]] = []
    for dataset in datasets {
      guard let name = dataset["name"] as? String, let path = dataset["path"] as? String,
        let peerSeconds = dataset["seconds"] as? [Double]
      else { continue }
      let x = try readNPY(path)
      var samples: [Double] = []
      func timedFit() throws -> KMeansModel {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try KMeans(clusters: 10, runs: runs, seed: 0).fit(x)
        samples.append((clock.now - start).seconds)
        return model
      }
      let model = try timedFit()
      for _ in 1..<max(repeats, 1) { _ = try timedFit() }
      let ours = Timing(name: name, samples: samples).median
      let theirs = Timing(name: name, samples: peerSeconds).median
      rows.append([
        name, "\(x.shape[0])×\(x.shape[1])", formatted(ours, decimals: 3),
        formatted(theirs, decimals: 3), formatted(ours / theirs, decimals: 3),
        formatted(model.inertia, decimals: 2),
        formatted(dataset["inertia"] as? Double ?? .nan, decimals: 2),
        "\(model.iterations) / \(dataset["iterations"] as? Int ?? -1)",
      ])
    }
    let table = markdownTable(
      [
        "input", "n×d", "Swift median s", "scikit-learn median s", "Swift/scikit-learn (≤ 1)",
        "Swift inertia", "scikit-learn inertia", "iterations (best run)",
      ], rows)
    let note =
      "\nKMeans(10 clusters, k-means++, \(runs) runs, seed 0), float32; scikit-learn "
      + "\(peer["version"] as? String ?? "?") with threads \(peer["threads"] as? String ?? "?"); "
      + "OpenBLAS threads \(CPUBackend.blasThreads). The random streams differ, so inertias differ "
      + "slightly (different local optima). Load average after the run: \(loadAverage())."
    print(table + note)
    report += [table, note]
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }
}
