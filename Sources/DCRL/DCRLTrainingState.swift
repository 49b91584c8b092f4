// DCRLTrainingState: the mutable state of a fine-tuning run and its two update steps — the
// mini-batch Adam step (equation 9) and the full-data Adam step (equation 10) — per
// Docs/Algorithm.md#training.

import Autograd
import NN
import Tensor

/// The loss values of one mini-batch step; `nil` for terms that were not computed.
struct BatchLosses {
  var clustering: Double?
  var reconstruction: Double?
  var ranking: Double?
}

/// Everything a fine-tuning run changes.
///
/// That is the parameters, both optimisers, the random stream, the epoch counter and the
/// history; a checkpoint stores exactly this.
final class DCRLTrainingState {
  let configuration: DCRLConfiguration
  let autoencoder: Autoencoder
  /// μ, the learnable cluster centres `[C, m]`.
  let centers: Parameter
  /// Adam #1, for the mini-batch loss (equation 9).
  var batchOptimizer: Adam
  /// Adam #2, with its own moments, for the full-data loss (equation 10).
  var fullDataOptimizer: Adam
  /// The stream of batch orders.
  var rng: Xoshiro256
  /// The next epoch to run (0-based).
  var nextEpoch: Int
  /// The last epoch's predicted clusters, for the label-change statistic.
  var previousLabels: [Int]?
  /// The last known v_c, the fallback for clusters that empty out.
  var inputCenters: Tensor
  /// One report per finished epoch.
  var reports: [DCRLEpochReport]
  /// Set once the label-change guard has ended the run.
  var guardStop: LabelChangeGuardStop?
  /// The partition of every point the run started from, when the warm-up trains towards it
  /// (``DCRLConfiguration/partitionWarmUp``).
  var initialPartition: [Int]?
  /// Zero gradients for the network, reused when only the centres receive a gradient.
  private var zeroGradients: [ObjectIdentifier: Tensor] = [:]

  init(
    configuration: DCRLConfiguration, autoencoder: Autoencoder, centers: Tensor,
    inputCenters: Tensor, rng: Xoshiro256
  ) {
    self.configuration = configuration
    self.autoencoder = autoencoder
    self.centers = Parameter(centers, name: "centers")
    self.batchOptimizer = Adam(learningRate: configuration.learningRate)
    self.fullDataOptimizer = Adam(learningRate: configuration.learningRate)
    self.rng = rng
    self.nextEpoch = 0
    self.inputCenters = inputCenters
    self.reports = []
  }

  /// Every parameter Adam #1 updates: encoder, decoder, centres.
  var allParameters: [Parameter] { autoencoder.parameters + [centers] }

  /// The parameters that L_iso and L_align reach: encoder and centres (the decoder's gradient is
  /// identically zero, so Adam #2 would leave it unchanged).
  var structureParameters: [Parameter] { autoencoder.encoder.parameters + [centers] }

  // MARK: Mini-batch step (equation 9)

  /// One Adam #1 step on `α·L_C + a·L_rec + L_rank/⌊N/B⌋` (plus the batch structure losses in
  /// ablation D) over the samples `indices`.
  func miniBatchStep(
    input x: Tensor, indices: [Int], structure: EpochStructure, weights: EpochWeights,
    rankingDivisor: Int, epoch: Int, step: Int
  ) throws(DCRLError) -> BatchLosses {
    var losses = BatchLosses()
    let c = configuration
    let trainsNetwork =
      weights.alpha > 0 || weights.reconstruction > 0 || weights.structureInBatches
    var failure: String?
    if trainsNetwork {
      let batch = x.gatheringRows(indices)
      _ = valueWithGradient(at: allParameters) { () -> Variable in
        let z = autoencoder.encode(Variable(batch))
        var total = z.sum() * 0
        if weights.alpha > 0, let target = structure.target {
          let term = clusteringLoss(
            latent: z, centers: centers.variable, target: target.gatheringRows(indices),
            degreesOfFreedom: c.degreesOfFreedom, reduction: c.clusteringReduction)
          losses.clustering = term.value.scalarValue
          total = total + term * weights.alpha
        }
        if weights.reconstruction > 0 {
          let term = meanSquaredError(autoencoder.decode(z), batch)
          losses.reconstruction = term.value.scalarValue
          total = total + term * weights.reconstruction
        }
        if weights.ranking {
          let term = rankingLoss(
            centers: centers.variable, inputCenters: structure.inputCenters, scale: c.rankingScale)
          losses.ranking = term.value.scalarValue
          total = total + term * (1 / Double(rankingDivisor))
        }
        if weights.structureInBatches {
          let labels = indices.map { structure.labels[$0] }
          if let pairs = try? isometryPairs(
            latent: z.value, input: batch, labels: labels, clusters: c.clusters,
            neighbors: c.isometryNeighbors)
          {
            total = total + isometryLoss(latent: z, pairs: pairs) * weights.beta
          }
          total = total + alignmentLoss(latent: z, labels: labels, centers: centers.variable)
        }
        if !total.value.scalarValue.isFinite { failure = "mini-batch loss" }
        return total
      }
    } else if weights.ranking {
      // With a(e) = 0 only L_rank remains and it depends on μ alone: the network's gradients
      // are exactly zero. They are still handed to Adam #1, whose moments keep moving the
      // weights for a while, as in the authors' code (Docs/Algorithm.md#schedule).
      _ = valueWithGradient(at: [centers]) {
        let term = rankingLoss(
          centers: centers.variable, inputCenters: structure.inputCenters, scale: c.rankingScale)
        losses.ranking = term.value.scalarValue
        return term * (1 / Double(rankingDivisor))
      }
      zeroNetworkGradients()
    } else {
      return losses
    }
    for (name, value) in [
      ("L_C", losses.clustering), ("L_rec", losses.reconstruction), ("L_rank", losses.ranking),
    ] {
      if let value, !value.isFinite { throw .nonFinite(epoch: epoch, step: step, term: name) }
    }
    if let failure { throw .nonFinite(epoch: epoch, step: step, term: failure) }
    batchOptimizer.update(allParameters)
    return losses
  }

  /// Sets the network's gradients to zero tensors, made once per parameter and reused.
  func zeroNetworkGradients() {
    for parameter in autoencoder.parameters {
      let key = ObjectIdentifier(parameter)
      if zeroGradients[key] == nil { zeroGradients[key] = parameter.value.zerosLike() }
      parameter.gradient = zeroGradients[key]
    }
  }

  /// Sets the encoder's gradients to those of `Σ_chunks ⟨f(x_chunk), G_chunk⟩` for the code
  /// gradient `G = ∂L/∂Z` of the rows `x`: the same parameter gradient as L's, with memory
  /// bounded by one chunk's activations.
  func setEncoderGradients(input x: Tensor, codeGradient: Tensor) {
    let n = x.shape[0]
    let chunk = configuration.fullPassChunkSize
    let encoderParameters = autoencoder.encoder.parameters
    var accumulated: [Tensor]?
    for rows in chunkRanges(n, chunkSize: chunk) {
      let upstream = codeGradient.rows(rows)
      let (_, gradients) = valueWithGradient(at: encoderParameters) {
        (autoencoder.encode(Variable(x.rows(rows))) * upstream).sum()
      }
      if var sums = accumulated {
        for index in sums.indices { sums[index].add(gradients[index]) }
        accumulated = sums
      } else {
        accumulated = gradients
      }
    }
    for (parameter, gradient) in zip(encoderParameters, accumulated ?? []) {
      parameter.gradient = gradient
    }
  }

  // MARK: Full-data step (equation 10)

  /// One Adam #2 step on `β·L_iso + L_align` (plus L_rank when
  /// ``EpochWeights/rankingInFullDataStep``) over the whole data, with latent codes recomputed
  /// from the current weights (Docs/Algorithm.md#presets), in chunks of `fullPassChunkSize` rows.
  ///
  /// - Returns: L_iso, L_align and L_rank (`nil` when it is not part of this step).
  func fullDataStep(
    input x: Tensor, structure: EpochStructure, weights: EpochWeights, epoch: Int
  ) throws(DCRLError) -> (isometry: Double, alignment: Double, ranking: Double?) {
    guard let pairs = structure.pairs else { return (.nan, .nan, nil) }
    let n = x.shape[0]
    let chunk = configuration.fullPassChunkSize
    var values = StructureLossValues()
    func losses(_ z: Variable) -> Variable {
      structureLoss(z, pairs: pairs, structure: structure, weights: weights, values: &values)
    }
    if n <= chunk {
      _ = valueWithGradient(at: structureParameters) {
        losses(autoencoder.encode(Variable(x)))
      }
    } else {
      // Differentiate the losses with respect to the codes Z, then push ∂L/∂Z back through the
      // encoder chunk by chunk: Σ_chunks ⟨f(x_chunk), ∂L/∂Z_chunk⟩ has the same parameter
      // gradient as L, and memory stays bounded by one chunk's activations.
      let codes = Parameter(autoencoder.encodeAll(x, chunkSize: chunk))
      let (_, outer) = valueWithGradient(at: [codes, centers]) { losses(codes.variable) }
      setEncoderGradients(input: x, codeGradient: outer[0])
      centers.gradient = outer[1]
    }
    try checkAndStep(values, epoch: epoch)
    return (values.isometry, values.alignment, values.ranking)
  }

  /// `β·L_iso + L_align (+ L_rank)` on the codes `z` of all rows, recording each term's value.
  func structureLoss(
    _ z: Variable, pairs: IsometryPairs, structure: EpochStructure, weights: EpochWeights,
    values: inout StructureLossValues
  ) -> Variable {
    let iso = isometryLoss(latent: z, pairs: pairs)
    let align = alignmentLoss(latent: z, labels: structure.labels, centers: centers.variable)
    values.isometry = iso.value.scalarValue
    values.alignment = align.value.scalarValue
    guard weights.rankingInFullDataStep else { return iso * weights.beta + align }
    let rank = rankingLoss(
      centers: centers.variable, inputCenters: structure.inputCenters,
      scale: configuration.rankingScale)
    values.ranking = rank.value.scalarValue
    return iso * weights.beta + align + rank
  }

  /// Throws for a non-finite structure loss; otherwise takes Adam #2's step.
  func checkAndStep(_ values: StructureLossValues, epoch: Int) throws(DCRLError) {
    if !values.isometry.isFinite { throw .nonFinite(epoch: epoch, step: -1, term: "L_iso") }
    if !values.alignment.isFinite { throw .nonFinite(epoch: epoch, step: -1, term: "L_align") }
    if let ranking = values.ranking, !ranking.isFinite {
      throw .nonFinite(epoch: epoch, step: -1, term: "L_rank")
    }
    fullDataOptimizer.update(structureParameters)
  }
}

/// The values of the full-data step's loss terms.
struct StructureLossValues {
  var isometry = 0.0
  var alignment = 0.0
  var ranking: Double?
}
