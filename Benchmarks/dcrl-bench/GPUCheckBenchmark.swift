// dcrl-bench gpu-check: everything a GPU session must run, in one command — the CUDA backend's
// parity with the reference backend, GEMM and autoencoder-step timings against PyTorch CUDA,
// and DCRLTrainer's fine-tuning epoch on MNIST-full.

import Autograd
import Foundation
import NN
import Tensor
import _CommandLineSupport
import _ParitySupport

enum GPUCheckBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench gpu-check",
    summary: "CUDA backend: parity vs the reference, AE step vs PyTorch CUDA, DCRL epoch",
    flags: [
      .option("device", "N", help: "CUDA device ordinal", default: "0"),
      .option(
        "cuda-library-path", "DIRS",
        help: "colon-separated CUDA library directories (default: $DCRL_CUDA_LIBRARY_PATH)"),
      .option(
        "parity", "LEVEL", help: "parity case list", default: "thorough",
        choices: ["quick", "thorough", "none"]),
      .option("batch", "N", help: "batch size of the autoencoder step", default: "256"),
      .option("time", "SECONDS", help: "minimum timing budget per measurement", default: "2.0"),
      .option(
        "peer", "PATH", help: "PyTorch peer script", default: "Scripts/peer/torch_ae_step.py"),
      .switch("no-peer", help: "skip the PyTorch peer"),
      .option("data", "DIR", help: "data directory holding mnist/ [DCRL_DATA, then the cache]"),
      .option("epoch-samples", "N", help: "images for the DCRL epoch (0: all)", default: "0"),
      .switch("no-epoch", help: "skip the DCRL epoch"),
      .switch("no-timing", help: "skip every timing (GEMM, autoencoder step, DCRL epoch)"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  /// Why gpu-check exits non-zero after printing its report.
  struct CheckFailed: Error, CustomStringConvertible {
    let description: String
  }

  static func run(_ arguments: ParsedArguments) throws {
    var report: [String] = []
    func emit(_ text: String) {
      print(text)
      fflush(nil)
      report.append(text)
    }
    defer {
      if let out = arguments.string("out") {
        try? report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
      }
    }
    let batch: Int = try arguments.required("batch")
    let budget: Double = try arguments.required("time")
    let samples: Int = try arguments.required("epoch-samples")
    emit("# dcrl-bench gpu-check\n\n\(RunMetadata.current().markdown)\n")
    let configuration = CUDASetup.configuration(
      device: try arguments.required("device"),
      libraryPath: arguments.string("cuda-library-path"))
    emit("## CUDA libraries\n")
    emit("Search directories: \(configuration.searchDirectories)\n")
    emit(CUDASetup.libraryLines(configuration).joined(separator: "\n"))
    let backend: CUDABackend
    do {
      let clock = ContinuousClock()
      let start = clock.now
      backend = try CUDABackend(configuration: configuration)
      emit("\n## Device\n\n\(backend.information)\n")
      emit("Backend created (kernels compiled and loaded) in \(seconds(clock.now - start)) s.\n")
    } catch {
      emit("\nCUDA unavailable: \(error)")
      throw CheckFailed(description: "CUDA unavailable")
    }

    var parityFailures = 0
    switch arguments.string("parity") {
    case "none": emit("\nParity skipped (--parity none).")
    case "quick": parityFailures = parity(backend, options: .quick, emit: emit)
    default: parityFailures = parity(backend, options: .thorough, emit: emit)
    }
    if arguments.isSet("no-timing") {
      emit("\nTimings skipped (--no-timing).")
    } else {
      timings(
        backend, batch: batch, budget: budget,
        peer: arguments.isSet("no-peer") ? nil : arguments.string("peer"),
        epochSamples: arguments.isSet("no-epoch") ? nil : samples,
        data: try mnistDirectory(arguments.string("data")),
        emit: emit)
    }
    let usage = backend.memoryUsage
    emit(
      "\nDevice memory: peak \(usage.peak >> 20) MiB held by tensors, "
        + "\(usage.cached >> 20) MiB cached at the end.")
    if parityFailures > 0 {
      throw CheckFailed(description: "\(parityFailures) parity check(s) failed")
    }
  }

  /// The GEMM table, the autoencoder step against PyTorch and DCRLTrainer's epoch.
  ///
  /// `peer` is the PyTorch script (`nil`: skip); `epochSamples` the images of the DCRL epoch
  /// (`nil`: skip it, 0: all).
  static func timings(
    _ backend: CUDABackend, batch: Int, budget: Double, peer: String?, epochSamples: Int?,
    data: String, emit: (String) -> Void
  ) {
    emit(gemmTable(backend, batch: batch, budget: budget))
    emit(trainingStep(backend, batch: batch, budget: budget, peer: peer))
    if let epochSamples {
      do {
        let lines = try DCRLEpochBenchmark.epochReport(
          on: backend, data: data, samples: epochSamples, epochs: 2)
        emit("\n" + lines.joined(separator: "\n"))
      } catch {
        emit("\nDCRL epoch failed: \(error)")
      }
    }
  }

  /// Prints the parity table and returns the number of failed primitives.
  static func parity(
    _ backend: CUDABackend, options: BackendParity.Options, emit: (String) -> Void
  ) -> Int {
    let clock = ContinuousClock()
    let start = clock.now
    // One line per primitive as it completes (stderr, so the report stays a table): if a CUDA
    // fault stops the process, the log shows what ran last.
    let results = BackendParity.run(backend, options: options) { result in
      FileHandle.standardError.write(Data("parity: \(result)\n".utf8))
    }
    let failed = results.filter { !$0.passed }
    emit(
      "\n## Parity: every primitive vs ReferenceBackend (float32, batch \(options.batch), "
        + "\(options.thorough ? "thorough" : "quick"))\n")
    emit(
      markdownTable(
        ["primitive", "result", "cases", "elements", "max abs err", "max rel err", "tolerance"],
        results.map {
          [
            $0.primitive, $0.passed ? "pass" : "**FAIL**", "\($0.cases)", "\($0.elements)",
            String(format: "%.3g", $0.maxAbsoluteError),
            String(format: "%.3g", $0.maxRelativeError),
            $0.tolerance.replacingOccurrences(of: "|", with: "\\|"),
          ]
        }))
    for result in failed { emit("- \(result)") }
    emit(
      "\n\(results.count - failed.count) of \(results.count) primitives pass "
        + "(\(seconds(clock.now - start)) s).")
    return failed.count
  }

  /// cuBLAS SGEMM through the backend on every GEMM shape of one autoencoder step.
  static func gemmTable(_ backend: CUDABackend, batch: Int, budget: Double) -> String {
    var rows: [[String]] = []
    for (label, m, n, k, tA, tB) in KernelsBenchmark.gemmShapes(batch: batch) {
      var rng = Xoshiro256(seed: 1)
      let a = Tensor.randomUniform(tA ? [k, m] : [m, k], on: backend, using: &rng)
      let b = Tensor.randomUniform(tB ? [n, k] : [k, n], on: backend, using: &rng)
      var c = Tensor.zeros([m, n], on: backend)
      let timing = measure("gemm", warmup: 3, minimumRuns: 20, minimumTime: budget / 4) {
        matmul(a, b, transposeA: tA, transposeB: tB, beta: 0, accumulatingInto: &c)
        backend.synchronize()
      }
      rows.append([
        label, "\(m)×\(n)×\(k)", formatted(timing.median * 1e6, decimals: 1),
        formatted(2 * Double(m * n * k) / timing.median / 1e9, decimals: 0),
      ])
    }
    return "\n## cuBLAS SGEMM through the backend (float32, synchronised per call)\n\n"
      + markdownTable(["GEMM", "m×n×k", "median µs", "GFLOP/s"], rows)
  }

  /// The autoencoder step on the GPU against PyTorch CUDA in the same command.
  static func trainingStep(
    _ backend: CUDABackend, batch: Int, budget: Double, peer: String?
  ) -> String {
    var rng = Xoshiro256(seed: 0)
    let sizes = KernelsBenchmark.layerSizes
    let encoder = Sequential.perceptron(sizes, on: backend, using: &rng)
    let decoder = Sequential.perceptron(sizes.reversed(), on: backend, using: &rng)
    let parameters = encoder.parameters + decoder.parameters
    let x = Tensor.randomUniform([batch, sizes[0]], on: backend, using: &rng)
    var optimizer = Adam(learningRate: 1e-3)
    let ours = measure("AE step", warmup: 10, minimumRuns: 50, minimumTime: budget) {
      _ = valueWithGradient(at: parameters) { meanSquaredError(decoder(encoder(x)), x) }
      optimizer.update(parameters)
      backend.synchronize()
    }
    var lines = [
      "\n## Autoencoder training step on the GPU (784-500-500-2000-10 mirrored, batch \(batch), "
        + "MSE, Adam; synchronised per step)\n"
    ]
    var rows = [
      [
        "Swift CUDABackend", formatted(ours.median * 1e3, decimals: 3),
        formatted(ours.minimum * 1e3, decimals: 3), "\(ours.samples.count)",
      ]
    ]
    var peerLine = "PyTorch peer skipped (--no-peer)."
    if let peer {
      switch runPeer(script: peer, batch: batch, budget: budget) {
      case .success(let (torch, device)):
        rows.append([
          "PyTorch CUDA (\(device))", formatted(torch.median * 1e3, decimals: 3),
          formatted(torch.minimum * 1e3, decimals: 3), "\(torch.samples.count)",
        ])
        peerLine =
          "Swift/PyTorch median ratio: **\(formatted(ours.median / torch.median, decimals: 3))** "
          + "(goal ≤ 1.0)."
      case .failure(let error):
        peerLine = "PyTorch peer failed: \(error.description)"
      }
    }
    lines.append(markdownTable(["implementation", "median ms", "min ms", "runs"], rows))
    lines.append("\n" + peerLine)
    return lines.joined(separator: "\n")
  }

  struct PeerError: Error, CustomStringConvertible {
    let description: String
  }

  /// Runs the PyTorch peer on CUDA, keeping its error output for the report when it fails.
  static func runPeer(
    script: String, batch: Int, budget: Double
  ) -> Result<(Timing, String), PeerError> {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", script, "--device", "cuda", "--batch", "\(batch)", "--time", "\(budget)",
    ]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do {
      try process.run()
    } catch {
      return .failure(PeerError(description: "cannot start python3: \(error)"))
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let messages = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
      let line = text.split(separator: "\n").last,
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let samples = object["samples"] as? [Double]
    else {
      let tail = messages.split(separator: "\n").suffix(8).joined(separator: "\n")
      return .failure(
        PeerError(description: "exit \(process.terminationStatus)\n```\n\(tail)\n```"))
    }
    let device = object["device"] as? String ?? "cuda"
    let version = object["torch"] as? String ?? "?"
    return .success((Timing(name: "PyTorch", samples: samples), "\(device), torch \(version)"))
  }

  static func seconds(_ duration: Duration) -> String { formatted(duration.seconds, decimals: 2) }
}
