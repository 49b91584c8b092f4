// DCRL end to end on a synthetic mixture: clusters recovered, resume bit-identical, save/load.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import DCRL

/// Ten Gaussian blobs in 5-D pushed through a fixed random two-layer tanh map to 50-D;
/// `warp` scales the first layer's weights (larger is more nonlinear).
func syntheticMixture(perCluster: Int = 100, seed: UInt64 = 0, warp: Double = 0.5) -> (
  x: Tensor, labels: [Int]
) {
  var rng = Xoshiro256(seed: seed)
  let clusters = 10
  let means = (0..<clusters).map { _ in (0..<5).map { _ in 4 * rng.nextStandardNormal() } }
  var points: [Double] = []
  var labels: [Int] = []
  for index in 0..<(clusters * perCluster) {
    let c = index % clusters
    labels.append(c)
    points += means[c].map { $0 + 0.5 * rng.nextStandardNormal() }
  }
  let n = clusters * perCluster
  let latent = Tensor(points, shape: [n, 5])
  let w1 = Tensor.randomNormal([5, 32], standardDeviation: warp, dtype: .float64, using: &rng)
  let w2 = Tensor.randomNormal([32, 50], standardDeviation: 0.3, dtype: .float64, using: &rng)
  let hidden = matmul(latent, w1).applying(.tanh)
  let x = matmul(hidden, w2).applying(.sigmoid)
  return (x.converted(to: .float32), labels)
}

/// A small, fast configuration for the synthetic mixture.
func smallConfiguration() -> DCRLConfiguration {
  var c = DCRLConfiguration()
  c.hiddenSizes = [64, 64]
  c.latentDimension = 5
  c.clusters = 10
  c.epochs = 30
  c.warmUpEpochs = 5
  c.scheduleEnd = 20
  c.batchSize = 128
  c.learningRate = 1e-3
  c.pretraining.epochs = 40
  c.pretraining.batchSize = 128
  c.pretraining.noise = 0.05
  c.centerInitialization = .kMeans
  c.stabilization = nil  // the published fine-tuning loop
  c.initializationSubsetSize = 1000
  return c
}

@Suite("DCRL behaviour")
struct BehaviourTests {
  @Test("recovers ten clusters of a nonlinear 50-D mixture (ACC ≥ 0.95)", .tags(.behaviour))
  func syntheticClusters() throws {
    let (x, labels) = syntheticMixture()
    let model = try DCRLTrainer(configuration: smallConfiguration()).fit(x, labels: labels)
    let accuracy = try clusteringAccuracy(try model.predict(x), labels)
    #expect(accuracy >= 0.95, "ACC \(accuracy); history: \(model.history.last?.summary ?? "-")")
    #expect(model.history.count == 30)
  }
}
