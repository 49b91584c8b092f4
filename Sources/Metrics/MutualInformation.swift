// MutualInformation: normalised mutual information (NMI) between two labellings.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How ``normalizedMutualInformation(_:_:normalization:)`` turns the two entropies into a
/// normaliser.
///
/// The choice matters when comparing with published numbers (Docs/Algorithm.md#metrics,
/// Docs/Algorithm.md#presets;
/// RELIABILITY
/// M2): scikit-learn 0.21 (pinned by the DCRL authors' code) defaulted to ``geometric``,
/// scikit-learn 0.22 and later default to ``arithmetic``, and Xu et al. (2003), which the DCRL
/// paper cites, use ``max``. For balanced clusterings they differ in the third decimal.
public enum NMINormalization: String, Sendable, Hashable, Codable, CaseIterable {
  /// `(H(Y) + H(C)) / 2`: scikit-learn ≥ 0.22's default.
  case arithmetic
  /// `√(H(Y)·H(C))`: scikit-learn 0.21's default, used by the DCRL authors' code.
  case geometric
  /// `max(H(Y), H(C))`.
  case max
  /// `min(H(Y), H(C))`.
  case min

  /// The normaliser for entropies `a` and `b`.
  func combine(_ a: Double, _ b: Double) -> Double {
    switch self {
    case .arithmetic: return (a + b) / 2
    case .geometric: return a == b ? a : (a * b).squareRoot()
    case .max: return Swift.max(a, b)
    case .min: return Swift.min(a, b)
    }
  }
}

/// The mutual information `I(Y; C)` between two labellings, in nats.
///
/// `I = Σ_{r,c} (n_rc / n) · log(n · n_rc / (a_r · b_c))` over the non-empty cells of the
/// contingency table, with `a_r`, `b_c` its row and column sums; clamped at 0 so rounding never
/// makes it negative.
///
/// - Parameters:
///   - predicted: The predicted cluster of each sample.
///   - truth: The true class of each sample.
/// - Returns: The mutual information, `≥ 0`; it is symmetric in its arguments.
/// - Throws: ``MetricsError`` for empty or mismatched inputs.
/// - Complexity: O(n log n + k·c).
public func mutualInformation(_ predicted: [Int], _ truth: [Int]) throws(MetricsError) -> Double {
  mutualInformation(try ContingencyTable(predicted: predicted, truth: truth))
}

/// Normalised mutual information: `I(Y; C) / norm(H(Y), H(C))`.
///
/// Follows scikit-learn's `normalized_mutual_info_score` (Docs/Algorithm.md#metrics) with the
/// normaliser
/// chosen explicitly. Degenerate labellings are defined, never NaN (RELIABILITY M3): when both
/// labellings are constant (both entropies 0) the result is 1, a perfect match; when only one
/// is, the mutual information is 0 and so is the result. The result is clamped to `[0, 1]`.
///
/// ```swift
/// try normalizedMutualInformation([0, 0, 1, 1], [1, 1, 0, 0], normalization: .geometric)  // 1
/// ```
///
/// - Parameters:
///   - predicted: The predicted cluster of each sample (any integers).
///   - truth: The true class of each sample (any integers).
///   - normalization: How the two entropies are averaged; pass ``NMINormalization/geometric``
///     to compare with the DCRL paper (scikit-learn 0.21).
/// - Returns: NMI in `[0, 1]`, symmetric in its labellings and invariant to relabelling.
/// - Throws: ``MetricsError/input(_:)``: `InputError.empty` for no samples and
///   `InputError.lengthMismatch` when the lengths differ.
/// - Complexity: O(n log n + k·c) time, O(n + k·c) memory.
public func normalizedMutualInformation(
  _ predicted: [Int], _ truth: [Int], normalization: NMINormalization = .arithmetic
) throws(MetricsError) -> Double {
  let table = try ContingencyTable(predicted: predicted, truth: truth)
  if table.clusters.count == 1 && table.classes.count == 1 { return 1 }
  let information = mutualInformation(table)
  if information == 0 { return 0 }
  let normalizer = normalization.combine(
    entropy(table.clusterSizes, table.sampleCount), entropy(table.classSizes, table.sampleCount))
  return Swift.min(Swift.max(information / normalizer, 0), 1)
}

func mutualInformation(_ table: ContingencyTable) -> Double {
  if table.clusters.count == 1 || table.classes.count == 1 { return 0 }
  let n = Double(table.sampleCount)
  let rows = table.clusterSizes
  let columns = table.classSizes
  var total = 0.0
  for r in rows.indices {
    for c in columns.indices {
      let count = table[r, c]
      guard count > 0 else { continue }
      let joint = Double(count)
      // Grouped so that identical labellings give exactly the entropy's terms.
      total +=
        joint / n * ((log(n) - log(Double(rows[r]))) + (log(joint) - log(Double(columns[c]))))
    }
  }
  return Swift.max(total, 0)
}

/// The entropy (nats) of a labelling with the given class sizes.
func entropy(_ sizes: [Int], _ total: Int) -> Double {
  let n = Double(total)
  var result = 0.0
  for size in sizes where size > 0 {
    let p = Double(size) / n
    result -= p * (log(Double(size)) - log(n))
  }
  return result
}
