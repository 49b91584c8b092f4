// TSNE gradient: scikit-learn golden, finite differences, and the approximations vs exact.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

/// A mid-optimisation-like 2-D layout: `clusters` Gaussian clusters spread over ±`radius`.
private func clusteredLayout(points: Int, clusters: Int, radius: Double, seed: UInt64) -> [Double] {
  var rng = Xoshiro256(seed: seed)
  let centers = (0..<clusters).map { _ in
    (radius * (2 * rng.nextUnitDouble() - 1), radius * (2 * rng.nextUnitDouble() - 1))
  }
  var y: [Double] = []
  for i in 0..<points {
    let c = centers[i % clusters]
    y += [c.0 + 2 * rng.nextStandardNormal(), c.1 + 2 * rng.nextStandardNormal()]
  }
  return y
}

/// P from the exact kNN graph of random 10-D data (the structure does not matter here).
private func randomAffinities(points: Int, seed: UInt64) throws -> SparseMatrix {
  var rng = Xoshiro256(seed: seed)
  let x = Tensor((0..<points * 10).map { _ in rng.nextStandardNormal() }, shape: [points, 10])
  return try TSNE.jointProbabilities(
    neighbors: KNNGraph(exact: x, neighbors: min(points - 1, 91)), perplexity: 30)
}

private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
  let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
  return (difference / b.reduce(0) { $0 + $1 * $1 }).squareRoot()
}

@Suite("TSNE gradient")
struct TSNEGradientTests {
  @Test("exact KL and gradient equal scikit-learn's _kl_divergence in float64", .tags(.golden))
  func golden() throws {
    let fixture = try loadFixture("tsne_golden.json", in: .module)
    let pData = fixture.object("exact_p")
    let p = try TSNE.jointProbabilities(
      allPointsOf: Tensor(pData.doubles("x"), shape: [40, 5]), perplexity: 30)
    let gold = fixture.object("kl_gradient")
    let (kl, gradient) = try TSNE.klDivergenceAndGradient(
      embedding: Tensor(gold.doubles("y"), shape: [40, 2]), affinities: p, method: .exact)
    expectClose([kl], [gold.double("kl")], rtol: 1e-6, atol: 0)
    expectClose(gradient.doubles, gold.doubles("gradient"), rtol: 1e-6, atol: 1e-12)
  }

  @Test("the exact gradient matches central differences of the KL divergence", .tags(.gradient))
  func finiteDifferences() throws {
    let p = try randomAffinities(points: 60, seed: 2)
    var rng = Xoshiro256(seed: 3)
    let y = (0..<120).map { _ in 3 * rng.nextStandardNormal() }
    let (_, gradient) = try TSNE.klDivergenceAndGradient(
      embedding: Tensor(y, shape: [60, 2]), affinities: p)
    let analytic = gradient.doubles
    var numeric: [Double] = []
    let epsilon = 1e-6
    for index in [0, 1, 17, 64, 119] {
      var plus = y
      var minus = y
      plus[index] += epsilon
      minus[index] -= epsilon
      let kPlus = try TSNE.klDivergenceAndGradient(
        embedding: Tensor(plus, shape: [60, 2]), affinities: p
      ).klDivergence
      let kMinus = try TSNE.klDivergenceAndGradient(
        embedding: Tensor(minus, shape: [60, 2]), affinities: p
      ).klDivergence
      numeric.append((kPlus - kMinus) / (2 * epsilon))
    }
    expectClose([0, 1, 17, 64, 119].map { analytic[$0] }, numeric, rtol: 1e-5, atol: 1e-8)
  }

  /// Tolerances (relative L2 error of the whole gradient on 1000 points in 12 clusters over
  /// ±40): Barnes–Hut with angle 0.5 within 2·10⁻², angle 0.2 within 5·10⁻³, angle 0 exact to
  /// rounding; FFT interpolation with openTSNE's defaults (3 points per interval, intervals
  /// ≤ 1 unit) within 3·10⁻² and with half-unit intervals within 4·10⁻³.
  ///
  /// For reference,
  /// openTSNE 1.0.4's own FFT repulsion on this layout is off by 2.0·10⁻² and 2.5·10⁻³ (its
  /// error is O(h³) in the node spacing h; ours drops 8× when h halves, as it should).
  @Test(
    "Barnes–Hut and FFT gradients agree with the exact gradient within the stated tolerance",
    arguments: [
      (TSNE.Configuration.GradientMethod.barnesHut(angle: 0.5), 2e-2),
      (.barnesHut(angle: 0.2), 5e-3),
      (.barnesHut(angle: 0), 1e-10),
      (.fftInterpolation(), 3e-2),
      (.fftInterpolation(pointsPerInterval: 3, minimumIntervals: 50, intervalsPerUnit: 2), 4e-3),
    ])
  func approximations(method: TSNE.Configuration.GradientMethod, tolerance: Double) throws {
    let p = try randomAffinities(points: 1000, seed: 5)
    let y = Tensor(
      clusteredLayout(points: 1000, clusters: 12, radius: 40, seed: 6), shape: [1000, 2])
    let exact = try TSNE.klDivergenceAndGradient(embedding: y, affinities: p, method: .exact)
    let approximate = try TSNE.klDivergenceAndGradient(embedding: y, affinities: p, method: method)
    let error = relativeError(approximate.gradient.doubles, exact.gradient.doubles)
    #expect(error < tolerance, "relative gradient error \(error) for \(method)")
    #expect(
      abs(approximate.klDivergence - exact.klDivergence) < 10 * tolerance * exact.klDivergence)
  }

  @Test("1-D FFT and 3-D Barnes–Hut gradients agree with the exact gradient")
  func otherDimensions() throws {
    let p = try randomAffinities(points: 400, seed: 8)
    var rng = Xoshiro256(seed: 9)
    let line = Tensor((0..<400).map { _ in 20 * rng.nextStandardNormal() }, shape: [400, 1])
    let exact1 = try TSNE.klDivergenceAndGradient(embedding: line, affinities: p, method: .exact)
    let fft1 = try TSNE.klDivergenceAndGradient(
      embedding: line, affinities: p, method: .fftInterpolation())
    // openTSNE's 1-D FFT repulsion on this layout is off by 4.9·10⁻².
    #expect(relativeError(fft1.gradient.doubles, exact1.gradient.doubles) < 6e-2)
    let cloud = Tensor((0..<1200).map { _ in 10 * rng.nextStandardNormal() }, shape: [400, 3])
    let exact3 = try TSNE.klDivergenceAndGradient(embedding: cloud, affinities: p, method: .exact)
    let tree3 = try TSNE.klDivergenceAndGradient(
      embedding: cloud, affinities: p, method: .barnesHut(angle: 0.3))
    #expect(relativeError(tree3.gradient.doubles, exact3.gradient.doubles) < 2e-2)
  }

  @Test(
    "D12 the gradient has the same bits for 1 and 2 threads",
    arguments: [
      TSNE.Configuration.GradientMethod.exact, .barnesHut(), .fftInterpolation(),
    ])
  func threadIndependence(method: TSNE.Configuration.GradientMethod) throws {
    let p = try randomAffinities(points: 700, seed: 10)
    let y = Tensor(
      clusteredLayout(points: 700, clusters: 5, radius: 30, seed: 11), shape: [700, 2])
    let one = try TSNE.klDivergenceAndGradient(
      embedding: y, affinities: p, method: method, threads: 1)
    let two = try TSNE.klDivergenceAndGradient(
      embedding: y, affinities: p, method: method, threads: 2)
    #expect(one.gradient.doubles == two.gradient.doubles)
    #expect(one.klDivergence == two.klDivergence)
  }
}
