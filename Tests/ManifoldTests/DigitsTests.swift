// Digits (scikit-learn's 1797 × 64): trustworthiness of our t-SNE and UMAP against the values
// scikit-learn, openTSNE and umap-learn reach with the same settings (recorded by
// Scripts/golden/manifold_umap_digits.py, mean over seeds 0–2).

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

private let slowTestsEnabled = ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil

@Suite(
  "Digits trustworthiness", .tags(.slow, .behaviour),
  .enabled(if: slowTestsEnabled, "set DCRL_SLOW_TESTS=1"))
struct DigitsTests {
  private static func load() throws -> (x: Tensor, references: Fixture) {
    let fixture = try loadFixture("digits_reference.json", in: .module)
    return (Tensor(fixture.doubles("x"), shape: [1797, 64]), fixture.object("references"))
  }

  private func check(_ embedding: Tensor, _ x: Tensor, against reference: Double, _ name: String) {
    let trust = trustworthiness(x, embedding, neighbors: 5)
    #expect(abs(trust - reference) <= 0.01, "\(name): ours \(trust), reference \(reference)")
  }

  @Test("t-SNE with the sklearn021 preset is within 0.01 of scikit-learn's trustworthiness")
  func tsne021() throws {
    let (x, references) = try Self.load()
    var configuration = TSNE.Configuration.sklearn021
    configuration.seed = 0
    let embedding = try TSNE(configuration: configuration).fit(x).embedding
    check(embedding, x, against: references.object("sklearn_tsne_021").double("mean"), "sklearn021")
  }

  @Test(
    "t-SNE with modern defaults is within 0.01 of scikit-learn's",
    arguments: [
      TSNE.Configuration.GradientMethod.barnesHut(), .fftInterpolation(),
    ])
  func tsneModern(method: TSNE.Configuration.GradientMethod) throws {
    let (x, references) = try Self.load()
    var configuration = TSNE.Configuration()
    configuration.gradientMethod = method
    let embedding = try TSNE(configuration: configuration).fit(x).embedding
    check(
      embedding, x, against: references.object("sklearn_tsne_modern").double("mean"), "\(method)")
  }

  @Test("t-SNE with the openTSNE preset is within 0.01 of openTSNE's")
  func tsneOpenTSNE() throws {
    let (x, references) = try Self.load()
    let embedding = try TSNE(configuration: .openTSNE).fit(x).embedding
    check(embedding, x, against: references.object("opentsne_default").double("mean"), "openTSNE")
  }

  @Test("UMAP with umap-learn's defaults and with the DCRL figure settings is within 0.01")
  func umap() throws {
    let (x, references) = try Self.load()
    var defaults = UMAP.Configuration()
    defaults.threads = 1
    check(
      try UMAP(configuration: defaults).fit(x).embedding, x,
      against: references.object("umap_default").double("mean"), "UMAP defaults")
    var figures = UMAP.Configuration.dcrlFigures
    figures.threads = 1
    check(
      try UMAP(configuration: figures).fit(x).embedding, x,
      against: references.object("umap_dcrl_figures").double("mean"), "UMAP figures")
  }
}
