// dcrl-bench tsne: t-SNE against scikit-learn (DCRL's 3000 × 10 centre initialisation) and
// openTSNE (MNIST-full, PCA-50 input), timed in the same command on the same threads.

import Foundation
import Manifold
import Plotting
import Tensor
import _CommandLineSupport

enum TSNEBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench tsne",
    summary: "t-SNE vs scikit-learn (3000×10, sklearn021) or openTSNE (MNIST 70k, FFT)",
    flags: [
      .option(
        "dataset", "NAME", help: "dcrl3000 or mnist70k", default: "dcrl3000",
        choices: ["dcrl3000", "mnist70k"]),
      .option("threads", "LIST", help: "thread counts to run", default: "1,2"),
      .option(
        "method", "NAME",
        help: "gradient: bh, fft or exact (default: bh for dcrl3000, fft for mnist70k)",
        choices: ["bh", "fft", "exact"]),
      .option("inputs", "DIR", help: "shared raw inputs", default: ".build/bench-data"),
      .option(
        "mnist", "DIR", help: "MNIST IDX files (to prepare the inputs) [DCRL_DATA, then the cache]"),
      .option("seed", "N", help: "seed of both sides", default: "0"),
      .option(
        "iterations", "N", help: "override our iteration count (profiling; the peer keeps its own)"),
      .switch("no-peer", help: "skip the Python peer"),
      .option("png", "FILE", help: "render the last embedding, coloured by label, to FILE"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let dataset = arguments.string("dataset")!
    let threadCounts: [Int] = try arguments.list("threads") ?? [1, 2]
    let inputs = arguments.string("inputs")!
    let seed: UInt64 = try arguments.required("seed")
    try ManifoldBenchmarkSupport.prepareInputs(
      dataDirectory: inputs, mnistDirectory: try mnistDirectory(arguments.string("mnist")))
    let large = dataset == "mnist70k"
    let (rows, columns) = large ? (70_000, 50) : (3000, 10)
    let file = inputs + (large ? "/mnist70k_pca50.f32" : "/mnist3000_pca10.f32")
    let x = try ManifoldBenchmarkSupport.readMatrix(file, rows: rows, columns: columns)
    let labels = Array(
      try ManifoldBenchmarkSupport.readLabels(inputs + "/mnist70k_labels.i32").prefix(rows))

    var configuration = large ? TSNE.Configuration.openTSNE : TSNE.Configuration.sklearn021
    configuration.seed = seed
    if let iterations: Int = try arguments.value("iterations") {
      configuration.maxIterations = iterations
    }
    switch arguments.string("method") ?? (large ? "fft" : "bh") {
    case "fft": configuration.gradientMethod = .fftInterpolation()
    case "exact": configuration.gradientMethod = .exact
    default: configuration.gradientMethod = .barnesHut(angle: 0.5)
    }
    let peerLibrary = large ? "opentsne" : "sklearn021"
    let evaluated = large ? ManifoldBenchmarkSupport.subsample(rows, count: 5000) : Array(0..<rows)
    let xEvaluated = x.gatheringRows(evaluated)

    var report = [
      "# dcrl-bench tsne (\(dataset))", "", RunMetadata.current().markdown, "",
      "- input: \(file) (\(rows)×\(columns) float32; PCA by scikit-learn, Scripts/peer/manifold_inputs.py)",
      "- ours: \(configuration.gradientMethod), learning rate \(configuration.learningRate), "
        + "init \(configuration.initialization), \(configuration.maxIterations) iterations, seed \(seed)",
      "- peer: Scripts/peer/tsne_peer.py --library \(peerLibrary)",
      "- trustworthiness (k = 5) on \(large ? "a fixed 5000-point subsample" : "all points")", "",
    ]
    print(report.joined(separator: "\n"))
    var tableRows: [[String]] = []
    var lastEmbedding: Tensor?
    var peerVersion = "n/a"
    for threads in threadCounts {
      CPUBackend.setBLASThreads(threads)
      configuration.threads = threads
      let (result, seconds) = try ManifoldBenchmarkSupport.time {
        try TSNE(configuration: configuration).fit(x)
      }
      lastEmbedding = result.embedding
      let trust = ManifoldBenchmarkSupport.trustworthiness(
        xEvaluated, result.embedding.gatheringRows(evaluated), neighbors: 5)
      var row = [
        "\(threads)", formatted(seconds, decimals: 2), formatted(result.klDivergence, decimals: 4),
        formatted(trust, decimals: 4),
      ]
      if !arguments.isSet("no-peer") {
        let out = NSTemporaryDirectory() + "dcrl-tsne-peer-\(threads).f32"
        if let peer = ManifoldBenchmarkSupport.runPeer([
          "Scripts/peer/tsne_peer.py", "--library", peerLibrary, "--input", file, "--rows",
          "\(rows)",
          "--cols", "\(columns)", "--threads", "\(threads)", "--seed", "\(seed)", "--out", out,
        ]), let peerSeconds = peer["seconds"] as? Double {
          peerVersion = "\(peer["library"] ?? "?") \(peer["version"] ?? "?")"
          let peerEmbedding = try ManifoldBenchmarkSupport.readMatrix(out, rows: rows, columns: 2)
          let peerTrust = ManifoldBenchmarkSupport.trustworthiness(
            xEvaluated, peerEmbedding.gatheringRows(evaluated), neighbors: 5)
          row += [
            formatted(peerSeconds, decimals: 2),
            formatted(peer["kl"] as? Double ?? .nan, decimals: 4),
            formatted(peerTrust, decimals: 4), formatted(seconds / peerSeconds, decimals: 3),
          ]
        }
      }
      tableRows.append(row)
      print(row.joined(separator: " | "))
    }
    report.append("peer: \(peerVersion)\n")
    report.append(
      markdownTable(
        [
          "threads", "ours s", "ours KL", "ours trust", "peer s", "peer KL", "peer trust",
          "ours/peer time (≤ 1)",
        ],
        tableRows))
    print(report.suffix(2).joined(separator: "\n"))
    if let path = arguments.string("png"), let embedding = lastEmbedding {
      try renderEmbedding(
        embedding, labels: labels,
        title: "t-SNE of MNIST \(dataset == "mnist70k" ? "70k (PCA-50)" : "3000 (PCA-10)")",
        to: path)
      report.append("\nplot: \(path)")
    }
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// Writes a scatter plot of a 2-D embedding coloured by label.
  static func renderEmbedding(_ embedding: Tensor, labels: [Int], title: String, to path: String)
    throws
  {
    let values = embedding.doubles
    var plot = ScatterPlot(title: title)
    plot.add(
      x: stride(from: 0, to: values.count, by: 2).map { values[$0] },
      y: stride(from: 1, to: values.count, by: 2).map { values[$0] }, labels: labels)
    try plot.render(width: 1200, height: 1000).writePNG(to: path)
  }
}
