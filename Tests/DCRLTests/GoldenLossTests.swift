// DCRL's losses and its alternating update against PyTorch (Scripts/golden/torch_dcrl_losses.py).

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@testable import DCRL

@Suite("DCRL against PyTorch")
struct GoldenLossTests {
  let fixture: Fixture
  let x: Tensor
  let structure: EpochStructure

  init() throws {
    fixture = try loadFixture("torch_dcrl_losses.json", in: .module)
    x = Tensor(fixture.doubles("x"), shape: [40, 12])
    let labels = fixture.ints("labels")
    var counts = [Int](repeating: 0, count: 3)
    for label in labels { counts[label] += 1 }
    structure = EpochStructure(
      target: Tensor(fixture.doubles("p"), shape: [40, 3]), labels: labels, counts: counts,
      inputCenters: Tensor(fixture.doubles("v"), shape: [3, 12]),
      pairs: IsometryPairs(
        first: fixture.ints("first"), second: fixture.ints("second"),
        inputDistances: Tensor(fixture.doubles("input_distances"))))
  }

  /// A training state with the fixture's initial weights, float64.
  private func state() -> DCRLTrainingState {
    var configuration = DCRLConfiguration()
    configuration.stabilization = nil  // the authors' loop, as the fixture has it
    configuration.hiddenSizes = [8, 6]
    configuration.latentDimension = 3
    configuration.clusters = 3
    configuration.isometryNeighbors = 2
    configuration.batchSize = 16
    var rng = Xoshiro256(seed: 0)
    let autoencoder = Autoencoder(
      inputDimension: 12, hiddenSizes: [8, 6], latentDimension: 3, dtype: .float64, using: &rng)
    let initial = fixture.object("initial")
    for (name, parameter) in autoencoder.namedParameters {
      parameter.value = Tensor(initial.doubles(name), shape: parameter.value.shape)
    }
    return DCRLTrainingState(
      configuration: configuration, autoencoder: autoencoder,
      centers: Tensor(initial.doubles("centers"), shape: [3, 3]),
      inputCenters: structure.inputCenters,
      rng: Xoshiro256(seed: 0))
  }

  private func expectGradients(
    _ training: DCRLTrainingState, _ key: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let expected = fixture.object("single").object(key).object("gradients")
    for (name, parameter) in training.autoencoder.namedParameters + [("centers", training.centers)]
    {
      expectClose(
        (parameter.gradient ?? parameter.value.zerosLike()).doubles, expected.doubles(name),
        rtol: 1e-6, atol: 1e-12, "\(key): ∂/∂\(name)", sourceLocation: sourceLocation)
    }
  }

  private func expectedValue(_ key: String) -> Double {
    fixture.object("single").object(key).double("value")
  }

  @Test("each loss value and every parameter gradient within rtol 1e-6 (float64)", .tags(.golden))
  func singleLosses() {
    let batch = Array(0..<16)
    let xb = x.gatheringRows(batch)
    let cases: [(String, (DCRLTrainingState) -> Variable)] = [
      (
        "clustering",
        { t in
          clusteringLoss(
            latent: t.autoencoder.encode(Variable(xb)), centers: t.centers.variable,
            target: structure.target!.gatheringRows(batch), reduction: .mean)
        }
      ),
      ("reconstruction", { t in meanSquaredError(t.autoencoder(Variable(xb)), xb) }),
      (
        "ranking",
        { t in
          rankingLoss(centers: t.centers.variable, inputCenters: structure.inputCenters, scale: 3)
        }
      ),
      (
        "isometry",
        { t in isometryLoss(latent: t.autoencoder.encode(Variable(x)), pairs: structure.pairs!) }
      ),
      (
        "alignment",
        { t in
          alignmentLoss(
            latent: t.autoencoder.encode(Variable(x)), labels: structure.labels,
            centers: t.centers.variable)
        }
      ),
    ]
    for (key, build) in cases {
      let training = state()
      let (value, _) = valueWithGradient(at: training.allParameters) { build(training) }
      expectClose([value.scalarValue], [expectedValue(key)], rtol: 1e-6, atol: 0, "\(key) value")
      expectGradients(training, key)
    }
  }

  @Test("five mini-batch/full-data alternations match within rtol 1e-4", .tags(.golden))
  func alternation() throws {
    let training = state()
    let batchLists = fixture.data["batches"] as? [[Any]] ?? []
    let trajectory = fixture.data["trajectory"] as? [[String: Any]] ?? []
    let weightList = fixture.doubles("weights")
    for step in 0..<5 {
      let rows = batchLists[step].compactMap { ($0 as? NSNumber)?.intValue }
      let (a, b) = (weightList[2 * step], weightList[2 * step + 1])
      var weights = EpochWeights(epoch: 100, configuration: training.configuration)
      weights.clusteringFactor = a
      weights.alpha = 0.1 * a
      weights.reconstruction = a
      weights.ranking = true
      weights.beta = b
      weights.fullDataStep = true
      weights.structureInBatches = false
      // The golden always computes every term, even with weight 0; a = 0 takes the
      // centres-only path here, which yields the same update.
      let batch = try training.miniBatchStep(
        input: x, indices: rows, structure: structure, weights: weights, rankingDivisor: 40 / 16,
        epoch: 0, step: step)
      let full = try training.fullDataStep(
        input: x, structure: structure, weights: weights, epoch: 0)
      let expected = Fixture(header: [:], data: trajectory[step])
      if let value = batch.clustering {
        expectClose([value], [expected.double("clustering")], rtol: 1e-4, atol: 0)
      }
      if let value = batch.reconstruction {
        expectClose([value], [expected.double("reconstruction")], rtol: 1e-4, atol: 0)
      }
      expectClose(
        [batch.ranking ?? .nan], [expected.double("ranking")], rtol: 1e-4, atol: 0,
        "ranking \(step)")
      expectClose(
        [full.isometry], [expected.double("isometry")], rtol: 1e-4, atol: 0, "isometry \(step)")
      expectClose(
        [full.alignment], [expected.double("alignment")], rtol: 1e-4, atol: 0, "alignment \(step)")
    }
    let final = fixture.object("final")
    for (name, parameter) in training.autoencoder.namedParameters + [("centers", training.centers)]
    {
      expectClose(
        parameter.value.doubles, final.doubles(name), rtol: 1e-4, atol: 1e-10, "final \(name)")
    }
  }
}

@Suite("DCRL full-data step in chunks")
struct ChunkedFullStepTests {
  @Test("chunked back-propagation of L_iso + L_align equals the one-graph step")
  func chunkedEqualsDirect() throws {
    let data = syntheticMixture(perCluster: 12, seed: 3)
    func run(chunk: Int) throws -> [[Double]] {
      var c = DCRLConfiguration()
      c.stabilization = nil
      c.hiddenSizes = [16]
      c.latentDimension = 3
      c.clusters = 10
      c.isometryNeighbors = 2
      c.fullPassChunkSize = chunk
      var rng = Xoshiro256(seed: 1)
      let x = data.x.converted(to: .float64)
      let autoencoder = Autoencoder(
        inputDimension: 50, hiddenSizes: [16], latentDimension: 3, dtype: .float64, using: &rng)
      let latent = autoencoder.encodeAll(x)
      let centers = latent.rows(0..<10)
      let state = DCRLTrainingState(
        configuration: c, autoencoder: autoencoder, centers: centers, inputCenters: x.rows(0..<10),
        rng: Xoshiro256(seed: 2))
      var weights = EpochWeights(epoch: 100, configuration: c)
      weights.beta = 0.7
      weights.fullDataStep = true
      let structure = try EpochStructure.compute(
        input: x, latent: latent, centers: centers, previousInputCenters: nil, weights: weights,
        configuration: c)
      for _ in 0..<3 {
        _ = try state.fullDataStep(input: x, structure: structure, weights: weights, epoch: 0)
      }
      return state.structureParameters.map(\.value.doubles)
    }
    let direct = try run(chunk: 1000)
    let chunked = try run(chunk: 7)
    for (a, b) in zip(chunked, direct) { expectClose(a, b, rtol: 1e-9, atol: 1e-12) }
  }
}
