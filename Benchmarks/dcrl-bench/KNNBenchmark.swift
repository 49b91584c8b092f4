// dcrl-bench knn: the exact kNN graph against scikit-learn's brute-force NearestNeighbors.

import Foundation
import Manifold
import Tensor
import _CommandLineSupport

enum KNNBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench knn",
    summary: "exact kNN (MNIST 70k × 784 or PCA-50) vs scikit-learn brute force",
    flags: [
      .option(
        "dataset", "NAME", help: "mnist784 or mnist-pca50", default: "mnist784",
        choices: ["mnist784", "mnist-pca50"]),
      .option("neighbors", "K", help: "neighbours per point", default: "10"),
      .option("threads", "LIST", help: "thread counts to run", default: "1,2"),
      .option("rows", "N", help: "use only the first N points", default: "70000"),
      .option("inputs", "DIR", help: "shared raw inputs", default: ".build/bench-data"),
      .option("mnist", "DIR", help: "MNIST IDX files [DCRL_DATA, then the cache]"),
      .switch("no-peer", help: "skip the Python peer"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let dataset = arguments.string("dataset")!
    let k: Int = try arguments.required("neighbors")
    let threadCounts: [Int] = try arguments.list("threads") ?? [1, 2]
    let rows: Int = try arguments.required("rows")
    let inputs = arguments.string("inputs")!
    let mnist = try mnistDirectory(arguments.string("mnist"))
    var x: Tensor
    var peerInput: [String]
    if dataset == "mnist784" {
      x = try ManifoldBenchmarkSupport.loadMNIST(mnist).images
      peerInput = ["--mnist", mnist]
    } else {
      try ManifoldBenchmarkSupport.prepareInputs(dataDirectory: inputs, mnistDirectory: mnist)
      x = try ManifoldBenchmarkSupport.readMatrix(
        inputs + "/mnist70k_pca50.f32", rows: 70_000, columns: 50)
      peerInput = ["--input", inputs + "/mnist70k_pca50.f32", "--rows", "70000", "--cols", "50"]
    }
    if rows < x.shape[0] {
      x = x.rows(0..<rows)
      let path = NSTemporaryDirectory() + "dcrl-knn-input.f32"
      try ManifoldBenchmarkSupport.writeMatrix(x, to: path)
      peerInput = ["--input", path, "--rows", "\(rows)", "--cols", "\(x.shape[1])"]
    }
    var report = [
      "# dcrl-bench knn (\(dataset), \(x.shape[0])×\(x.shape[1]), k = \(k))", "",
      RunMetadata.current().markdown, "",
      "- ours: KNNGraph(exact:neighbors:) (float32 blocked GEMM on the upper triangle, float64 re-ranking)",
      "- peer: Scripts/peer/knn_peer.py (NearestNeighbors(algorithm='brute').kneighbors())", "",
    ]
    print(report.joined(separator: "\n"))
    var table: [[String]] = []
    var peerVersion = "n/a"
    for threads in threadCounts {
      CPUBackend.setBLASThreads(threads)
      let (graph, seconds) = try ManifoldBenchmarkSupport.time {
        try KNNGraph(exact: x, neighbors: k, threads: threads)
      }
      var row = ["\(threads)", formatted(seconds, decimals: 2)]
      if !arguments.isSet("no-peer") {
        let out = NSTemporaryDirectory() + "dcrl-knn-peer.i32"
        if let peer = ManifoldBenchmarkSupport.runPeer(
          ["Scripts/peer/knn_peer.py"] + peerInput + [
            "--neighbors", "\(k)", "--threads", "\(threads)", "--out", out,
          ]),
          let peerSeconds = peer["seconds"] as? Double
        {
          peerVersion = "\(peer["library"] ?? "?") \(peer["version"] ?? "?")"
          let peerIndices = try ManifoldBenchmarkSupport.readLabels(out)
          // Neighbour sets can differ only where distances tie at the k-th place.
          var same = 0
          for i in 0..<graph.count
          where Set(graph.neighbors(of: i)) == Set(peerIndices[i * k..<(i + 1) * k]) { same += 1 }
          row += [
            formatted(peerSeconds, decimals: 2), formatted(seconds / peerSeconds, decimals: 3),
            formatted(Double(same) / Double(graph.count), decimals: 5),
          ]
        }
      }
      table.append(row)
      print(row.joined(separator: " | "))
    }
    report.append("peer: \(peerVersion)\n")
    report.append(
      markdownTable(
        ["threads", "ours s", "peer s", "ours/peer (≤ 1)", "identical neighbour sets"], table))
    print(report.suffix(2).joined(separator: "\n"))
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }
}
