// TSNE affinities: scikit-learn goldens for both P variants, invariants, duplicates, bad input.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

@Suite("TSNE affinities")
struct TSNEAffinitiesTests {
  @Test("all-points P equals scikit-learn's _joint_probabilities at perplexity 30", .tags(.golden))
  func exactP() throws {
    let fixture = try loadFixture("tsne_golden.json", in: .module).object("exact_p")
    let x = Tensor(fixture.doubles("x"), shape: [40, 5])
    let p = try TSNE.jointProbabilities(allPointsOf: x, perplexity: 30)
    let expected = fixture.doubles("p")
    // scikit-learn keeps the diagonal at 0 and floors the rest at machine epsilon.
    expectClose(p.dense(), expected, rtol: 1e-5, atol: 0)
    #expect(abs(p.sum - 1) < 1e-12)
  }

  @Test("kNN P equals scikit-learn's _joint_probabilities_nn over 91 neighbours", .tags(.golden))
  func nearestNeighborP() throws {
    let fixture = try loadFixture("tsne_golden.json", in: .module).object("nn_p")
    let x = Tensor(fixture.doubles("x"), shape: [150, 3])
    let graph = try KNNGraph(exact: x, neighbors: 91)
    let p = try TSNE.jointProbabilities(neighbors: graph, perplexity: 30)
    expectClose(p.dense(), fixture.doubles("p"), rtol: 1e-5, atol: 0)
  }

  @Test("P is symmetric, sums to 1, and each conditional row reaches the perplexity")
  func invariants() throws {
    var rng = Xoshiro256(seed: 4)
    let x = Tensor((0..<200 * 4).map { _ in rng.nextStandardNormal() }, shape: [200, 4])
    let graph = try KNNGraph(exact: x, neighbors: 46)
    let p = try TSNE.jointProbabilities(neighbors: graph, perplexity: 15)
    let dense = p.dense()
    for i in 0..<200 {
      for j in 0..<200 { #expect(abs(dense[i * 200 + j] - dense[j * 200 + i]) < 1e-18) }
    }
    #expect(abs(p.sum - 1) < 1e-12)
    // One conditional row: entropy within the search tolerance of log(15).
    let squared = graph.distances(of: 0).map { $0 * $0 }
    var row = [Double](repeating: 0, count: squared.count)
    squared.withUnsafeBufferPointer { d in
      row.withUnsafeMutableBufferPointer { out in
        _ = TSNE.conditionalProbabilities(
          squaredDistances: d, excluding: nil, perplexity: 15, into: out.baseAddress!)
      }
    }
    let entropy = -row.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
    #expect(abs(entropy - log(15)) < 1e-4)
    #expect(abs(row.reduce(0, +) - 1) < 1e-12)
  }

  @Test("I6: duplicate points give finite P and the search terminates")
  func duplicates() throws {
    // 40 copies of one point and 40 of another: the target perplexity 30 is unreachable for
    // points whose 40 nearest are exact duplicates at distance 0.
    var values: [Double] = []
    for i in 0..<80 { values += i < 40 ? [0, 0] : [1, 1] }
    let x = Tensor(values, shape: [80, 2])
    let p = try TSNE.jointProbabilities(
      neighbors: KNNGraph(exact: x, neighbors: 79), perplexity: 30)
    #expect(p.values.allSatisfy { $0.isFinite && $0 >= 0 })
    #expect(abs(p.sum - 1) < 1e-12)
    let all = try TSNE.jointProbabilities(allPointsOf: x, perplexity: 30)
    #expect(all.values.allSatisfy { $0.isFinite && $0 >= 0 })
    // Everything identical: uniform conditionals.
    let same = try TSNE.jointProbabilities(
      neighbors: KNNGraph(
        exact: Tensor([Double](repeating: 2, count: 20), shape: [10, 2]), neighbors: 9),
      perplexity: 5)
    expectClose(same.values, [Double](repeating: 1.0 / 90, count: 90), rtol: 1e-12)
  }

  @Test("I14: perplexity >= n throws, as scikit-learn does")
  func perplexityTooLarge() {
    let x = Tensor((0..<20).map(Double.init), shape: [10, 2])
    #expect(
      throws: ManifoldError.tooFewSamples(
        samples: 10, parameter: "perplexity", value: "10.0", constraint: "less than n_samples")
    ) {
      try TSNE.jointProbabilities(allPointsOf: x, perplexity: 10)
    }
    var configuration = TSNE.Configuration()
    configuration.perplexity = 30
    #expect(throws: ManifoldError.self) { try TSNE(configuration: configuration).fit(x) }
  }
}
