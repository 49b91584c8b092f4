// dcrl-bench kernels: GEMM through CPUBackend against raw cblas_sgemm on the autoencoder's
// shapes, and one autoencoder training step against PyTorch at 1 and 2 threads.

import Autograd
import COpenBLAS
import Foundation
import NN
import Tensor
import _CommandLineSupport

enum KernelsBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench kernels",
    summary: "GEMM via the backend vs raw cblas_sgemm, and an AE training step vs PyTorch",
    flags: [
      .option("threads", "LIST", help: "OpenBLAS thread counts to run", default: "1,2"),
      .option("batch", "N", help: "batch size of the training step", default: "256"),
      .option("time", "SECONDS", help: "minimum timing budget per measurement", default: "1.0"),
      .option(
        "peer", "PATH", help: "PyTorch peer script", default: "Scripts/peer/torch_ae_step.py"),
      .switch("no-peer", help: "skip the PyTorch peer"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  /// The autoencoder of DEC/DCRL: 784-500-500-2000-10 with a mirrored decoder.
  static let layerSizes = [784, 500, 500, 2000, 10]

  /// (m, n, k, transposeA, transposeB) for every GEMM one training step performs.
  static func gemmShapes(batch: Int) -> [(String, Int, Int, Int, Bool, Bool)] {
    var shapes: [(String, Int, Int, Int, Bool, Bool)] = []
    let sizes = layerSizes + layerSizes.reversed().dropFirst()
    var seen = Set<String>()
    for index in 0..<(sizes.count - 1) {
      let (input, output) = (sizes[index], sizes[index + 1])
      let candidates = [
        ("forward  x·Wᵀ", batch, output, input, false, true),
        ("backward g·W", batch, input, output, false, false),
        ("backward gᵀ·x", output, input, batch, true, false),
      ]
      for shape in candidates {
        let key = "\(shape.1)x\(shape.2)x\(shape.3)\(shape.4)\(shape.5)"
        if seen.insert(key).inserted { shapes.append(shape) }
      }
    }
    return shapes
  }

  static func run(_ arguments: ParsedArguments) throws {
    let threadCounts: [Int] = try arguments.list("threads") ?? [1, 2]
    let batch: Int = try arguments.required("batch")
    let budget: Double = try arguments.required("time")
    var report = ["# dcrl-bench kernels", "", RunMetadata.current().markdown, ""]
    func emit(_ text: String) {
      print(text)
      report.append(text)
    }
    print(report.joined(separator: "\n"))

    for threads in threadCounts {
      CPUBackend.setBLASThreads(threads)
      emit("\n## GEMM, \(threads) thread(s), float32\n")
      var rows: [[String]] = []
      for (label, m, n, k, tA, tB) in gemmShapes(batch: batch) {
        let (backendTime, rawTime) = timeGEMM(
          m: m, n: n, k: k, transposeA: tA, transposeB: tB, budget: budget)
        let gflops = 2 * Double(m * n * k) / 1e9
        rows.append([
          label, "\(m)×\(n)×\(k)", formatted(rawTime * 1e6, decimals: 1),
          formatted(backendTime * 1e6, decimals: 1), formatted(gflops / backendTime, decimals: 1),
          formatted(rawTime / backendTime, decimals: 3),
        ])
      }
      emit(
        markdownTable(
          [
            "GEMM", "m×n×k", "raw cblas µs", "backend µs", "backend GFLOP/s", "raw/backend (≥0.95)",
          ], rows))
    }

    emit(
      "\n## Autoencoder training step (784-500-500-2000-10, mirrored; batch \(batch); MSE; Adam)\n")
    var rows: [[String]] = []
    for threads in threadCounts {
      CPUBackend.setBLASThreads(threads)
      let ours = timeTrainingStep(batch: batch, budget: max(budget, 2))
      var peer = "n/a"
      var ratio = "n/a"
      if !arguments.isSet("no-peer"),
        let torch = peerStep(script: arguments.string("peer")!, threads: threads, batch: batch)
      {
        peer = formatted(torch.median * 1e3, decimals: 2)
        ratio = formatted(ours.median / torch.median, decimals: 3)
      }
      rows.append([
        "\(threads)", formatted(ours.median * 1e3, decimals: 2),
        formatted(ours.minimum * 1e3, decimals: 2),
        peer, ratio,
      ])
    }
    emit(
      markdownTable(
        [
          "threads", "Swift median ms", "Swift min ms", "PyTorch median ms", "Swift/PyTorch (≤0.8)",
        ], rows))
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// Median seconds of one GEMM through `matmul` (backend path, output allocated per call as in
  /// training) and through `cblas_sgemm` directly into a preallocated output.
  static func timeGEMM(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, budget: Double)
    -> (Double, Double)
  {
    var rng = Xoshiro256(seed: 1)
    let a = Tensor.randomUniform(transposeA ? [k, m] : [m, k], using: &rng)
    let b = Tensor.randomUniform(transposeB ? [n, k] : [k, n], using: &rng)
    let aHost = a.floats
    let bHost = b.floats
    var c = [Float](repeating: 0, count: m * n)
    // Interleave the two so that clock and noise drift affect both alike.
    var backendSamples: [Double] = []
    var rawSamples: [Double] = []
    let clock = ContinuousClock()
    let start = clock.now
    var rounds = 0
    while rounds < 10 || (clock.now - start).seconds < budget {
      let t0 = clock.now
      let result = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
      let t1 = clock.now
      aHost.withUnsafeBufferPointer { ap in
        bHost.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            cblas_sgemm(
              CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
              transposeB ? CblasTrans : CblasNoTrans,
              Int32(m), Int32(n), Int32(k), 1, ap.baseAddress, Int32(transposeA ? m : k),
              bp.baseAddress,
              Int32(transposeB ? k : n), 0, cp.baseAddress, Int32(n))
          }
        }
      }
      let t2 = clock.now
      withExtendedLifetime(result) {}
      if rounds >= 2 {
        backendSamples.append((t1 - t0).seconds)
        rawSamples.append((t2 - t1).seconds)
      }
      rounds += 1
    }
    return (
      Timing(name: "backend", samples: backendSamples).median,
      Timing(name: "raw", samples: rawSamples).median
    )
  }

  /// One denoising-free autoencoder step: forward, MSE, backward, Adam.
  static func timeTrainingStep(batch: Int, budget: Double) -> Timing {
    var rng = Xoshiro256(seed: 0)
    let encoder = Sequential.perceptron(layerSizes, using: &rng)
    let decoder = Sequential.perceptron(layerSizes.reversed(), using: &rng)
    let parameters = encoder.parameters + decoder.parameters
    let x = Tensor.randomUniform([batch, layerSizes[0]], using: &rng)
    var optimizer = Adam(learningRate: 1e-3)
    return measure("AE step", warmup: 5, minimumRuns: 20, minimumTime: budget) {
      _ = valueWithGradient(at: parameters) { meanSquaredError(decoder(encoder(x)), x) }
      optimizer.update(parameters)
      CPUBackend.shared.synchronize()
    }
  }

  /// The PyTorch step time from the peer script on `device` (`cpu` or `cuda`), or `nil` when
  /// it cannot run.
  static func peerStep(
    script: String, threads: Int, batch: Int, device: String = "cpu", time: Double = 2
  ) -> Timing? {
    guard
      let output = runCommand(
        "python3",
        [
          script, "--device", device, "--threads", "\(threads)", "--batch", "\(batch)", "--time",
          "\(time)",
        ]),
      let line = output.split(separator: "\n").last,
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let samples = object["samples"] as? [Double]
    else {
      FileHandle.standardError.write(Data("dcrl-bench: PyTorch peer \(script) did not run\n".utf8))
      return nil
    }
    return Timing(name: "PyTorch", samples: samples)
  }
}
