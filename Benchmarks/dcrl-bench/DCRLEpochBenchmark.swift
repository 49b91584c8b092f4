// dcrl-bench dcrl-epoch: DCRLTrainer's fine-tuning epochs on MNIST-full, on any backend, with the
// projection to the paper's 300 epochs.

import DCRL
import Foundation
import Tensor
import _CommandLineSupport

enum DCRLEpochBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench dcrl-epoch",
    summary:
      "time DCRLTrainer's fine-tuning epochs on MNIST-full (per epoch and 300-epoch projection)",
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

  /// Fits DCRL for `epochs` fine-tuning epochs on `backend` and returns a Markdown report of
  /// their times, or a line saying why it was skipped.
  ///
  /// The trainer is `DCRLTrainer` with the paper's MNIST-full settings, except that the warm-up
  /// is 0 epochs, so that every epoch takes the mini-batch steps on `α·L_C + L_rec + L_rank` and
  /// the full-data step on `β·L_iso + L_align` (the cost of an epoch does not depend on the
  /// weights), and that it starts from a randomly initialised autoencoder instead of
  /// pretraining one: the times are the trainer's, the clusters are not a result.
  static func epochReport(on backend: any Backend, data: String, samples: Int, epochs: Int) throws
    -> [String]
  {
    guard let directory = MNISTImages.directory(in: data) else {
      return [
        "DCRL epoch timing skipped: no MNIST files "
          + "(\(MNISTImages.files.joined(separator: ", "))) under \(data) or \(data)/mnist"
      ]
    }
    var x = try MNISTImages.load(from: directory, on: backend)
    if samples > 0 && samples < x.shape[0] { x = x.rows(0..<samples) }
    var configuration = DCRLConfiguration.paper(for: .mnistFull)
    configuration.epochs = max(epochs, 1)
    configuration.warmUpEpochs = 0
    var rng = Xoshiro256(seed: configuration.seed)
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: configuration.hiddenSizes,
      latentDimension: configuration.latentDimension, on: backend, using: &rng)
    var reports: [DCRLEpochReport] = []
    let clock = ContinuousClock()
    let start = clock.now
    _ = try DCRLTrainer(configuration: configuration, backend: backend).fit(
      x, autoencoder: autoencoder,
      progress: { report in
        reports.append(report)
        return .continue
      })
    let total = (clock.now - start).seconds
    guard let measured = reports.last else { return ["DCRL epoch timing: no epoch ran"] }
    let epochSeconds = reports.reduce(0) { $0 + $1.seconds }
    let batches = (x.shape[0] + configuration.batchSize - 1) / configuration.batchSize
    var lines = [
      "## DCRLTrainer fine-tuning epochs, \(x.shape[0]) × \(x.shape[1]) "
        + (x.shape[0] == 70_000 ? "(MNIST-full)" : "(the first \(x.shape[0]) MNIST images)")
        + ", batch \(configuration.batchSize)\n",
      "The paper's MNIST-full preset without warm-up, from a random autoencoder (timing only, "
        + "not a result). Epoch \(reports.count) of \(reports.count) is the measured one "
        + "(earlier epochs are warm-up). Each epoch: the full-data pass (Z, Q, P, π, the input "
        + "centres and the L_iso pairs), \(batches) mini-batch steps and the full-data step.\n",
    ]
    lines.append(
      markdownTable(
        ["epoch", "α", "β", "seconds"],
        reports.map {
          [
            "\($0.epoch)", formatted($0.weights.alpha, decimals: 4),
            formatted($0.weights.beta, decimals: 4), formatted($0.seconds, decimals: 3),
          ]
        }))
    lines.append(
      "\nMeasured epoch: \(formatted(measured.seconds, decimals: 3)) s, "
        + "\(formatted(measured.seconds / Double(batches) * 1e3, decimals: 2)) ms per mini-batch "
        + "step including the epoch's full-data work. Projected 300 fine-tuning epochs: "
        + "\(formatted(measured.seconds * 300 / 60, decimals: 1)) min (pretraining, the "
        + "t-SNE/k-means start and metrics not included; the start took "
        + "\(formatted(total - epochSeconds, decimals: 2)) s here).")
    return lines
  }
}
