// Tests of GaussianMixture: scikit-learn goldens from given parameters (full and diagonal),
// k-means initialisation on blobs, and bad input.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import Clustering

@Suite("GaussianMixture")
struct GaussianMixtureTests {
  @Test(
    "EM from given parameters matches scikit-learn (full and diagonal)", .tags(.golden),
    arguments: [GaussianMixture.CovarianceType.full, .diagonal])
  func golden(covariance: GaussianMixture.CovarianceType) throws {
    let m = try loadFixture("clustering.json", in: .module).object("mixture")
    let n = Int(m.double("n"))
    let x = Tensor(m.doubles("x"), shape: [n, 2])
    let means = m.doubles("means0")
    let full = m.doubles("covariances_full0")
    let diagonal = m.doubles("variances_diag0")
    let covariances = (0..<3).map { component in
      covariance == .full
        ? Array(full[(component * 4)..<((component + 1) * 4)])
        : Array(diagonal[(component * 2)..<((component + 1) * 2)])
    }
    let configuration = GaussianMixture.Configuration(
      components: 3, covariance: covariance, tolerance: 1e-6, maxIterations: 200,
      initialization: .parameters(
        weights: m.doubles("weights0"),
        means: (0..<3).map { Array(means[($0 * 2)..<($0 * 2 + 2)]) },
        covariances: covariances))
    let model = try GaussianMixture(configuration: configuration).fit(x)
    let g = m.object(covariance == .full ? "full" : "diag")
    #expect(model.labels == g.ints("labels"))
    #expect(model.iterations == Int(g.double("iterations")))
    #expect(model.converged)
    expectClose([model.lowerBound], [g.double("lower_bound")], rtol: 1e-10)
    expectClose(model.weights, g.doubles("weights"), rtol: 1e-8)
    expectClose(model.means.doubles, g.doubles("means"), rtol: 1e-8, atol: 1e-10)
    expectClose(model.covariances.doubles, g.doubles("covariances"), rtol: 1e-7, atol: 1e-10)
    let head = x.rows(0..<5)
    expectClose(
      try model.predictProbabilities(head).doubles, g.doubles("proba"), rtol: 1e-7, atol: 1e-12)
    expectClose(try model.logLikelihoods(head), g.doubles("score_samples"), rtol: 1e-9)
  }

  @Test(
    "several fixed starting partitions keep scikit-learn's n_init winner (full and diagonal)",
    .tags(.golden), arguments: [GaussianMixture.CovarianceType.full, .diagonal])
  func partitionsGolden(covariance: GaussianMixture.CovarianceType) throws {
    let m = try loadFixture("clustering.json", in: .module).object("mixture_partitions")
    let n = Int(m.double("n"))
    let x = Tensor(m.doubles("x"), shape: [n, 2])
    let flat = m.ints("starts")
    let starts = (0..<(flat.count / n)).map { Array(flat[($0 * n)..<(($0 + 1) * n)]) }
    #expect(starts.count == 4)
    func fit(_ partitions: [[Int]]) throws -> GaussianMixtureModel {
      try GaussianMixture(
        configuration: .init(
          components: 3, covariance: covariance, tolerance: 1e-6, maxIterations: 200,
          initialization: .partitions(partitions))
      ).fit(x)
    }
    let g = m.object(covariance == .full ? "full" : "diag")
    let alone = try starts.map { try fit([$0]).lowerBound }
    expectClose(alone, g.doubles("lower_bounds_alone"), rtol: 1e-9)
    let model = try fit(starts)
    #expect(model.labels == g.ints("labels"))
    #expect(model.iterations == Int(g.double("iterations")))
    expectClose([model.lowerBound], [g.double("lower_bound")], rtol: 1e-10)
    expectClose(model.means.doubles, g.doubles("means"), rtol: 1e-8, atol: 1e-10)
    // The winner is not the first start, so the choice itself is exercised.
    #expect(alone.firstIndex(of: alone.max()!)! > 0)
  }

  @Test(
    "k-means initialisation separates blobs (ACC 1), seeded and deterministic", .tags(.behaviour))
  func blobs() throws {
    var rng = Xoshiro256(seed: 8)
    var values: [Double] = []
    var truth: [Int] = []
    for index in 0..<240 {
      let c = index % 3
      values += [
        Double(c * 8) + rng.nextStandardNormal(),
        Double(c % 2 * 5) + 0.5 * rng.nextStandardNormal(),
      ]
      truth.append(c)
    }
    let x = Tensor(values, shape: [240, 2])
    for covariance in GaussianMixture.CovarianceType.allCases {
      let a = try GaussianMixture(components: 3, covariance: covariance, runs: 2, seed: 5).fit(x)
      let b = try GaussianMixture(components: 3, covariance: covariance, runs: 2, seed: 5).fit(x)
      #expect(try clusteringAccuracy(a.labels, truth) == 1)
      #expect(a.labels == b.labels && a.lowerBound == b.lowerBound)
      #expect(try a.predict(x) == a.labels)
      let rows = try a.predictProbabilities(x).doubles
      for i in 0..<240 { #expect(abs(rows[(i * 3)..<(i * 3 + 3)].reduce(0, +) - 1) < 1e-12) }
    }
  }

  @Test("the E-step's responsibilities and mean log-likelihood equal a plain log-sum-exp")
  func expectationMatchesPlainLogSumExp() throws {
    var rng = SplitMix64(seed: 7)
    let n = 300
    let values = (0..<(n * 3)).map { _ in Double(rng.next() % 10_000) / 1_000 - 5 }
    let problem = MixtureProblem(
      values: values, count: n, dimension: 3,
      configuration: GaussianMixture.Configuration(components: 4))
    let labels = (0..<n).map { $0 % 4 }
    let parameters = try problem.parameters(fromLabels: labels)
    let (responsibilities, mean) = problem.expectation(parameters)
    // The reference: each row normalised by log Σ exp over its components, row by row.
    let weighted = problem.weightedLogProbabilities(parameters)
    var expected: [Double] = []
    var total = 0.0
    for i in 0..<n {
      let row = Array(weighted[(i * 4)..<((i + 1) * 4)])
      let maximum = row.max()!
      let normalizer = maximum + log(row.reduce(0.0) { $0 + exp($1 - maximum) })
      total += normalizer
      expected += row.map { exp($0 - normalizer) }
    }
    // The same operations in the same order: equal bits, not just close values.
    #expect(responsibilities == expected)
    #expect(mean == total / Double(n))
  }

  @Test("I11 I16 I20 and a collapsed component throw typed errors")
  func badInput() throws {
    let x = Tensor([0, 0, 1, 1, 2, 2] as [Double], shape: [3, 2])
    #expect(
      throws: ClusteringError.input(
        .invalidValue(
          parameter: "initialization.partitions[0]", value: "label 2",
          constraint: "labels must lie in 0..<2"))
    ) {
      try GaussianMixture(
        configuration: .init(components: 2, initialization: .partitions([[0, 1, 2]]))
      )
      .fit(x)
    }
    #expect(
      throws: ClusteringError.input(
        .lengthMismatch(
          parameter: "initialization.partitions[1]", count: 2, other: "x", otherCount: 3))
    ) {
      try GaussianMixture(
        configuration: .init(components: 2, initialization: .partitions([[0, 1, 1], [0, 1]]))
      ).fit(x)
    }
    #expect(
      throws: ClusteringError.input(
        .invalidValue(
          parameter: "initialization", value: "no partitions", constraint: "needs at least one"))
    ) {
      try GaussianMixture(configuration: .init(components: 2, initialization: .partitions([])))
        .fit(x)
    }
    #expect(throws: ClusteringError.tooFewSamples(samples: 3, clusters: 4)) {
      try GaussianMixture(components: 4).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try GaussianMixture(components: 1, tolerance: -1).fit(x)
    }
    #expect(throws: ClusteringError.self) {
      try GaussianMixture(components: 1, regularization: -1).fit(x)
    }
    // Three identical points with no regularisation: the covariance is singular.
    let same = Tensor([1, 1, 1, 1, 1, 1] as [Double], shape: [3, 2])
    #expect(throws: ClusteringError.self) {
      try GaussianMixture(components: 1, regularization: 0).fit(same)
    }
    // With the default regularisation it is fine.
    #expect(try GaussianMixture(components: 1).fit(same).labels == [0, 0, 0])
    let model = try GaussianMixture(components: 1).fit(x)
    #expect(
      throws: ClusteringError.input(.featureMismatch(parameter: "x", features: 1, expected: 2))
    ) {
      try model.predict(Tensor.zeros([2, 1], dtype: .float64))
    }
  }
}
