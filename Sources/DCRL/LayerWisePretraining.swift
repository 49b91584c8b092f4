// LayerWisePretraining: DEC's greedy layer-wise stage, an option before the end-to-end pretraining.

import Autograd
import NN
import Tensor

/// DEC's greedy layer-wise pretraining, run before the end-to-end epochs.
///
/// The stage of Xie et al. 2016, §3.2, as an option of ``AutoencoderPretrainer/Configuration``.
/// Each encoder layer is trained with its mirror decoder layer as a one-hidden-layer denoising
/// autoencoder, outermost pair first: pair `i` reconstructs the clean output `h` of the encoder
/// layers before it (the data for `i = 0`) from `dropout(h)`, with dropout also on its hidden
/// layer, and MSE against `h`. The activations are the full network's: ReLU everywhere except
/// the latent layer (pair `L − 1`'s encoder) and the output layer (pair 0's decoder), as in the
/// paper. Each pair has a fresh optimiser of the configured kind; the other layers stay fixed.
///
/// What this does not reproduce of DEC's Caffe recipe: its SGD learning-rate steps and its
/// iteration counts (50,000 per layer and 100,000 end to end at batch 256). Choose
/// ``epochsPerLayer`` and ``AutoencoderPretrainer/Configuration/epochs`` for the data's size. The
/// paper fine-tunes the stacked autoencoder to minimise the reconstruction loss; with
/// ``AutoencoderPretrainer/Configuration/noise`` 0 the end-to-end stage does that without input
/// noise.
public struct LayerWisePretraining: Sendable, Codable, Hashable {
  /// The epochs each encoder/decoder pair is trained for.
  public var epochsPerLayer: Int
  /// The probability that dropout zeroes a unit of a pair's input and of its hidden layer (DEC:
  /// 0.2); kept units are scaled by `1 / (1 − dropout)`.
  public var dropout: Double

  /// Creates the stage.
  public init(epochsPerLayer: Int, dropout: Double = 0.2) {
    self.epochsPerLayer = epochsPerLayer
    self.dropout = dropout
  }

  /// Checks both fields (RELIABILITY I20).
  public func validate() throws(DCRLError) {
    try DCRLError.require(
      epochsPerLayer >= 0, "pretraining.layerWise.epochsPerLayer", epochsPerLayer,
      "must be non-negative")
    try DCRLError.require(
      dropout >= 0 && dropout < 1, "pretraining.layerWise.dropout", dropout, "must be in [0, 1)")
  }
}

extension AutoencoderPretrainer {
  /// Runs the layer-wise stage on `autoencoder` in place, drawing batch orders and dropout masks
  /// from `rng`.
  ///
  /// - Returns: `.stop` when `progress` stopped the run, `.continue` otherwise.
  func trainLayerWise(
    _ autoencoder: Autoencoder, on x: Tensor, stage: LayerWisePretraining,
    using rng: inout Xoshiro256, progress: (PretrainingEpoch) -> ProgressAction
  ) throws(DCRLError) -> ProgressAction {
    let encoders = linearBlocks(autoencoder.encoder)
    let decoders = linearBlocks(autoencoder.decoder)
    let pairs = encoders.count
    let n = x.shape[0]
    let clock = ContinuousClock()
    var input = x
    for pair in 0..<pairs {
      let encoder = encoders[pair]
      let decoder = decoders[pairs - 1 - pair]
      let parameters = encoder.block.parameters + decoder.block.parameters
      var optimizer = configuration.makeOptimizer()
      for epoch in 0..<stage.epochsPerLayer {
        let start = clock.now
        var total = 0.0
        var batches = 0
        for indices in epochBatches(n, using: &rng) {
          let clean = input.gatheringRows(indices)
          let inputMask = dropoutMask(clean.shape, like: clean, stage.dropout, using: &rng)
          let hiddenMask = dropoutMask(
            [clean.shape[0], encoder.width], like: clean, stage.dropout, using: &rng)
          let (loss, _) = valueWithGradient(at: parameters) {
            let hidden = encoder.block(applyMask(Variable(clean), inputMask))
            return meanSquaredError(decoder.block(applyMask(hidden, hiddenMask)), clean)
          }
          let value = loss.scalarValue
          guard value.isFinite else {
            throw .nonFinite(
              epoch: epoch, step: batches, term: "layer-wise pretraining MSE (pair \(pair))")
          }
          optimizer.update(parameters)
          total += value
          batches += 1
        }
        let record = PretrainingEpoch(
          epoch: epoch, loss: total / Double(max(batches, 1)),
          seconds: (clock.now - start).seconds, layer: pair)
        if progress(record) == .stop { return .stop }
      }
      // The next pair learns to reconstruct this pair's clean codes.
      input = encoder.block(Variable(input)).value
    }
    return .continue
  }

  /// Each linear layer of `network` with the activation that follows it there (none after the
  /// last), so that a pair trains with the full network's activations; `width` is the layer's
  /// output size.
  private func linearBlocks(_ network: Sequential) -> [(block: Sequential, width: Int)] {
    var blocks: [(layers: [any Layer], width: Int)] = []
    for layer in network.layers {
      if let linear = layer as? Linear {
        blocks.append(([linear], linear.outputSize))
      } else {
        blocks[blocks.count - 1].layers.append(layer)
      }
    }
    return blocks.map { (Sequential($0.layers), $0.width) }
  }

  /// Inverted dropout: each entry is 0 with probability `p`, else `1 / (1 − p)`; `nil` (and no
  /// draws) for `p = 0`.
  func dropoutMask(
    _ shape: [Int], like tensor: Tensor, _ p: Double, using rng: inout Xoshiro256
  ) -> Tensor? {
    guard p > 0 else { return nil }
    let count = shape.reduce(1, *)
    let kept = 1 / (1 - p)
    var values = [Double](repeating: 0, count: count)
    for i in 0..<count where rng.nextUnitDouble() >= p { values[i] = kept }
    return Tensor(converting: values, shape: shape, dtype: tensor.dtype, on: tensor.backend)
  }

  private func applyMask(_ x: Variable, _ mask: Tensor?) -> Variable {
    guard let mask else { return x }
    return x * mask
  }
}
