// dcrl-bench umap: UMAP on MNIST-full against umap-learn (numba warm-up excluded), same threads.

import Foundation
import Manifold
import Tensor
import _CommandLineSupport

enum UMAPBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench umap",
    summary: "UMAP on MNIST 70k (raw 784-D or PCA-50) vs umap-learn",
    flags: [
      .option(
        "dataset", "NAME", help: "mnist784 or mnist-pca50", default: "mnist784",
        choices: ["mnist784", "mnist-pca50"]),
      .option("threads", "LIST", help: "thread counts to run", default: "1,2"),
      .option("inputs", "DIR", help: "shared raw inputs", default: ".build/bench-data"),
      .option("mnist", "DIR", help: "MNIST IDX files [DCRL_DATA, then the cache]"),
      .option("seed", "N", help: "seed", default: "0"),
      .switch("no-peer", help: "skip the Python peer"),
      .option("png", "FILE", help: "render the last embedding, coloured by label, to FILE"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let dataset = arguments.string("dataset")!
    let threadCounts: [Int] = try arguments.list("threads") ?? [1, 2]
    let inputs = arguments.string("inputs")!
    let mnist = try mnistDirectory(arguments.string("mnist"))
    let seed: UInt64 = try arguments.required("seed")
    let loaded = try ManifoldBenchmarkSupport.loadMNIST(mnist)
    var x = loaded.images
    var peerInput = ["--mnist", mnist]
    if dataset == "mnist-pca50" {
      try ManifoldBenchmarkSupport.prepareInputs(dataDirectory: inputs, mnistDirectory: mnist)
      x = try ManifoldBenchmarkSupport.readMatrix(
        inputs + "/mnist70k_pca50.f32", rows: 70_000, columns: 50)
      peerInput = ["--input", inputs + "/mnist70k_pca50.f32", "--rows", "70000", "--cols", "50"]
    }
    let n = x.shape[0]
    let evaluated = ManifoldBenchmarkSupport.subsample(n, count: 5000)
    let xEvaluated = x.gatheringRows(evaluated)
    var configuration = UMAP.Configuration()
    configuration.seed = seed
    var report = [
      "# dcrl-bench umap (\(dataset), \(n)×\(x.shape[1]))", "", RunMetadata.current().markdown, "",
      "- ours: UMAP() defaults (15 neighbours, spectral init, 200 epochs), seed \(seed); kNN "
        + (configuration.neighborSearch.isApproximate(samples: n, features: x.shape[1])
          ? "approximate (64-axis lower bound, float32 re-ranking)" : "exact"),
      "- peer: Scripts/peer/umap_peer.py (umap-learn defaults; NN-descent neighbours; numba JIT warm-up excluded)",
      "- trustworthiness (k = 5) on a fixed 5000-point subsample (input space: the benchmark input)",
      "",
    ]
    print(report.joined(separator: "\n"))
    var table: [[String]] = []
    var peerVersion = "n/a"
    var last: Tensor?
    for threads in threadCounts {
      CPUBackend.setBLASThreads(threads)
      configuration.threads = threads
      let (fitted, seconds) = try ManifoldBenchmarkSupport.time {
        try UMAP(configuration: configuration).fit(x)
      }
      last = fitted.embedding
      let trust = ManifoldBenchmarkSupport.trustworthiness(
        xEvaluated, fitted.embedding.gatheringRows(evaluated), neighbors: 5)
      var row = ["\(threads)", formatted(seconds, decimals: 2), formatted(trust, decimals: 4)]
      if !arguments.isSet("no-peer") {
        let out = NSTemporaryDirectory() + "dcrl-umap-peer.f32"
        if let peer = ManifoldBenchmarkSupport.runPeer(
          ["Scripts/peer/umap_peer.py"] + peerInput + [
            "--threads", "\(threads)", "--seed", "\(seed)", "--out", out,
          ]),
          let peerSeconds = peer["seconds"] as? Double
        {
          peerVersion = "\(peer["library"] ?? "?") \(peer["version"] ?? "?")"
          let peerEmbedding = try ManifoldBenchmarkSupport.readMatrix(out, rows: n, columns: 2)
          let peerTrust = ManifoldBenchmarkSupport.trustworthiness(
            xEvaluated, peerEmbedding.gatheringRows(evaluated), neighbors: 5)
          row += [
            formatted(peerSeconds, decimals: 2), formatted(peerTrust, decimals: 4),
            formatted(seconds / peerSeconds, decimals: 3),
          ]
        }
      }
      table.append(row)
      print(row.joined(separator: " | "))
    }
    report.append("peer: \(peerVersion)\n")
    if configuration.neighborSearch.isApproximate(samples: n, features: x.shape[1]) {
      report.append(try neighborRecall(x, neighbors: configuration.neighbors) + "\n")
    }
    report.append(
      markdownTable(
        ["threads", "ours s", "ours trust", "peer s", "peer trust", "ours/peer time (≤ 1)"], table))
    print(report.suffix(2).joined(separator: "\n"))
    if let path = arguments.string("png"), let embedding = last {
      try TSNEBenchmark.renderEmbedding(
        embedding, labels: loaded.labels, title: "UMAP of MNIST 70k (\(dataset))", to: path)
    }
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// The share of the exact 15-NN (self included, as UMAP's graph) of 2000 fixed rows that the
  /// approximate graph finds.
  static func neighborRecall(_ x: Tensor, neighbors k: Int) throws -> String {
    let rows = ManifoldBenchmarkSupport.subsample(x.shape[0], count: 2000)
    let (approximate, seconds) = try ManifoldBenchmarkSupport.time {
      try KNNGraph(approximate: x, neighbors: k, includeSelf: true)
    }
    let exact = try KNNGraph(exact: x.gatheringRows(rows), in: x, neighbors: k)
    var found = 0
    for (position, row) in rows.enumerated() {
      found += Set(approximate.neighbors(of: row)).intersection(exact.neighbors(of: position)).count
    }
    let recall = Double(found) / Double(rows.count * k)
    return "approximate kNN graph alone: \(formatted(seconds, decimals: 2)) s; recall of the exact "
      + "\(k)-NN of 2000 fixed rows: \(formatted(recall, decimals: 4))"
  }
}
