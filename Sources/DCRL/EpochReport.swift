// EpochReport: what happened in one fine-tuning epoch, for progress output and logs.

import Foundation

/// The record of one DCRL fine-tuning epoch.
///
/// Loss terms are means over the epoch's mini-batches (L_C, L_rec, L_rank) or the value of the
/// full-data step (L_iso, L_align); a term that was not computed that epoch is `nil`.
public struct DCRLEpochReport: Sendable, Codable, Hashable {
  /// The 0-based epoch.
  public var epoch: Int
  /// The loss weights of the epoch.
  public var weights: EpochWeights
  /// Mean L_C over the mini-batches.
  public var clustering: Double?
  /// Mean L_rec over the mini-batches.
  public var reconstruction: Double?
  /// Mean L_rank over the mini-batches (before the 1/⌊N/B⌋ factor).
  public var ranking: Double?
  /// L_iso of the full-data step.
  public var isometry: Double?
  /// L_align of the full-data step.
  public var alignment: Double?
  /// The number of points per predicted cluster at the start of the epoch.
  public var clusterSizes: [Int]
  /// The fraction of points whose predicted cluster changed since the previous epoch.
  public var labelChange: Double
  /// Predicted clusters with no members at the start of the epoch (RELIABILITY D3).
  public var emptyClusters: Int
  /// Clusters with ≤ k members, whose L_iso neighbourhoods were truncated
  /// (Docs/Algorithm.md#presets).
  public var truncatedClusters: Int
  /// The normalised entropy of the cluster sizes, 1 for equal sizes and 0 for collapse (D4).
  public var sizeEntropy: Double
  /// Clustering accuracy of the start-of-epoch labels, when ground truth was supplied.
  public var accuracy: Double?
  /// NMI (arithmetic) of the start-of-epoch labels, when ground truth was supplied.
  public var nmi: Double?
  /// Wall-clock seconds of the epoch.
  public var seconds: Double
}

extension DCRLEpochReport {
  /// One human-readable line: epoch, weights, loss terms, sizes and metrics.
  public var summary: String {
    func term(_ name: String, _ value: Double?) -> String? {
      value.map { "\(name) \(format($0))" }
    }
    var parts = ["epoch \(epoch)", "α \(format(weights.alpha))", "β \(format(weights.beta))"]
    parts += [
      term("L_C", clustering), term("L_rec", reconstruction), term("L_rank", ranking),
      term("L_iso", isometry), term("L_align", alignment),
    ].compactMap { $0 }
    parts.append("changed \(format(labelChange * 100))%")
    if emptyClusters > 0 { parts.append("empty \(emptyClusters)") }
    if let accuracy { parts.append("ACC \(format(accuracy))") }
    if let nmi { parts.append("NMI \(format(nmi))") }
    parts.append("\(format(seconds))s")
    return parts.joined(separator: "  ")
  }
}

/// Four significant digits, as `%.4g` renders them.
func format(_ value: Double) -> String {
  String(format: "%.4g", value)
}
