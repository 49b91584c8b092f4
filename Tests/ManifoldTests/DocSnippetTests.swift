// DocSnippetTests: the code snippets of the Manifold DocC pages, doc comments and guides,
// compiled and run (on smaller data than the prose suggests).

import Foundation
import Tensor
import Testing

@testable import Manifold

@Suite("Manifold doc snippets")
struct ManifoldDocSnippetTests {
  private let latentCodes: Tensor = {
    var rng = Xoshiro256(seed: 1)
    return Tensor((0..<90 * 10).map { _ in Float(rng.nextStandardNormal()) }, shape: [90, 10])
  }()

  @Test("Manifold.md / TSNE doc comment: t-SNE with the sklearn021 preset")
  func tsneSnippet() throws {
    var configuration = TSNE.Configuration.sklearn021
    configuration.seed = 0
    configuration.maxIterations = 300  // the snippet uses the preset's 1000
    let points = try TSNE(configuration: configuration).fit(latentCodes).embedding
    #expect(points.shape == [90, 2] && points.dtype == .float32)
  }

  @Test("TSNE guide: the openTSNE preset with a progress callback")
  func progressSnippet() throws {
    var configuration = TSNE.Configuration.openTSNE
    configuration.maxIterations = 100
    var reports = 0
    let result = try TSNE(configuration: configuration).fit(latentCodes) { report in
      reports += 1
      _ = (report.iteration, report.klDivergence)
      return .continue
    }
    // On these 90 points the exaggerated phase meets the gradient-norm stop at its first check.
    #expect(reports >= 1 && reports == result.history.count)
    #expect(result.iterations <= 100 && result.iterations % 50 == 0)
    #expect(result.stopReason == .smallGradient)
  }

  @Test("UMAP guide and doc comment: figure settings, transform, N2D-style embedding")
  func umapSnippet() throws {
    var figures = UMAP.Configuration.dcrlFigures
    figures.epochs = 30
    let fitted = try UMAP(configuration: figures).fit(latentCodes)
    #expect(fitted.embedding.shape == [90, 2])
    let more = try fitted.transform(latentCodes.rows(0..<5))
    #expect(more.shape == [5, 2])
    var n2d = UMAP.Configuration()
    n2d.components = 10
    n2d.minimumDistance = 0
    n2d.epochs = 30
    #expect(try UMAP(configuration: n2d).fit(latentCodes).embedding.shape == [90, 10])
  }
}
