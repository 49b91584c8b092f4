// DEC's greedy layer-wise pretraining: one pair at a time, each pair's own layers only, the
// end-to-end stage after it, checkpoints and resumption, validation and old configuration files.

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@testable import DCRL

/// The linear layers of the encoder and of the decoder, in application order.
private func linears(_ autoencoder: Autoencoder) -> (encoder: [Linear], decoder: [Linear]) {
  (
    autoencoder.encoder.layers.compactMap { $0 as? Linear },
    autoencoder.decoder.layers.compactMap { $0 as? Linear }
  )
}

private func values(_ layer: Linear) -> [Float] {
  layer.parameters.flatMap { $0.value.floats }
}

@Suite("Layer-wise pretraining")
struct LayerWisePretrainingTests {
  let data = syntheticMixture(perCluster: 6, seed: 23)  // 60 samples, 50 features

  private func configuration(epochsPerLayer: Int, dropout: Double, epochs: Int)
    -> AutoencoderPretrainer.Configuration
  {
    var c = AutoencoderPretrainer.Configuration()
    c.epochs = epochs
    c.batchSize = 16
    c.noise = 0
    c.seed = 9
    c.layerWise = LayerWisePretraining(epochsPerLayer: epochsPerLayer, dropout: dropout)
    return c
  }

  @Test(
    "L1: with one pair and no dropout, a layer-wise epoch is an end-to-end epoch without noise, bit for bit"
  )
  func onePairIsEndToEnd() throws {
    let layerWise = try AutoencoderPretrainer(
      configuration: configuration(epochsPerLayer: 3, dropout: 0, epochs: 0)
    ).fit(data.x, hiddenSizes: [], latentDimension: 4)
    var plain = configuration(epochsPerLayer: 0, dropout: 0, epochs: 3)
    plain.layerWise = nil
    let endToEnd = try AutoencoderPretrainer(configuration: plain).fit(
      data.x, hiddenSizes: [], latentDimension: 4)
    let a = layerWise.parameters.flatMap { $0.value.floats }
    let b = endToEnd.parameters.flatMap { $0.value.floats }
    #expect(a == b)
    // And training moved the weights at all.
    var rng = Xoshiro256(seed: 9)
    let initial = Autoencoder(
      inputDimension: 50, hiddenSizes: [], latentDimension: 4, dtype: .float32, using: &rng)
    #expect(initial.parameters.flatMap { $0.value.floats } != a)
  }

  @Test("L2: each pair trains its own encoder layer and mirror decoder layer, outermost first")
  func pairsTrainTheirOwnLayers() throws {
    let c = configuration(epochsPerLayer: 2, dropout: 0.2, epochs: 5)
    var records: [PretrainingEpoch] = []
    // Stop after the first epoch of the second pair.
    let trained = try AutoencoderPretrainer(configuration: c).fit(
      data.x, hiddenSizes: [12, 8], latentDimension: 3,
      progress: { record in
        records.append(record)
        return record.layer == 1 ? .stop : .continue
      })
    #expect(records.map(\.layer) == [0, 0, 1])
    #expect(records.map(\.epoch) == [0, 1, 0])
    var rng = Xoshiro256(seed: 9)
    let initial = Autoencoder(
      inputDimension: 50, hiddenSizes: [12, 8], latentDimension: 3, dtype: .float32, using: &rng)
    let (before, after) = (linears(initial), linears(trained))
    // Encoder layer i pairs with decoder layer 2 − i.
    let changed = (0..<3).map { values(before.encoder[$0]) != values(after.encoder[$0]) }
    let changedDecoder = (0..<3).map { values(before.decoder[$0]) != values(after.decoder[$0]) }
    #expect(changed == [true, true, false])
    #expect(changedDecoder == [false, true, true])
  }

  @Test("L3: every pair lowers its reconstruction error, then the end-to-end epochs run")
  func everyPairLearns() throws {
    let x = syntheticMixture(perCluster: 30, seed: 3).x
    var c = configuration(epochsPerLayer: 25, dropout: 0.1, epochs: 4)
    c.optimizer = .adam(learningRate: 3e-3)
    var records: [PretrainingEpoch] = []
    let trainer = AutoencoderPretrainer(configuration: c)
    _ = try trainer.fit(
      x, hiddenSizes: [32, 16], latentDimension: 5,
      progress: { record in
        records.append(record)
        return .continue
      })
    for pair in 0..<3 {
      let losses = records.filter { $0.layer == pair }.map(\.loss)
      #expect(losses.count == 25)
      let (first, last) = (losses.first ?? 0, losses.last ?? .infinity)
      #expect(last < 0.8 * first, "pair \(pair): loss \(first) → \(last)")
    }
    #expect(records.filter { $0.layer == nil }.map(\.epoch) == [0, 1, 2, 3])
  }

  @Test(
    "L5: a pair's loss is the MSE of h against its decoder of its encoder of h, with the network's activations"
  )
  func pairLossUsesTheNetworksActivations() throws {
    // One batch per epoch and no dropout: each pair's first record is its loss before any step.
    var c = configuration(epochsPerLayer: 2, dropout: 0, epochs: 0)
    c.batchSize = 60
    var records: [PretrainingEpoch] = []
    _ = try AutoencoderPretrainer(configuration: c).fit(
      data.x, hiddenSizes: [12, 8], latentDimension: 3,
      progress: { record in
        records.append(record)
        return .continue
      })
    for pair in 1..<3 {
      // The autoencoder as it was when `pair` started: earlier pairs trained, the rest initial.
      let before = try AutoencoderPretrainer(configuration: c).fit(
        data.x, hiddenSizes: [12, 8], latentDimension: 3,
        progress: { $0.layer == pair - 1 && $0.epoch == 1 ? .stop : .continue })
      let (encoder, decoder) = linears(before)
      var h = Variable(data.x)
      for earlier in 0..<pair { h = encoder[earlier](h).relu() }
      var code = encoder[pair](h)
      if pair < 2 { code = code.relu() }  // the latent layer (pair 2's encoder) is linear
      let reconstruction = decoder[2 - pair](code).relu()  // pair 0's decoder alone is linear
      let expected = meanSquaredError(reconstruction, h.value).value.scalarValue
      let reported = records.first { $0.layer == pair }?.loss ?? .nan
      #expect(
        abs(reported - expected) <= 1e-6 * expected, "pair \(pair): \(reported) vs \(expected)")
    }
  }

  @Test("L4: a pretraining with a layer-wise stage resumes from its checkpoint bit for bit")
  func resumeAfterLayerWise() throws {
    let c = configuration(epochsPerLayer: 2, dropout: 0.2, epochs: 5)
    let pretrainer = AutoencoderPretrainer(configuration: c)
    let whole = try pretrainer.fit(data.x, hiddenSizes: [12], latentDimension: 3)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-layerwise-\(UUID())", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 2)
    // A stop in the layer-wise stage writes nothing: its state is not checkpointed.
    _ = try pretrainer.fit(
      data.x, hiddenSizes: [12], latentDimension: 3, checkpoints: policy,
      progress: { $0.layer == 1 ? .stop : .continue })
    #expect(!FileManager.default.fileExists(atPath: policy.pretrainingFile.path))
    _ = try pretrainer.fit(
      data.x, hiddenSizes: [12], latentDimension: 3, checkpoints: policy,
      progress: { $0.layer == nil && $0.epoch == 2 ? .stop : .continue })
    let summary = try PretrainingCheckpoint.summary(at: policy.pretrainingFile)
    #expect(summary.nextEpoch == 3 && summary.configuration == c)
    var resumedEpochs: [Int?] = []
    let resumed = try AutoencoderPretrainer.resume(
      from: policy.pretrainingFile, input: data.x,
      progress: { record in
        resumedEpochs.append(record.layer)
        return .continue
      })
    #expect(resumedEpochs == [nil, nil])
    let a = whole.parameters.flatMap { $0.value.floats }
    let b = resumed.parameters.flatMap { $0.value.floats }
    #expect(a == b)
  }

  @Test("dropout zeroes a fraction p of the units and scales the rest by 1/(1 − p)")
  func dropoutMask() throws {
    var rng = Xoshiro256(seed: 4)
    let like = Tensor.zeros([1, 1])
    let pretrainer = AutoencoderPretrainer()
    let mask = try #require(pretrainer.dropoutMask([200, 100], like: like, 0.2, using: &rng))
    let values = mask.floats
    let zeros = values.filter { $0 == 0 }.count
    // 20,000 draws: the zero count's standard deviation is √(20000·0.2·0.8) ≈ 57.
    #expect(abs(zeros - 4000) < 300, "\(zeros) zeros")
    #expect(values.allSatisfy { $0 == 0 || $0 == Float(1 / 0.8) })
    #expect(pretrainer.dropoutMask([3, 3], like: like, 0, using: &rng) == nil)
  }

  @Test("I20: layer-wise fields out of range throw naming the field")
  func validation() {
    let cases: [(String, (inout AutoencoderPretrainer.Configuration) -> Void)] = [
      (
        "pretraining.layerWise.epochsPerLayer",
        { $0.layerWise = LayerWisePretraining(epochsPerLayer: -1) }
      ),
      (
        "pretraining.layerWise.dropout",
        { $0.layerWise = LayerWisePretraining(epochsPerLayer: 1, dropout: 1) }
      ),
      (
        "pretraining.layerWise.dropout",
        { $0.layerWise = LayerWisePretraining(epochsPerLayer: 1, dropout: .nan) }
      ),
    ]
    expectInvalidConfigurations(
      AutoencoderPretrainer.Configuration(), cases,
      validate: { c throws(DCRLError) in try c.validate() },
      parameter: { error in
        guard case .input(.invalidValue(let name, _, _)) = error else { return nil }
        return name
      })
  }

  @Test(
    "a configuration written before the layer-wise option decodes with none; a new one round-trips")
  func codable() throws {
    let old = Data(
      #"{"epochs":200,"batchSize":256,"noise":0.2,"optimizer":{"adam":{"learningRate":0.001}},"seed":0}"#
        .utf8)
    let decoded = try JSONDecoder().decode(AutoencoderPretrainer.Configuration.self, from: old)
    #expect(decoded == AutoencoderPretrainer.Configuration())
    var c = AutoencoderPretrainer.Configuration()
    c.layerWise = LayerWisePretraining(epochsPerLayer: 30, dropout: 0.2)
    #expect(
      try JSONDecoder().decode(
        AutoencoderPretrainer.Configuration.self, from: JSONEncoder().encode(c)) == c)
  }
}
