// TSNE: presets, behaviour on separated blobs, progress reporting, determinism, bad input.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

@Suite("TSNE")
struct TSNETests {
  @Test(
    "the sklearn021 preset holds scikit-learn 0.21's defaults (Docs/Algorithm.md#initialisation)")
  func sklearn021Preset() {
    let c = TSNE.Configuration.sklearn021
    #expect(c.perplexity == 30 && c.earlyExaggeration == 12 && c.earlyExaggerationIterations == 250)
    #expect(c.learningRate == .fixed(200) && c.maxIterations == 1000)
    #expect(c.initialMomentum == 0.5 && c.finalMomentum == 0.8)
    #expect(c.gainIncrease == 0.2 && c.gainDecrease == 0.8 && c.minimumGain == 0.01)
    #expect(c.initialization == .random(standardDeviation: 1e-4))
    #expect(c.gradientMethod == .barnesHut(angle: 0.5) && c.components == 2)
    #expect(c.iterationsWithoutProgress == 300 && c.minimumGradientNorm == 1e-7)
    let modern = TSNE.Configuration()
    #expect(modern.initialization == .pca && modern.learningRate == .auto)
    #expect(modern.resolvedLearningRate(samples: 70_000) == 70_000.0 / 48)
    #expect(modern.resolvedLearningRate(samples: 1000) == 50)
  }

  @Test(
    "five separated blobs: trustworthiness(5) > 0.95 and k-means on the embedding gives ACC = 1",
    .tags(.behaviour),
    arguments: [
      TSNE.Configuration.GradientMethod.barnesHut(angle: 0.5), .exact, .fftInterpolation(),
    ])
  func blobs(method: TSNE.Configuration.GradientMethod) throws {
    let centers = separatedCenters(clusters: 5, dimensions: 10, scale: 10, seed: 1)
    let (x, labels) = gaussianBlobs(centers: centers, perCluster: 24, standardDeviation: 1, seed: 2)
    var configuration = TSNE.Configuration.sklearn021
    configuration.gradientMethod = method
    configuration.maxIterations = 400
    configuration.seed = 3
    let result = try TSNE(configuration: configuration).fit(x)
    #expect(result.embedding.shape == [120, 2])
    #expect(result.embedding.dtype == .float64)
    let trust = trustworthiness(x, result.embedding, neighbors: 5)
    #expect(trust > 0.95, "trustworthiness \(trust)")
    let predicted = kMeansLabels(result.embedding, clusters: 5, seed: 0)
    #expect(clusteringAccuracy(predicted, labels) == 1.0)
    // After early exaggeration the KL divergence does not rise between checkpoints by more
    // than the approximation noise (the FFT estimate of Z moves KL by up to ~0.01 here, where
    // KL itself is only a few hundredths).
    let late = result.history.filter { $0.exaggeration == 1 }.map(\.klDivergence)
    #expect(late.count == 3)
    #expect(late.last! <= late.first! + 0.01)
    #expect(result.klDivergence.isFinite && result.klDivergence > 0)
  }

  @Test("the progress callback sees every 50th iteration and can stop the run")
  func progressStops() throws {
    let (x, _) = gaussianBlobs(
      centers: separatedCenters(clusters: 3, dimensions: 4, scale: 8, seed: 4), perCluster: 20,
      standardDeviation: 1, seed: 5)
    var seen: [Int] = []
    let result = try TSNE(configuration: .sklearn021).fit(x) { report in
      seen.append(report.iteration)
      return report.iteration >= 150 ? .stop : .continue
    }
    #expect(seen == [50, 100, 150])
    #expect(result.iterations == 150 && result.stopReason == .stoppedByCallback)
    #expect(result.history.map(\.iteration) == seen)
    #expect(result.history.allSatisfy { $0.exaggeration == 12 && $0.klDivergence.isFinite })
  }

  @Test("D12 R3 the same seed gives the same bits for 1 and 2 threads; float32 in, float32 out")
  func determinism() throws {
    var rng = Xoshiro256(seed: 8)
    let x = Tensor((0..<150 * 6).map { _ in Float(rng.nextStandardNormal()) }, shape: [150, 6])
    var configuration = TSNE.Configuration()
    configuration.maxIterations = 300
    configuration.perplexity = 10
    configuration.threads = 1
    let one = try TSNE(configuration: configuration).fit(x)
    configuration.threads = 2
    let two = try TSNE(configuration: configuration).fit(x)
    #expect(one.embedding.dtype == .float32)
    #expect(one.embedding.floats == two.embedding.floats)
    configuration.seed = 1
    configuration.initialization = .random()
    let other = try TSNE(configuration: configuration).fit(x)
    #expect(other.embedding.floats != one.embedding.floats)
  }

  @Test("a given initialisation is the starting point of scikit-learn's first update")
  func givenInitialization() throws {
    let (x, _) = gaussianBlobs(
      centers: separatedCenters(clusters: 2, dimensions: 3, scale: 5, seed: 6), perCluster: 15,
      standardDeviation: 1, seed: 7)
    var configuration = TSNE.Configuration.sklearn021
    configuration.maxIterations = 1
    configuration.perplexity = 5
    configuration.earlyExaggeration = 1
    configuration.gradientMethod = .exact
    configuration.affinities = .nearestNeighbors
    let start = Tensor((0..<60).map { sin(Double($0)) }, shape: [30, 2])
    let result = try TSNE(configuration: configuration).fit(x, initialization: start)
    // First update: gains start at 1 and shrink to 0.8 (update · grad = 0 is not < 0), so
    // y₁ = y₀ − 200 · 0.8 · ∇KL(y₀), with P over the ⌊3·5⌋ + 1 = 16 nearest neighbours.
    let p = try TSNE.jointProbabilities(neighbors: KNNGraph(exact: x, neighbors: 16), perplexity: 5)
    let gradient = try TSNE.klDivergenceAndGradient(embedding: start, affinities: p).gradient
    let expected = zip(start.doubles, gradient.doubles).map { $0 - 200 * 0.8 * $1 }
    expectClose(result.embedding.doubles, expected, rtol: 1e-12, atol: 1e-12)
    #expect(throws: ManifoldError.self) {
      _ = try TSNE(configuration: configuration).fit(
        x, initialization: Tensor.zeros([30, 3], dtype: .float64))
    }
  }

  @Test("I20: invalid hyperparameters throw naming the parameter")
  func invalidConfiguration() {
    let cases: [(String, (inout TSNE.Configuration) -> Void)] = [
      ("learningRate", { $0.learningRate = .fixed(0) }),
      ("perplexity", { $0.perplexity = -1 }),
      (
        "components",
        {
          $0.components = 3
          $0.gradientMethod = .fftInterpolation()
        }
      ),
      ("components", { $0.components = 4 }),
      ("angle", { $0.gradientMethod = .barnesHut(angle: 1.5) }),
      ("maxIterations", { $0.maxIterations = 0 }),
      ("threads", { $0.threads = 0 }),
      ("finalMomentum", { $0.finalMomentum = 1 }),
    ]
    expectInvalidConfigurations(
      TSNE.Configuration(), cases, validate: { c throws(ManifoldError) in try c.validate() },
      parameter: { error in
        guard case .input(.invalidValue(let parameter, _, _)) = error else { return nil }
        return parameter
      })
  }

  @Test("I4, I1: NaN, infinity, empty and single-sample data throw")
  func badData() {
    var values = [Double](repeating: 0.5, count: 40)
    values[13] = .infinity
    #expect(
      throws: ManifoldError.input(
        .nonFinite(parameter: "data", row: 6, column: 1, value: .infinity))
    ) {
      try TSNE().fit(Tensor(values, shape: [20, 2]))
    }
    #expect(throws: ManifoldError.input(.empty(parameter: "data"))) {
      try TSNE().fit(Tensor([Double](), shape: [0, 2]))
    }
    #expect(throws: ManifoldError.self) { try TSNE().fit(Tensor([1.0, 2.0], shape: [1, 2])) }
  }

  @Test("I6: a data set with many duplicate points embeds without NaN")
  func duplicatePoints() throws {
    var values: [Double] = []
    for i in 0..<120 { values += i % 3 == 0 ? [1, 2, 3] : [Double(i % 7), Double(i % 5), 0] }
    var configuration = TSNE.Configuration.sklearn021
    configuration.maxIterations = 300
    let result = try TSNE(configuration: configuration).fit(Tensor(values, shape: [120, 3]))
    #expect(result.embedding.doubles.allSatisfy { $0.isFinite })
    #expect(result.klDivergence.isFinite)
  }
}
