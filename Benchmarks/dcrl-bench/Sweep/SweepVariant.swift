// SweepVariant: the DCRL variants `dcrl-bench sweep` compares, named by the changes they make
// to a base configuration.

import DCRL

/// A DCRL variant: a base configuration with label-free changes, spelled as `+`-joined parts.
///
/// Parts: `paper` (no change), `guard` (the default ``LabelChangeGuard``), `floor<f>` (a(e) ≥ f
/// after the warm-up, e.g. `floor0.1`), `rankalign` (L_rank beside L_align in the full-data
/// step), `umap` (centres from UMAP + a Gaussian mixture of all codes), `recommended` (the
/// changes of ``DCRLConfiguration/applyRecommendedChanges()``), `epochs<n>` (n fine-tuning
/// epochs), `pwarm` (the UMAP + mixture start and a warm-up towards its partition). Example: `umap+floor0.1+guard+epochs200`.
struct SweepVariant: Hashable {
  /// The name as given (also the store folder's name).
  var name: String

  /// Parses and checks a variant name.
  init(_ name: String) throws {
    self.name = name
    var probe = DCRLConfiguration()
    try apply(to: &probe)
  }

  /// Applies the variant's changes to `configuration`.
  func apply(to configuration: inout DCRLConfiguration) throws {
    for part in name.split(separator: "+").map(String.init) {
      var stabilization = configuration.stabilization ?? DCRLStabilization()
      switch part {
      case "paper":
        continue
      case "guard":
        stabilization.labelChangeGuard = LabelChangeGuard()
      case "rankalign":
        stabilization.rankingWithAlignment = true
      case "umap":
        configuration.centerInitialization = .umapThenMixture
        continue
      case "pwarm":
        configuration.centerInitialization = .umapThenMixture
        configuration.partitionWarmUp = PartitionWarmUp()
        continue
      case "recommended":
        configuration.applyRecommendedChanges()
        continue
      case _ where part.hasPrefix("epochs"):
        guard let epochs = Int(part.dropFirst("epochs".count)), epochs > 0 else {
          throw SweepError("variant part '\(part)': epochs<n> needs a positive whole number")
        }
        configuration.epochs = epochs
        continue
      case _ where part.hasPrefix("starts"):
        guard let starts = Int(part.dropFirst("starts".count)), starts >= 1 else {
          throw SweepError("variant part '\(part)': starts<n> needs a whole number >= 1")
        }
        configuration.initializationMixtureStarts = starts
        continue
      case _ where part.hasPrefix("floor"):
        guard let floor = Double(part.dropFirst("floor".count)), floor >= 0, floor <= 1 else {
          throw SweepError("variant part '\(part)': floor<f> needs a number in 0...1")
        }
        stabilization.weightFloor = floor
      default:
        throw SweepError(
          "unknown variant part '\(part)'; use paper, guard, floor<f>, rankalign, umap, pwarm, starts<n>, recommended, epochs<n>"
        )
      }
      configuration.stabilization = stabilization
    }
  }

  /// Whether a run of this variant may start from `base`'s checkpoint after `epoch` epochs:
  /// the same initialisation and the same loss weights in every earlier epoch, and a guard
  /// that would not have fired on `base`'s recorded label changes before then.
  func canBranch(from base: DCRLConfiguration, at epoch: Int, baseChanges: [Double]) throws
    -> Bool
  {
    var mine = base
    try apply(to: &mine)
    guard mine.centerInitialization == base.centerInitialization,
      mine.partitionWarmUp == base.partitionWarmUp,
      mine.initializationMixtureStarts == base.initializationMixtureStarts,
      mine.initializationSubsetSize == base.initializationSubsetSize
    else { return false }
    for e in 0..<epoch
    where EpochWeights(epoch: e, configuration: mine)
      != EpochWeights(epoch: e, configuration: base)
    {
      return false
    }
    if let rule = mine.stabilization?.labelChangeGuard,
      base.stabilization?.labelChangeGuard != rule,
      rule.firstFiring(changes: Array(baseChanges.prefix(epoch)), warmUpEpochs: mine.warmUpEpochs)
        != nil
    {
      return false
    }
    return true
  }
}

/// A usage error of `dcrl-bench sweep`.
struct SweepError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
