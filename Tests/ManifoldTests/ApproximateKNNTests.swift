// The approximate kNN graph: exact on low-dimensional data, high recall with exact distances on
// data whose variance is concentrated in a few axes (as images), and the UMAP switch.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

@Suite("Approximate kNN")
struct ApproximateKNNTests {
  /// `n` points of a 10-blob mixture in `d` coordinates whose scales decay as 1/√(1 + c), so
  /// most of the variance lies in the first few dozen axes.
  func decayingSpectrum(n: Int, d: Int, seed: UInt64) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    let centers = (0..<10).map { _ in (0..<d).map { _ in 3 * rng.nextStandardNormal() } }
    var x = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
      for c in 0..<d {
        x[i * d + c] =
          (centers[i % 10][c] + rng.nextStandardNormal()) / (1 + Double(c)).squareRoot()
      }
    }
    return Tensor(x, shape: [n, d])
  }

  @Test("with at most 64 features the approximate graph is the exact graph")
  func exactOnLowDimensions() throws {
    let x = decayingSpectrum(n: 700, d: 40, seed: 3)
    let approximate = try KNNGraph(approximate: x, neighbors: 12, includeSelf: true)
    let exact = try KNNGraph(exact: x, neighbors: 12, includeSelf: true)
    #expect(approximate.indices == exact.indices)
    #expect(approximate.distances == exact.distances)
  }

  @Test(
    "784 features, decaying spectrum: recall ≥ 0.99, exact distances, sorted, no self, same bits on 1 and 2 threads"
  )
  func recallOnHighDimensions() throws {
    let (n, d, k) = (1000, 784, 14)
    let x = decayingSpectrum(n: n, d: d, seed: 4)
    let approximate = try KNNGraph(approximate: x, neighbors: k, threads: 1)
    let exact = try KNNGraph(exact: x, neighbors: k)
    var found = 0
    for i in 0..<n {
      found += Set(approximate.neighbors(of: i)).intersection(exact.neighbors(of: i)).count
    }
    let recall = Double(found) / Double(n * k)
    #expect(recall >= 0.99, "recall \(recall)")
    let values = x.doubles
    for i in 0..<n {
      let distances = Array(approximate.distances(of: i))
      #expect(distances == distances.sorted())
      #expect(!approximate.neighbors(of: i).contains(i))
      for (j, distance) in zip(approximate.neighbors(of: i), distances) {
        var squares = 0.0
        for c in 0..<d {
          let delta = values[i * d + c] - values[j * d + c]
          squares += delta * delta
        }
        #expect(abs(distance - squares.squareRoot()) <= 1e-12 * max(1, distance))
      }
    }
    #expect(try KNNGraph(approximate: x, neighbors: k, threads: 2) == approximate)
  }

  @Test("I13 and I4 as the exact search: k ≥ n and NaN throw")
  func badInput() {
    #expect(throws: ManifoldError.self) {
      try KNNGraph(approximate: Tensor([1.0, 2, 3, 4] as [Double], shape: [2, 2]), neighbors: 2)
    }
    #expect(throws: ManifoldError.self) {
      try KNNGraph(
        approximate: Tensor([1, .nan, 3, 4, 5, 6] as [Double], shape: [3, 2]), neighbors: 1)
    }
  }

  @Test("UMAP searches approximately above 4096 samples with ≥ 256 features, or when asked")
  func umapSwitch() throws {
    let automatic = UMAP.Configuration.NeighborSearch.automatic
    #expect(automatic.isApproximate(samples: 70_000, features: 784))
    #expect(!automatic.isApproximate(samples: 70_000, features: 50))
    #expect(!automatic.isApproximate(samples: 4096, features: 784))
    #expect(!UMAP.Configuration.NeighborSearch.exact.isApproximate(samples: 70_000, features: 784))
    let (x, labels) = gaussianBlobs(
      centers: separatedCenters(clusters: 5, dimensions: 300, scale: 2, seed: 8), perCluster: 80,
      standardDeviation: 1, seed: 9)
    var configuration = UMAP.Configuration()
    configuration.epochs = 100
    configuration.threads = 1
    configuration.neighborSearch = .exact
    let exact = try UMAP(configuration: configuration).fit(x)
    configuration.neighborSearch = .approximate
    let fitted = try UMAP(configuration: configuration).fit(x)
    #expect(fitted.usedApproximateNeighbors && !exact.usedApproximateNeighbors)
    // Isotropic noise in 300 dimensions leaves little order inside a blob for either graph.
    let trust = trustworthiness(x, fitted.embedding, neighbors: 5)
    let exactTrust = trustworthiness(x, exact.embedding, neighbors: 5)
    #expect(trust > exactTrust - 0.01, "trustworthiness \(trust) vs \(exactTrust) exact")
    let accuracy = clusteringAccuracy(
      kMeansLabels(fitted.embedding, clusters: 5, seed: 0), labels)
    #expect(accuracy == 1, "ACC \(accuracy)")
    configuration.neighborSearch = .automatic
    #expect(!(try UMAP(configuration: configuration).fit(x).usedApproximateNeighbors))
  }
}
