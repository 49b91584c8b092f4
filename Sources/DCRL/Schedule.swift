// Schedule: the graduated weights of DCRL's losses per epoch (Docs/Algorithm.md#schedule).

/// The weights of DCRL's loss terms in one epoch.
///
/// With warm-up T0, schedule end S (= E/2 = 150) and 0-based epoch e (Docs/Algorithm.md#schedule):
/// - e < T0: the mini-batch loss is `0.1·L_C + L_rec`; no ranking, no full-data step.
/// - e ≥ T0: the mini-batch loss is `a(e)·(0.1·L_C + L_rec) + L_rank/⌊N/B⌋` with
///   `a(e) = max(0, 1 − (e − T0)/(S − T0))`, and the full-data step is
///   `b(e)·L_iso + L_align` with `b(e) = min(1, (e − T0)/S)`.
///
/// So α(e) = 0.1·a(e) falls linearly from 0.1 to 0 at epoch S, and β(e) = b(e) rises from 0 to 1
/// at epoch T0 + S.
public struct EpochWeights: Sendable, Hashable, Codable {
  /// a(e): the factor on `0.1·L_C` and on `L_rec`.
  public var clusteringFactor: Double
  /// α(e) = clusteringWeight · a(e): the weight of L_C.
  public var alpha: Double
  /// The weight of L_rec in the mini-batch loss (a(e), or 0 when it is switched off).
  public var reconstruction: Double
  /// Whether L_rank enters the mini-batch loss (with weight 1/⌊N/B⌋).
  public var ranking: Bool
  /// Whether L_rank (weight 1) is instead part of the full-data step, beside L_align
  /// (``DCRLStabilization/rankingWithAlignment``).
  public var rankingInFullDataStep: Bool
  /// β(e) = b(e): the weight of L_iso in the full-data step.
  public var beta: Double
  /// Whether the full-data step on `β·L_iso + L_align` is taken.
  public var fullDataStep: Bool
  /// Whether `β·L_iso + L_align` is instead added to every mini-batch loss, computed on the
  /// batch's own within-cluster neighbours and cluster means (ablation D).
  public var structureInBatches: Bool

  /// The weights of epoch `epoch` (0-based) under `configuration`.
  public init(epoch: Int, configuration c: DCRLConfiguration) {
    let warmUp = epoch < c.warmUpEpochs
    let structure = c.ablation != .withoutStructureLosses
    let e = Double(epoch)
    let t0 = Double(c.warmUpEpochs)
    let end = Double(c.scheduleEnd)
    var a = warmUp ? 1 : max(0, 1 - (e - t0) / (end - t0))
    var b = warmUp ? 0 : min(1, (e - t0) / end)
    if c.ablation == .withoutWeightGraduality {
      a = 1
      b = warmUp ? 0 : 1
    }
    let stabilization = c.stabilization ?? DCRLStabilization()
    a = max(a, stabilization.weightFloor)
    clusteringFactor = a
    alpha = c.ablation == .withoutClusteringLoss ? 0 : c.clusteringWeight * a
    reconstruction = (warmUp || c.reconstructionDuringFineTuning) ? a : 0
    beta = structure ? b : 0
    let alternating = c.ablation != .withoutAlternatingTraining
    fullDataStep = !warmUp && structure && alternating
    rankingInFullDataStep = fullDataStep && stabilization.rankingWithAlignment
    ranking = !warmUp && structure && !rankingInFullDataStep
    structureInBatches = !warmUp && structure && !alternating
  }
}

extension EpochWeights {
  private enum CodingKeys: String, CodingKey {
    case clusteringFactor, alpha, reconstruction, ranking, rankingInFullDataStep, beta
    case fullDataStep, structureInBatches
  }

  /// Decodes the weights; records written before ``rankingInFullDataStep`` existed read it as
  /// `false`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    clusteringFactor = try container.decode(Double.self, forKey: .clusteringFactor)
    alpha = try container.decode(Double.self, forKey: .alpha)
    reconstruction = try container.decode(Double.self, forKey: .reconstruction)
    ranking = try container.decode(Bool.self, forKey: .ranking)
    rankingInFullDataStep =
      try container.decodeIfPresent(Bool.self, forKey: .rankingInFullDataStep) ?? false
    beta = try container.decode(Double.self, forKey: .beta)
    fullDataStep = try container.decode(Bool.self, forKey: .fullDataStep)
    structureInBatches = try container.decode(Bool.self, forKey: .structureInBatches)
  }
}
