// DCRLTrainingState+DataParallel: the two update steps of DCRL with the rows split over ranks.
// Each rank differentiates its share of the loss; one all-reduce sums the gradients, so every
// rank takes the single-process step.

import Autograd
import Distributed
import NN
import Tensor

extension DCRLTrainingState {
  /// Adam #1's step on the global mini-batch `indices` (global rows), this rank computing the
  /// rows it holds.
  ///
  /// L_C and L_rec are means over the batch: each rank's term is scaled by its share of the
  /// batch rows (for L_C with a `.sum` reduction, not scaled). L_rank depends on μ alone and is
  /// added on rank 0 only. The gradients of all parameters are then summed over the ranks (one
  /// all-reduce of `P + C·m` values).
  func parallelMiniBatchStep(
    input x: Tensor, indices: [Int], structure: EpochStructure, weights: EpochWeights,
    rankingDivisor: Int, epoch: Int, step: Int, context: ShardContext
  ) throws(DCRLError) -> BatchLosses {
    var losses = BatchLosses()
    let c = configuration
    if weights.structureInBatches {
      throw .unsupported("the batch-structure ablation on more than one rank")
    }
    let trainsNetwork = weights.alpha > 0 || weights.reconstruction > 0
    guard trainsNetwork || weights.ranking else { return losses }
    func ranking() -> Variable {
      rankingLoss(
        centers: centers.variable, inputCenters: structure.inputCenters, scale: c.rankingScale)
    }
    if !trainsNetwork {
      // Only L_rank, on μ alone: every rank computes the same step, nothing is exchanged.
      _ = valueWithGradient(at: [centers]) {
        let term = ranking()
        losses.ranking = term.value.scalarValue
        return term * (1 / Double(rankingDivisor))
      }
      zeroNetworkGradients()
      if let value = losses.ranking, !value.isFinite {
        throw .nonFinite(epoch: epoch, step: step, term: "L_rank")
      }
      batchOptimizer.update(allParameters)
      return losses
    }
    let (_, localRows) = context.shard.localPart(of: indices)
    let share = Double(localRows.count) / Double(indices.count)
    var partial = (clustering: 0.0, reconstruction: 0.0)
    if localRows.isEmpty && !(weights.ranking && context.rank == 0) {
      zeroNetworkGradients()
      centers.gradient = centers.value.zerosLike()
    } else {
      _ = valueWithGradient(at: allParameters) { () -> Variable in
        var total = centers.variable.sum() * 0
        if !localRows.isEmpty {
          let batch = x.gatheringRows(localRows)
          let z = autoencoder.encode(Variable(batch))
          total = total + z.sum() * 0
          if weights.alpha > 0, let target = structure.target {
            let scale = c.clusteringReduction == .sum ? 1 : share
            let term =
              clusteringLoss(
                latent: z, centers: centers.variable, target: target.gatheringRows(localRows),
                degreesOfFreedom: c.degreesOfFreedom, reduction: c.clusteringReduction) * scale
            partial.clustering = term.value.scalarValue
            total = total + term * weights.alpha
          }
          if weights.reconstruction > 0 {
            let term = meanSquaredError(autoencoder.decode(z), batch) * share
            partial.reconstruction = term.value.scalarValue
            total = total + term * weights.reconstruction
          }
        }
        if weights.ranking && context.rank == 0 {
          total = total + ranking() * (1 / Double(rankingDivisor))
        }
        return total
      }
    }
    try context.allReduceGradients(allParameters)
    let sums = try context.sum([partial.clustering, partial.reconstruction])
    if weights.alpha > 0 && structure.target != nil { losses.clustering = sums[0] }
    if weights.reconstruction > 0 { losses.reconstruction = sums[1] }
    if weights.ranking { losses.ranking = ranking().value.scalarValue }
    for (name, value) in [
      ("L_C", losses.clustering), ("L_rec", losses.reconstruction), ("L_rank", losses.ranking),
    ] {
      if let value, !value.isFinite { throw .nonFinite(epoch: epoch, step: step, term: name) }
    }
    batchOptimizer.update(allParameters)
    return losses
  }

  /// Adam #2's step on `β·L_iso + L_align` (+ L_rank) over all rows.
  ///
  /// Each rank encodes its rows; the codes are gathered (`N × m` values), and every rank
  /// evaluates the losses and their gradient with respect to all codes and μ, identically. Each
  /// rank then pushes its own rows' part of `∂L/∂Z` back through the encoder, chunk by chunk,
  /// and one all-reduce sums the encoder gradients.
  func parallelFullDataStep(
    input x: Tensor, structure: EpochStructure, weights: EpochWeights, epoch: Int,
    context: ShardContext
  ) throws(DCRLError) -> (isometry: Double, alignment: Double, ranking: Double?) {
    guard let pairs = structure.pairs else { return (.nan, .nan, nil) }
    let chunk = configuration.fullPassChunkSize
    var values = StructureLossValues()
    let codes = Parameter(try context.gatherRows(autoencoder.encodeAll(x, chunkSize: chunk)))
    let (_, outer) = valueWithGradient(at: [codes, centers]) {
      structureLoss(
        codes.variable, pairs: pairs, structure: structure, weights: weights, values: &values)
    }
    setEncoderGradients(input: x, codeGradient: outer[0].rows(context.shard.range))
    try context.allReduceGradients(autoencoder.encoder.parameters)
    centers.gradient = outer[1]
    try checkAndStep(values, epoch: epoch)
    return (values.isometry, values.alignment, values.ranking)
  }
}
