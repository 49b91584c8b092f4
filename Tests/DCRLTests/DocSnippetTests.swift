// The DCRL DocC snippets, kept here so they compile (and, where they are quick, run).

import DCRL
import Datasets
import Foundation
import Metrics
import Tensor
import Testing

/// The landing page's snippet (DCRL.docc/DCRL.md), verbatim inside a function.
///
/// Running it means a full MNIST-test run, so the test below only checks that it compiles.
private func landingPageSnippet(dataDirectory: URL) throws -> [Int] {
  let mnist = try LabeledDataset.load(.mnistTest, from: dataDirectory)
  let trainer = DCRLTrainer(configuration: .paper(for: .mnistTest))
  let model = try trainer.fit(
    mnist.features, labels: mnist.labels,
    progress: { report in
      print(report.summary)
      return .continue
    })
  let clusters = try model.predict(mnist.features)
  return clusters
}

@Suite("DCRL documentation snippets")
struct DocSnippetTests {
  @Test("the landing page's MNIST snippet compiles")
  func landingPage() {
    let snippet: (URL) throws -> [Int] = landingPageSnippet
    _ = snippet
  }

  @Test("the Getting started snippet runs: fit, predict, transform, save")
  func gettingStarted() throws {
    let (x, labels) = syntheticMixture(perCluster: 30, seed: 9)
    // From GettingStarted.md, with a small network and schedule as the article advises.
    var configuration = DCRLConfiguration()
    configuration.clusters = 10
    configuration.hiddenSizes = [32]
    configuration.latentDimension = 5
    configuration.pretraining.epochs = 20
    configuration.epochs = 6
    configuration.warmUpEpochs = 1
    configuration.scheduleEnd = 3
    configuration.centerInitialization = .kMeans
    var lines = 0
    let model = try DCRLTrainer(configuration: configuration).fit(
      x,
      progress: { report in
        lines += report.summary.isEmpty ? 0 : 1
        return .continue
      })
    let clusters = try model.predict(x)
    let codes = try model.transform(x)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-doc-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    try model.save(to: directory)
    #expect(lines == 6 && clusters.count == 300 && codes.shape == [300, 5])
    #expect(try clusteringAccuracy(clusters, labels) > 0.5)
  }
}
