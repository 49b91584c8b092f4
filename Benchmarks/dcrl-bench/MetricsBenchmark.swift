// dcrl-bench metrics: the six structure metrics on MNIST-full (70 000 × 784 pixels against a
// 10-d embedding, k = 3…7) with time and peak memory, and scikit-learn's trustworthiness on a
// subsample timed in the same run.

import Foundation
import Metrics
import Tensor
import _CommandLineSupport

enum MetricsBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench metrics",
    summary: "Trust/Cont/RRE/RMRE/LGD/CRA on MNIST-full, and scikit-learn on a subsample",
    flags: [
      .option(
        "data", "DIR", help: "folder with the MNIST IDX .gz files [DCRL_DATA, then the cache]"),
      .option("samples", "N", help: "points of MNIST-full to use (the first N)", default: "70000"),
      .option(
        "z", "FILE", help: "embedding .npy [N, m]; default: a seeded Gaussian projection to 10-d"),
      .option("block", "N", help: "rows per GEMM tile", default: "1024"),
      .option(
        "peer-samples", "N", help: "subsample size for the scikit-learn comparison", default: "5000"
      ),
      .option(
        "peer", "PATH", help: "scikit-learn peer script", default: "Scripts/peer/sklearn_metrics.py"
      ),
      .switch("no-peer", help: "skip the scikit-learn comparison"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let samples: Int = try arguments.required("samples")
    let blockSize: Int = try arguments.required("block")
    let peerSamples: Int = try arguments.required("peer-samples")
    var report = ["# dcrl-bench metrics", "", RunMetadata.current().markdown, ""]
    func emit(_ text: String) {
      print(text)
      report.append(text)
    }
    print(report.joined(separator: "\n"))

    let mnist = try loadMNIST(directory: try mnistDirectory(arguments.string("data")))
    let x = samples == mnist.images.shape[0] ? mnist.images : mnist.images.rows(0..<samples)
    let labels = Array(mnist.labels.prefix(samples))
    let z: Tensor
    if let path = arguments.string("z") {
      z = try readNPY(path).rows(0..<samples)
    } else {
      let projection = Tensor.randomNormal(
        [784, 10], standardDeviation: 1 / 28, seed: 0)
      z = matmul(x, projection)
    }
    emit(
      "X: \(x.shape) \(x.dtype); Z: \(z.shape) \(z.dtype); k = 3…7; block \(blockSize); "
        + "OpenBLAS threads \(CPUBackend.blasThreads); load average before the run "
        + "\(loadAverage())\n")

    // The full run.
    let cpuStart = processCPUSeconds()
    let clock = ContinuousClock()
    let start = clock.now
    let metrics = try structureMetrics(
      x, z, neighbors: 3...7, classLabels: labels, blockSize: blockSize)
    let seconds = (clock.now - start).seconds
    let rss = Double(peakResidentBytes()) / 1e9
    let cpu = processCPUSeconds() - cpuStart
    let loadAfter = loadAverage()
    emit("## All six metrics, n = \(samples)\n")
    emit(
      markdownTable(
        [
          "Trust", "Cont", "RRE", "RMRE", "LGD", "CRA (class means)", "time s (≤ 120)",
          "CPU s (user + sys)", "peak RSS GB (≤ 2)",
        ],
        [
          [
            formatted(metrics.trustworthiness, decimals: 5),
            formatted(metrics.continuity, decimals: 5),
            formatted(metrics.relativeRankError, decimals: 5),
            formatted(metrics.rootMeanReconstructionError, decimals: 4),
            formatted(metrics.localGeometricDistortion, decimals: 5),
            formatted(metrics.clusterRankAccuracy ?? .nan, decimals: 3),
            formatted(seconds, decimals: 1), formatted(cpu, decimals: 1),
            formatted(rss, decimals: 2),
          ]
        ]))
    emit(
      "\nLoad average after the run: \(loadAfter). Other processes on this shared 2-core "
        + "machine lengthen the wall-clock time; the CPU time is what the run itself used.")
    emit("\nPer k:\n")
    emit(
      markdownTable(
        ["k", "Trust", "Cont", "MRRE_XZ", "MRRE_ZX", "LGD"],
        metrics.neighborhoods.map {
          [
            "\($0.neighbors)", formatted($0.trustworthiness, decimals: 5),
            formatted($0.continuity, decimals: 5),
            formatted($0.mrreXZ, decimals: 5), formatted($0.mrreZX, decimals: 5),
            formatted($0.localGeometricDistortion, decimals: 5),
          ]
        }))

    if !arguments.isSet("no-peer") {
      try comparePeer(
        x: x.rows(0..<peerSamples), z: z.rows(0..<peerSamples), script: arguments.string("peer")!,
        blockSize: blockSize, emit: emit)
    }
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// scikit-learn's `trustworthiness` for k = 3…7 on a subsample against ours (all six metrics)
  /// on the same points.
  static func comparePeer(
    x: Tensor, z: Tensor, script: String, blockSize: Int, emit: (String) -> Void
  ) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-bench-metrics-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let xPath = directory.appendingPathComponent("x.npy").path
    let zPath = directory.appendingPathComponent("z.npy").path
    try writeNPY(x, to: xPath)
    try writeNPY(z, to: zPath)
    let n = x.shape[0]
    emit("\n## Against scikit-learn on the first \(n) points\n")
    guard let peer = runPeer(script, ["--x", xPath, "--z", zPath]),
      let peerSeconds = peer["seconds"] as? Double, let peerTrust = peer["trust"] as? [Double]
    else {
      emit("scikit-learn peer did not run")
      return
    }
    let clock = ContinuousClock()
    let start = clock.now
    let ours = try structureMetrics(x, z, neighbors: 3...7, blockSize: blockSize)
    let seconds = (clock.now - start).seconds
    let trustOnly = measure("trust", warmup: 0, minimumRuns: 1, maximumRuns: 1) {
      _ = try? trustworthiness(x, z, neighbors: 3...7, blockSize: blockSize)
    }.median
    let difference =
      zip(ours.neighborhoods.map(\.trustworthiness), peerTrust).map { abs($0 - $1) }.max() ?? .nan
    emit(
      markdownTable(
        ["what", "Swift s", "scikit-learn s", "Swift/scikit-learn", "max |ΔTrust(k)|"],
        [
          [
            "Trust(k), k = 3…7", formatted(trustOnly, decimals: 3),
            formatted(peerSeconds, decimals: 3),
            formatted(trustOnly / peerSeconds, decimals: 3), String(format: "%.2e", difference),
          ],
          [
            "all six metrics (Swift) vs Trust only (scikit-learn)", formatted(seconds, decimals: 3),
            formatted(peerSeconds, decimals: 3), formatted(seconds / peerSeconds, decimals: 3), "",
          ],
        ]))
    emit(
      "\nscikit-learn \(peer["version"] as? String ?? "?"), peak RSS of the peer: "
        + "\(formatted((peer["peak_rss_bytes"] as? Double ?? .nan) / 1e9, decimals: 2)) GB")
  }
}
