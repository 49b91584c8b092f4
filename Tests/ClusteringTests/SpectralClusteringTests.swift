// Tests of SpectralClustering: Laplacian eigenvalues against SciPy, dense vs block Krylov,
// labels against scikit-learn on separated blobs, and bad input.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import Clustering

@Suite("SpectralClustering")
struct SpectralClusteringTests {
  let fixture: Fixture

  init() throws { fixture = try loadFixture("clustering.json", in: .module) }

  private func points(_ key: String) -> (Tensor, Fixture) {
    let s = fixture.object(key)
    return (Tensor(s.doubles("x"), shape: [Int(s.double("n")), 2]), s)
  }

  @Test(
    "Laplacian eigenvalues match SciPy's, dense and block Krylov, connected or not",
    .tags(.golden), arguments: ["spectral", "spectral_connected"],
    [SpectralClustering.Eigensolver.dense, .blockKrylov])
  func eigenvalues(key: String, solver: SpectralClustering.Eigensolver) throws {
    let (x, s) = points(key)
    let expected = s.doubles("laplacian_eigenvalues")
    let model = try SpectralClustering(
      clusters: expected.count, affinity: .nearestNeighbors(Int(s.double("neighbors"))),
      eigensolver: solver
    ).fit(x)
    #expect(model.eigensolverConverged)
    expectClose(model.laplacianEigenvalues, expected, rtol: 1e-6, atol: 1e-8)
  }

  @Test(
    "three separated blobs: the same partition as scikit-learn, with either embedding",
    .tags(.golden), arguments: SpectralClustering.Embedding.allCases)
  func labels(embedding: SpectralClustering.Embedding) throws {
    let (x, s) = points("spectral")
    for solver in [SpectralClustering.Eigensolver.dense, .blockKrylov] {
      let model = try SpectralClustering(
        clusters: 3, affinity: .nearestNeighbors(8), eigensolver: solver, embedding: embedding
      ).fit(x)
      #expect(try adjustedRandIndex(model.labels, s.ints("sklearn_labels")) == 1)
      #expect(model.embedding.shape == [120, 3])
    }
  }

  @Test("an RBF affinity separates blobs too", .tags(.behaviour))
  func radialBasis() throws {
    let (x, s) = points("spectral")
    let model = try SpectralClustering(clusters: 3, affinity: .radialBasis(gamma: 0.5)).fit(x)
    #expect(try adjustedRandIndex(model.labels, s.ints("sklearn_labels")) == 1)
  }

  @Test("the block Krylov solver agrees with LAPACK on a larger random graph", .tags(.parity))
  func krylovParity() throws {
    var rng = Xoshiro256(seed: 12)
    let x = Tensor.randomNormal([600, 5], dtype: .float64, using: &rng)
    let dense = try SpectralClustering(
      clusters: 6, affinity: .nearestNeighbors(12), eigensolver: .dense
    ).fit(x)
    let krylov = try SpectralClustering(
      clusters: 6, affinity: .nearestNeighbors(12), eigensolver: .blockKrylov
    ).fit(x)
    #expect(krylov.eigensolverConverged)
    expectClose(krylov.laplacianEigenvalues, dense.laplacianEigenvalues, rtol: 1e-6, atol: 1e-9)
  }

  @Test("I11 I20 bad input throws typed errors")
  func badInput() {
    let x = Tensor([0, 0, 1, 1, 2, 2] as [Double], shape: [3, 2])
    #expect(throws: ClusteringError.tooFewSamples(samples: 3, clusters: 4)) {
      try SpectralClustering(clusters: 4).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try SpectralClustering(clusters: 2, affinity: .nearestNeighbors(1)).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try SpectralClustering(clusters: 2, affinity: .nearestNeighbors(5)).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try SpectralClustering(clusters: 2, affinity: .radialBasis(gamma: 0)).fit(x)
    }
  }

  @Test("R4 a dense affinity or eigensolver beyond the dense limit throws before allocating")
  func denseLimit() {
    let n = SpectralClustering.denseLimit + 1
    let x = Tensor.zeros([n, 2], dtype: .float64)
    #expect(throws: ClusteringError.self) {
      try SpectralClustering(clusters: 2, affinity: .radialBasis(gamma: 1)).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try SpectralClustering(clusters: 2, eigensolver: .dense).fit(x)
    }
  }
}
