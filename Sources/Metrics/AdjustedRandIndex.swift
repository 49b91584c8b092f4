// AdjustedRandIndex: the Rand index corrected for chance (Hubert and Arabie 1985).

/// The adjusted Rand index between two labellings.
///
/// Counts sample pairs: `tp` pairs together in both labellings, `tn` apart in both, `fp`/`fn`
/// together in one only; then `ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`
/// (scikit-learn's pair-confusion form), and `1` when the labellings agree on every pair. Pair
/// counts are exact integers and the products use 128-bit arithmetic, so n = 70 000 does not
/// overflow.
///
/// ```swift
/// try adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])   // 1
/// ```
///
/// - Parameters:
///   - predicted: The predicted cluster of each sample (any integers).
///   - truth: The true class of each sample (any integers).
/// - Returns: ARI in `[−0.5, 1]`: 1 for identical partitions, about 0 for independent ones. It
///   is symmetric and invariant to relabelling.
/// - Throws: ``MetricsError/input(_:)``: `InputError.empty` for no samples and
///   `InputError.lengthMismatch` when the lengths differ.
/// - Complexity: O(n log n + k·c) time, O(n + k·c) memory.
public func adjustedRandIndex(_ predicted: [Int], _ truth: [Int]) throws(MetricsError) -> Double {
  let table = try ContingencyTable(predicted: predicted, truth: truth)
  let n = table.sampleCount
  // Ordered pairs (i ≠ j), as scikit-learn's pair_confusion_matrix counts them.
  let squares = table.counts.reduce(0) { $0 + $1 * $1 }
  let clusterSizes = table.clusterSizes
  let classSizes = table.classSizes
  let togetherInBoth = squares - n
  let togetherInPredicted = clusterSizes.reduce(0) { $0 + $1 * $1 } - squares
  let togetherInTruth = classSizes.reduce(0) { $0 + $1 * $1 } - squares
  let apartInBoth = n * n - togetherInPredicted - togetherInTruth - squares
  if togetherInPredicted == 0 && togetherInTruth == 0 { return 1 }
  let (tp, tn) = (Int128(togetherInBoth), Int128(apartInBoth))
  let (fp, fn) = (Int128(togetherInPredicted), Int128(togetherInTruth))
  let numerator = 2 * (tp * tn - fn * fp)
  let denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)
  return Double(numerator) / Double(denominator)
}
