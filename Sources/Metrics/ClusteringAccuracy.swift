// ClusteringAccuracy: unsupervised clustering accuracy (ACC) through the best cluster-to-class
// matching.

/// The best one-to-one matching of predicted clusters to true classes: the one that agrees with
/// the most samples.
///
/// Found by ``linearSumAssignment(_:maximize:)`` on the ``ContingencyTable``. With more clusters
/// than classes the surplus clusters stay unmatched, and with fewer every cluster is matched
/// (RELIABILITY M1). Labels need not be contiguous (RELIABILITY I18).
///
/// - Parameters:
///   - predicted: The predicted cluster of each sample.
///   - truth: The true class of each sample.
/// - Returns: The class matched to each matched cluster label.
/// - Throws: ``MetricsError`` for empty or mismatched inputs.
/// - Complexity: O(n log n + k²·c) for `k` clusters and `c` classes.
public func clusterToClassMatching(
  _ predicted: [Int], _ truth: [Int]
) throws(MetricsError) -> [Int: Int] {
  let table = try ContingencyTable(predicted: predicted, truth: truth)
  let (rows, columns) = try matchRows(of: table)
  var matching: [Int: Int] = [:]
  for (row, column) in zip(rows, columns) {
    matching[table.clusters[row]] = table.classes[column]
  }
  return matching
}

/// Unsupervised clustering accuracy: the fraction of samples whose cluster, mapped to a class by
/// the best one-to-one matching, equals their true class.
///
/// `ACC = max_m (1/n) Σᵢ 1[yᵢ = m(cᵢ)]` over one-to-one maps `m` from clusters to classes
/// (Docs/Algorithm.md#metrics; DEC, Xie et al. 2016, Eq. 10). The maximum is found exactly with the
/// Hungarian
/// method on the contingency table, as the DCRL authors' code does. The numbers of clusters and
/// classes may differ: samples in unmatched clusters count as errors.
///
/// ```swift
/// try clusteringAccuracy([1, 1, 0, 0, 2], [0, 0, 1, 1, 1])   // 0.8
/// ```
///
/// - Parameters:
///   - predicted: The predicted cluster of each sample (any integers).
///   - truth: The true class of each sample (any integers).
/// - Returns: The accuracy in `[0, 1]`.
/// - Throws: ``MetricsError/input(_:)``: `InputError.empty` for no samples and
///   `InputError.lengthMismatch` when the lengths differ.
/// - Complexity: O(n log n + k²·c) time, O(n + k·c) memory.
public func clusteringAccuracy(_ predicted: [Int], _ truth: [Int]) throws(MetricsError) -> Double {
  let table = try ContingencyTable(predicted: predicted, truth: truth)
  let (rows, columns) = try matchRows(of: table)
  let matched = zip(rows, columns).reduce(0) { $0 + table[$1.0, $1.1] }
  return Double(matched) / Double(table.sampleCount)
}

/// The maximum-count matching of the table's rows (clusters) to its columns (classes).
private func matchRows(of table: ContingencyTable) throws(MetricsError) -> ([Int], [Int]) {
  let counts = (0..<table.clusters.count).map { r in
    (0..<table.classes.count).map { Double(table[r, $0]) }
  }
  return try linearSumAssignment(counts, maximize: true)
}
