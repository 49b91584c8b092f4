// Tests of KMeans: scikit-learn goldens from fixed initial centres, the hand-computed weighted
// 4-point case, empty-cluster relocation, seeding, invariants and bad input.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import Clustering

@Suite("KMeans")
struct KMeansTests {
  let fixture: Fixture

  init() throws { fixture = try loadFixture("clustering.json", in: .module) }

  private func rows(_ values: [Double], width: Int) -> [[Double]] {
    stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
  }

  @Test(
    "fixed initial centres reproduce scikit-learn's labels, centres, inertia and iterations",
    .tags(.golden), arguments: ["uniform", "weighted"], [DType.float64, .float32])
  func golden(weighting: String, dtype: DType) throws {
    let k = fixture.object("kmeans")
    let n = Int(k.double("n"))
    let x = Tensor(converting: k.doubles("x"), shape: [n, 3], dtype: dtype)
    let expected = k.object(weighting)
    let weights = weighting == "weighted" ? expected.doubles("weights") : nil
    let model = try KMeans(
      clusters: 4, initialization: .centers(rows(k.doubles("init"), width: 3)), runs: 1
    ).fit(x, sampleWeights: weights)
    #expect(model.labels == expected.ints("labels"))
    #expect(model.iterations == Int(expected.double("iterations")))
    let tolerance = dtype == .float64 ? 1e-10 : 1e-5
    expectClose(
      model.centers.doubles, expected.doubles("centers"), rtol: tolerance, atol: tolerance)
    expectClose([model.inertia], [expected.double("inertia")], rtol: tolerance)
    #expect(model.converged)
  }

  @Test(
    "more than 32 features (the GEMM path) also reproduces scikit-learn", .tags(.golden),
    arguments: [DType.float64, .float32])
  func goldenWide(dtype: DType) throws {
    let k = fixture.object("kmeans_wide")
    let (n, d) = (Int(k.double("n")), Int(k.double("d")))
    let x = Tensor(converting: k.doubles("x"), shape: [n, d], dtype: dtype)
    let model = try KMeans(
      clusters: 3, initialization: .centers(rows(k.doubles("init"), width: d)), runs: 1
    ).fit(x)
    #expect(model.labels == k.ints("labels"))
    #expect(model.iterations == Int(k.double("iterations")))
    let tolerance = dtype == .float64 ? 1e-10 : 1e-5
    expectClose(model.centers.doubles, k.doubles("centers"), rtol: tolerance, atol: tolerance)
    expectClose([model.inertia], [k.double("inertia")], rtol: tolerance)
  }

  @Test("hand-computed: scikit-learn's weighted 4-point example")
  func weightedFourPoints() throws {
    // X = (0,0), (.5,0), (.5,1), (1,1) with weights 3, 1, 1, 3 from centres (0,0), (1,1).
    // Iteration 1 labels [0,0,1,1]; centres (3·(0,0) + (.5,0))/4 = (.125, 0) and (.875, 1);
    // iteration 2 repeats the labels (strict convergence, 2 iterations). Inertia:
    // 3·.125² + .375² + .375² + 3·.125² = 0.375.
    for dtype in [DType.float64, .float32] {
      let x = Tensor(converting: [0, 0, 0.5, 0, 0.5, 1, 1, 1], shape: [4, 2], dtype: dtype)
      let model = try KMeans(clusters: 2, initialization: .centers([[0, 0], [1, 1]]))
        .fit(x, sampleWeights: [3, 1, 1, 3])
      #expect(model.labels == [0, 0, 1, 1])
      #expect(model.iterations == 2)
      expectClose([model.inertia], [0.375], rtol: 1e-6)
      expectClose(model.centers.doubles, [0.125, 0, 0.875, 1], atol: 1e-7)
    }
  }

  @Test(
    "D3 empty clusters are relocated onto the farthest points, as scikit-learn does", .tags(.golden)
  )
  func relocation() throws {
    // All three centres start on the first point, so two clusters are empty after the first
    // assignment: they take the points at 10 and 9.5, leaving the first cluster with the other
    // eight, (−16.5 − 19.5)/8 = −4.5 (scikit-learn's test_relocate_empty_clusters).
    let r = fixture.object("relocation")
    let x = Tensor(r.doubles("x"), shape: [10, 1])
    let model = try KMeans(
      clusters: 3, initialization: .centers([[-10], [-10], [-10]]), maxIterations: 1
    ).fit(x)
    expectClose(model.centers.doubles, r.doubles("centers"), rtol: 1e-12)
    expectClose(model.centers.doubles, [-4.5, 10, 9.5], rtol: 1e-12)
    #expect(model.labels == r.ints("labels"))
    expectClose([model.inertia], [r.double("inertia")], rtol: 1e-12)
    #expect(!model.centers.doubles.contains { $0.isNaN })
  }

  @Test(
    "k-means++ finds separated blobs (ACC 1) and is deterministic for a seed", .tags(.behaviour))
  func separatedBlobs() throws {
    var rng = Xoshiro256(seed: 42)
    let centres: [[Double]] = [[0, 0], [10, 0], [0, 10], [10, 10], [5, 5]]
    var values: [Double] = []
    var truth: [Int] = []
    for index in 0..<300 {
      let c = index % 5
      values += [
        centres[c][0] + rng.nextStandardNormal(), centres[c][1] + rng.nextStandardNormal(),
      ]
      truth.append(c)
    }
    let x = Tensor(values, shape: [300, 2])
    let a = try KMeans(clusters: 5, runs: 4, seed: 3).fit(x)
    let b = try KMeans(clusters: 5, runs: 4, seed: 3).fit(x)
    #expect(try clusteringAccuracy(a.labels, truth) == 1)
    #expect(a.labels == b.labels && a.inertia == b.inertia)
    #expect(
      try KMeans(clusters: 5, initialization: .randomSamples, runs: 10).fit(x).labels.count == 300)
    // The best of several runs is never worse than a single run with the first seed.
    let single = try KMeans(clusters: 5, runs: 1, seed: 3).fit(x)
    #expect(a.inertia <= single.inertia)
    // predict agrees with the training labels, and transform gives distances to the centres.
    #expect(try a.predict(x) == a.labels)
    let distances = try a.transform(x)
    #expect(distances.shape == [300, 5])
  }

  @Test("k-means++ seeding picks distinct points of separated blobs")
  func seeding() throws {
    let x = Tensor(
      [0, 0, 0.1, 0, 100, 100, 100.1, 100, -100, 50, -100.1, 50] as [Double], shape: [6, 2])
    let problem = LloydProblem<Double>(x, weights: Array(repeating: 1, count: 6))
    var rng = Xoshiro256(seed: 1)
    let centres = problem.kMeansPlusPlus(3, localTrials: 3, using: &rng)
    let points = problem.uncentred(centres)
    let groups = Set(
      stride(from: 0, to: 6, by: 2).map {
        Int((points[$0] + 100) / 100) * 10 + Int(points[$0 + 1] / 50)
      })
    #expect(groups.count == 3)
  }

  @Test("I12 one cluster, and as many clusters as samples")
  func extremeClusterCounts() throws {
    let x = Tensor([1, 2, 3, 4, 10, 12] as [Double], shape: [3, 2])
    let one = try KMeans(clusters: 1).fit(x)
    expectClose(one.centers.doubles, [14.0 / 3, 6], rtol: 1e-12)
    let all = try KMeans(clusters: 3).fit(x)
    #expect(Set(all.labels).count == 3)
    expectClose([all.inertia], [0], atol: 1e-12)
  }

  @Test("I1 I2 I3 I4 I11 I16 I20 bad input throws typed errors naming value and constraint")
  func badInput() throws {
    let x = Tensor([1, 2, 3, 4] as [Double], shape: [2, 2])
    #expect(throws: ClusteringError.tooFewSamples(samples: 2, clusters: 3)) {
      try KMeans(clusters: 3).fit(x)
    }
    #expect(
      ClusteringError.tooFewSamples(samples: 2, clusters: 3).description
        == "n_samples=2 should be >= n_clusters=3")
    #expect(throws: ClusteringError.input(.empty(parameter: "x"))) {
      try KMeans(clusters: 1).fit(Tensor.zeros([0, 2]))
    }
    #expect(throws: ClusteringError.input(.noFeatures(parameter: "x"))) {
      try KMeans(clusters: 1).fit(Tensor.zeros([3, 0]))
    }
    #expect(
      throws: ClusteringError.input(
        .wrongRank(parameter: "x", shape: [4], expected: "a matrix [samples, features]"))
    ) { try KMeans(clusters: 1).fit(Tensor.zeros([4])) }
    #expect(
      throws: ClusteringError.input(.nonFinite(parameter: "x", row: 1, column: 0, value: .infinity))
    ) {
      try KMeans(clusters: 1).fit(Tensor([1, 2, .infinity, 4] as [Double], shape: [2, 2]))
    }
    #expect(
      throws: ClusteringError.input(
        .invalidValue(parameter: "clusters", value: "0", constraint: "must be >= 1"))
    ) {
      try KMeans(clusters: 0).fit(x)
    }
    #expect(throws: ClusteringError.self) { try KMeans(clusters: 1, runs: 0).fit(x) }
    #expect(throws: ClusteringError.self) { try KMeans(clusters: 1, tolerance: -1).fit(x) }
    #expect(throws: ClusteringError.self) {
      try KMeans(clusters: 1, initialization: .centers([[1, 2, 3]])).fit(x)
    }
    #expect(throws: ClusteringError.self) { try KMeans(clusters: 1).fit(x, sampleWeights: [1]) }
    #expect(throws: ClusteringError.self) {
      try KMeans(clusters: 1).fit(x, sampleWeights: [1, -1])
    }
    let model = try KMeans(clusters: 1).fit(x)
    #expect(
      throws: ClusteringError.input(.featureMismatch(parameter: "x", features: 3, expected: 2))
    ) {
      try model.predict(Tensor.zeros([1, 3]))
    }
  }
}
