// dcrl-bench spectral: SC-Ncut (normalised-cut spectral clustering on a 10-NN graph) on MNIST,
// with ACC/NMI, time and peak memory.

import Clustering
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

enum SpectralBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench spectral",
    summary: "SC-Ncut (spectral clustering, block Krylov eigensolver) on MNIST",
    flags: [
      .option(
        "data", "DIR", help: "folder with the MNIST IDX .gz files [DCRL_DATA, then the cache]"),
      .option("samples", "N", help: "use the first N images of MNIST-full", default: "70000"),
      .option("last", "N", help: "use the last N images instead (10000 = MNIST-test)"),
      .option(
        "x", "FILE", help: "cluster this .npy [N, d] instead of the pixels (labels from MNIST)"),
      .option(
        "neighbors", "K", help: "neighbours in the affinity graph (incl. the point)", default: "10"),
      .option(
        "embedding", "KIND", help: "row embedding", default: "normalizedRows",
        choices: ["normalizedRows", "randomWalk"]),
      .option("seed", "N", help: "seed of the eigensolver and k-means", default: "0"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    print(
      ["# dcrl-bench spectral", "", RunMetadata.current().markdown, ""].joined(separator: "\n"))
    let mnist = try loadMNIST(directory: try mnistDirectory(arguments.string("data")))
    let total = mnist.images.shape[0]
    let range: Range<Int>
    if let last: Int = try arguments.value("last") {
      range = (total - last)..<total
    } else {
      range = 0..<(try arguments.required("samples", as: Int.self))
    }
    let x =
      try arguments.string("x").map { try readNPY($0).rows(range) } ?? mnist.images.rows(range)
    let labels = Array(mnist.labels[range])
    let configuration = SpectralClustering.Configuration(
      clusters: 10, affinity: .nearestNeighbors(try arguments.required("neighbors")),
      eigensolver: .blockKrylov,
      embedding: SpectralClustering.Embedding(rawValue: arguments.string("embedding")!)!,
      seed: try arguments.required("seed"))
    let clock = ContinuousClock()
    let start = clock.now
    let model = try SpectralClustering(configuration: configuration).fit(x)
    let seconds = (clock.now - start).seconds
    let rows = [
      [
        "\(x.shape[0])×\(x.shape[1])",
        formatted(try clusteringAccuracy(model.labels, labels), decimals: 4),
        formatted(
          try normalizedMutualInformation(model.labels, labels, normalization: .geometric),
          decimals: 4),
        formatted(
          try normalizedMutualInformation(model.labels, labels, normalization: .arithmetic),
          decimals: 4),
        "\(model.eigensolverRestarts)\(model.eigensolverConverged ? "" : " (not converged)")",
        formatted(seconds, decimals: 1), formatted(Double(peakResidentBytes()) / 1e9, decimals: 2),
      ]
    ]
    print(
      markdownTable(
        [
          "input", "ACC", "NMI (geometric)", "NMI (arithmetic)", "Krylov restarts", "time s",
          "peak RSS GB",
        ], rows))
    print(
      "\nLaplacian eigenvalues: "
        + model.laplacianEigenvalues.map { String(format: "%.6f", $0) }.joined(separator: ", "))
  }
}
