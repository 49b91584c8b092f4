// dcrl-bench datasets: time to load MNIST-full from its .gz files into a Tensor, against a
// NumPy + gzip peer measured in the same command; optionally every other dataset's load time.

import Datasets
import Foundation
import Tensor
import _CommandLineSupport

enum DatasetsBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench datasets",
    summary: "MNIST-full load time (checksums, gunzip, IDX, /255) vs a NumPy + gzip peer",
    flags: [
      .option(
        "data", "DIR",
        help: "data root holding mnist/, usps/, reuters-r8/ [DCRL_DATA, then the cache]"),
      .option("runs", "N", help: "timed runs per measurement (after one warm-up)", default: "5"),
      .option(
        "peer", "PATH", help: "NumPy peer script", default: "Scripts/peer/numpy_load_mnist.py"),
      .switch("no-peer", help: "skip the NumPy peer"),
      .switch("all", help: "also time the other datasets (no peer)"),
      .option(
        "pca", "K", help: "also time PCA-K of MNIST-full vs scikit-learn (0: skip)", default: "50"),
      .option("threads", "N", help: "OpenBLAS threads for PCA (and the peer)", default: "2"),
      .option(
        "pca-peer", "PATH", help: "scikit-learn PCA peer", default: "Scripts/peer/sklearn_pca.py"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let store = datasetStore(arguments.string("data"))
    let runs: Int = try arguments.required("runs")
    var report = ["# dcrl-bench datasets", "", RunMetadata.current().markdown, ""]
    func emit(_ text: String) {
      print(text)
      report.append(text)
    }
    print(report.joined(separator: "\n"))

    let mnist = try store.directory(for: .mnistFull)
    let ours = try timeLoad(.mnistFull, from: mnist, runs: runs)
    emit("\n## MNIST-full (70,000 × 784, float32) from the four IDX .gz files\n")
    var rows = [
      ["Swift Datasets (SHA-256 + zlib + IDX + /255)", ms(ours.median), ms(ours.minimum), "1.000"]
    ]
    if !arguments.isSet("no-peer") {
      for verify in [true, false] {
        guard
          let peer = peerLoad(
            script: arguments.string("peer")!, directory: mnist, runs: runs, verify: verify)
        else { continue }
        rows.append([
          "NumPy + gzip" + (verify ? " + hashlib SHA-256" : " (no checksum)"), ms(peer.median),
          ms(peer.minimum),
          formatted(ours.median / peer.median, decimals: 3),
        ])
      }
    }
    emit(markdownTable(["loader", "median ms", "min ms", "Swift / this"], rows))
    emit("\nTarget: Swift median ≤ 1500 ms (issue 4). Measured: \(ms(ours.median)) ms.")

    let components: Int = try arguments.required("pca")
    if components > 0 {
      let threads: Int = try arguments.required("threads")
      try timePCA(
        components: components, threads: threads, directory: mnist, runs: max(1, runs / 2),
        arguments: arguments, emit: emit)
    }

    if arguments.isSet("all") {
      emit("\n## Other datasets (Swift only)\n")
      var others: [[String]] = []
      for name in [DatasetName.mnistTest, .fashionMNIST, .usps, .reutersR8] {
        let timing = try timeLoad(
          name, from: try store.directory(for: name), runs: max(1, runs / 2))
        others.append([
          name.rawValue, "\(name.sampleCount) × \(name.featureCount)", ms(timing.median),
        ])
      }
      emit(markdownTable(["dataset", "shape", "median ms"], others))
    }
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// PCA-`components` fit + transform of MNIST-full, against scikit-learn's covariance_eigh.
  static func timePCA(
    components: Int, threads: Int, directory: URL, runs: Int, arguments: ParsedArguments,
    emit: (String) -> Void
  ) throws {
    CPUBackend.setBLASThreads(threads)
    let features = try LabeledDataset.load(.mnistFull, from: directory).features
    let clock = ContinuousClock()
    var samples: [Double] = []
    var ratio = 0.0
    for run in 0...runs {
      let start = clock.now
      let model = try PCA(components: components).fit(features)
      let reduced = try model.transform(features)
      CPUBackend.shared.synchronize()
      if run > 0 { samples.append((clock.now - start).seconds) }
      precondition(reduced.shape == [features.shape[0], components])
      ratio = model.explainedVarianceRatio.reduce(0, +)
    }
    let ours = Timing(name: "PCA", samples: samples)
    emit(
      "\n## PCA-\(components) fit + transform of MNIST-full (float32, \(threads) BLAS thread(s))\n")
    var rows = [
      [
        "Swift PCA (GEMM covariance + dsyevr)", ms(ours.median), formatted(ratio, decimals: 6),
        "1.000",
      ]
    ]
    if !arguments.isSet("no-peer") {
      let flags = [
        "--data", directory.path, "--components", "\(components)", "--runs", "\(runs)", "--threads",
        "\(threads)",
      ]
      if let output = runCommand("python3", [arguments.string("pca-peer")!] + flags),
        let line = output.split(separator: "\n").last,
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let peerSamples = object["samples"] as? [Double], let peerRatio = object["ratio"] as? Double
      {
        let peer = Timing(name: "sklearn", samples: peerSamples)
        rows.append([
          "scikit-learn PCA (covariance_eigh)", ms(peer.median), formatted(peerRatio, decimals: 6),
          formatted(ours.median / peer.median, decimals: 3),
        ])
      } else {
        FileHandle.standardError.write(Data("dcrl-bench: scikit-learn PCA peer did not run\n".utf8))
      }
    }
    emit(markdownTable(["PCA", "median ms", "explained variance ratio", "Swift / this"], rows))
  }

  /// One untimed warm-up load, then `runs` timed loads.
  static func timeLoad(_ name: DatasetName, from directory: URL, runs: Int) throws -> Timing {
    let clock = ContinuousClock()
    _ = try LabeledDataset.load(name, from: directory)
    var samples: [Double] = []
    for _ in 0..<runs {
      let start = clock.now
      let dataset = try LabeledDataset.load(name, from: directory)
      CPUBackend.shared.synchronize()
      samples.append((clock.now - start).seconds)
      precondition(dataset.count == name.sampleCount)
    }
    return Timing(name: name.rawValue, samples: samples)
  }

  /// The NumPy peer's load times, or `nil` when it cannot run.
  static func peerLoad(script: String, directory: URL, runs: Int, verify: Bool) -> Timing? {
    let flags = ["--data", directory.path, "--runs", "\(runs)"] + (verify ? [] : ["--no-verify"])
    guard let output = runCommand("python3", [script] + flags),
      let line = output.split(separator: "\n").last,
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let samples = object["samples"] as? [Double]
    else {
      FileHandle.standardError.write(Data("dcrl-bench: NumPy peer \(script) did not run\n".utf8))
      return nil
    }
    return Timing(name: "NumPy", samples: samples)
  }

  static func ms(_ seconds: Double) -> String { formatted(seconds * 1e3, decimals: 1) }
}
