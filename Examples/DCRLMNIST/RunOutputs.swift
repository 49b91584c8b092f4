// RunOutputs: what DCRLMNIST writes — the epoch log, evaluations, latent codes, a t-SNE plot.

import DCRL
import Datasets
import Foundation
import Manifold
import Metrics
import Plotting
import Tensor
import _CommandLineSupport

extension DCRLConfiguration.Benchmark {
  /// The DCRL preset key of a dataset.
  init(datasetName: DatasetName) {
    switch datasetName {
    case .mnistFull: self = .mnistFull
    case .mnistTest: self = .mnistTest
    case .usps: self = .usps
    case .fashionMNIST: self = .fashionMNIST
    case .reutersR8: self = .reuters
    }
  }
}

/// The output folder of one run.
struct RunOutputs {
  let directory: URL
  let log: CSVLog

  init(directory: URL) throws {
    self.directory = directory
    log = try CSVLog(
      url: directory.appendingPathComponent("epochs.csv"),
      header: [
        "epoch", "alpha", "beta", "L_C", "L_rec", "L_rank", "L_iso", "L_align", "label_change",
        "empty_clusters", "size_entropy", "acc", "nmi", "seconds",
      ])
  }

  func log(_ r: DCRLEpochReport) throws {
    func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
    try log.append([
      "\(r.epoch)", cell(r.weights.alpha), cell(r.weights.beta), cell(r.clustering),
      cell(r.reconstruction),
      cell(r.ranking), cell(r.isometry), cell(r.alignment), cell(r.labelChange),
      "\(r.emptyClusters)",
      cell(r.sizeEntropy), cell(r.accuracy), cell(r.nmi), cell(r.seconds),
    ])
  }

  func loadAutoencoder(from url: URL, _ c: DCRLConfiguration, _ features: Int) throws -> Autoencoder
  {
    var rng = Xoshiro256(seed: c.seed)
    let autoencoder = Autoencoder(
      inputDimension: features, hiddenSizes: c.hiddenSizes, latentDimension: c.latentDimension,
      using: &rng)
    try autoencoder.loadParameters(from: url)
    return autoencoder
  }

  /// Prints ACC and NMI (both normalisers) of the model's predictions and writes codes and labels.
  func evaluate(_ model: DCRLModel, on data: LabeledDataset, part: String) throws -> Double {
    let predicted = try model.predict(data.features)
    let accuracy = try clusteringAccuracy(predicted, data.labels)
    let geometric = try normalizedMutualInformation(
      predicted, data.labels, normalization: .geometric)
    let arithmetic = try normalizedMutualInformation(
      predicted, data.labels, normalization: .arithmetic)
    print(
      "\(part): ACC \(String(format: "%.4f", accuracy))  NMI \(String(format: "%.4f", geometric)) (geometric) "
        + "\(String(format: "%.4f", arithmetic)) (arithmetic)")
    let suffix = part.hasPrefix("test") ? "-test" : ""
    try NPY.write(
      try model.transform(data.features),
      to: directory.appendingPathComponent("latent\(suffix).npy"))
    try NPY.write(labels: predicted, to: directory.appendingPathComponent("predicted\(suffix).npy"))
    return accuracy
  }

  /// A t-SNE of the latent codes (at most 20,000 points), coloured by the true class.
  func plot(_ model: DCRLModel, on data: LabeledDataset, title: String) throws {
    let count = min(data.count, 20_000)
    let codes = try model.transform(data.features.rows(0..<count))
    var configuration = TSNE.Configuration()
    configuration.gradientMethod = count > 5_000 ? .fftInterpolation() : .barnesHut(angle: 0.5)
    let embedding = try TSNE(configuration: configuration).fit(codes).embedding.doubles
    var plot = ScatterPlot(title: "DCRL latent codes of \(title), t-SNE (\(count) points)")
    plot.legendTitle = "class"
    plot.add(
      x: stride(from: 0, to: embedding.count, by: 2).map { embedding[$0] },
      y: stride(from: 1, to: embedding.count, by: 2).map { embedding[$0] },
      labels: Array(data.labels.prefix(count)))
    let file = directory.appendingPathComponent("latent-tsne.png")
    try plot.render(width: 1000, height: 800).writePNG(to: file.path)
    print("plot: \(file.path)")
  }
}
