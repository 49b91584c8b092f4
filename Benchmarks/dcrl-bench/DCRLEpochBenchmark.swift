// dcrl-bench dcrl-epoch: the DCRL fine-tuning epoch proxy on MNIST-full shapes, on any backend,
// with the time of each stage and the projection to the paper's 300 epochs.

import Foundation
import Tensor
import _CommandLineSupport

enum DCRLEpochBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench dcrl-epoch",
    summary:
      "time one DCRL fine-tuning epoch proxy on MNIST-full (stages and 300-epoch projection)",
    flags: [
      .option(
        "backend", "NAME", help: "backend", default: "cuda", choices: ["cpu", "cuda", "reference"]),
      .option("data", "DIR", help: "data directory holding mnist/ [DCRL_DATA, then the cache]"),
      .option("samples", "N", help: "use only the first N images (0: all 70000)", default: "0"),
      .option(
        "epochs", "N", help: "epochs to run; the first is a warm-up when N > 1", default: "2"),
      .option("device", "N", help: "CUDA device ordinal", default: "0"),
      .option(
        "cuda-library-path", "DIRS",
        help: "colon-separated CUDA library directories (default: $DCRL_CUDA_LIBRARY_PATH)"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let backend = try CUDASetup.backend(
      named: arguments.string("backend")!, device: try arguments.required("device"),
      libraryPath: arguments.string("cuda-library-path"))
    print(
      "# dcrl-bench dcrl-epoch\n\n\(RunMetadata.current().markdown)\n- backend: \(backend.name)\n")
    let lines = try epochReport(
      on: backend, data: try mnistDirectory(arguments.string("data")),
      samples: try arguments.required("samples"),
      epochs: try arguments.required("epochs"))
    print(lines.joined(separator: "\n"))
  }

  /// Runs the proxy and returns a Markdown report, or a line saying why it was skipped.
  static func epochReport(on backend: any Backend, data: String, samples: Int, epochs: Int) throws
    -> [String]
  {
    guard let directory = MNISTImages.directory(in: data) else {
      return [
        "DCRL epoch proxy skipped: no MNIST files (\(MNISTImages.files.joined(separator: ", "))) "
          + "under \(data) or \(data)/mnist"
      ]
    }
    var x = try MNISTImages.load(from: directory, on: backend)
    var labels = try MNISTImages.labels(in: directory)
    if samples > 0 && samples < x.shape[0] {
      x = x.rows(0..<samples)
      labels = labels.map { Array($0.prefix(samples)) }
    }
    var proxy = DCRLEpochProxy(x: x, partition: labels, seed: 0)
    var timings: [DCRLEpochProxy.Timing] = []
    for _ in 0..<max(epochs, 1) { timings.append(try proxy.runEpoch()) }
    let measured = timings.last!
    var lines = [
      "## DCRL fine-tuning epoch proxy, \(x.shape[0]) × \(x.shape[1]) "
        + (x.shape[0] == 70_000 ? "(MNIST-full)" : "(the first \(x.shape[0]) MNIST images)")
        + ", batch 256\n",
      "Epoch \(timings.count) of \(timings.count) (earlier epochs are warm-up). Random weights: "
        + "timing only, not a result. The kNN stage is a brute-force stand-in for the Manifold "
        + "module; π is "
        + (labels == nil ? "argmax Q" : "the MNIST labels (cluster sizes of a converged run)")
        + ".\n",
    ]
    lines.append(
      markdownTable(
        ["stage", "seconds"],
        measured.stages.map { [$0.name, formatted($0.seconds, decimals: 3)] }
          + [["**epoch**", formatted(measured.total, decimals: 3)]]))
    let batchStage = measured.stages.first { $0.name.contains("mini-batch") }?.seconds ?? .nan
    let perBatch = batchStage / Double(max(measured.batches, 1))
    lines.append(
      "\nPer mini-batch step: \(formatted(perBatch * 1e3, decimals: 2)) ms. Projected 300 "
        + "fine-tuning epochs: \(formatted(measured.total * 300 / 60, decimals: 1)) min "
        + "(pretraining, the t-SNE/k-means start and metrics not included).")
    return lines
  }
}
