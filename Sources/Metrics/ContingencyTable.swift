// ContingencyTable: counts of samples per (cluster, class) pair, shared by ACC, NMI and ARI.

/// The number of samples in each (predicted cluster, true class) pair.
///
/// Labels may be any integers, in any order and with gaps (−1, 7, 1000): each labelling is
/// relabelled to `0..<k` by sorting its distinct values (RELIABILITY I18).
public struct ContingencyTable: Sendable, Hashable {
  /// The distinct predicted labels in ascending order; row `r` of the table is `clusters[r]`.
  public let clusters: [Int]
  /// The distinct true labels in ascending order; column `c` of the table is `classes[c]`.
  public let classes: [Int]
  /// `counts[r * classes.count + c]` is the number of samples in cluster `r` and class `c`.
  public let counts: [Int]
  /// The number of samples.
  public let sampleCount: Int

  /// Counts the samples of every (predicted, true) label pair.
  ///
  /// - Parameters:
  ///   - predicted: The predicted cluster of each sample.
  ///   - truth: The true class of each sample.
  /// - Throws: ``MetricsError/input(_:)``: `InputError.empty` for no samples and
  ///   `InputError.lengthMismatch` when the lengths differ.
  /// - Complexity: O(n log n) time for the relabelling, O(n + k·c) memory.
  public init(predicted: [Int], truth: [Int]) throws(MetricsError) {
    guard predicted.count == truth.count else {
      throw .input(
        .lengthMismatch(
          parameter: "predicted", count: predicted.count, other: "truth",
          otherCount: truth.count))
    }
    guard !predicted.isEmpty else { throw .input(.empty(parameter: "predicted")) }
    let (clusters, clusterIndex) = denseLabels(predicted)
    let (classes, classIndex) = denseLabels(truth)
    var counts = [Int](repeating: 0, count: clusters.count * classes.count)
    for (r, c) in zip(clusterIndex, classIndex) { counts[r * classes.count + c] += 1 }
    self.clusters = clusters
    self.classes = classes
    self.counts = counts
    self.sampleCount = predicted.count
  }

  /// The count for cluster row `row` and class column `column`.
  public subscript(row: Int, column: Int) -> Int { counts[row * classes.count + column] }

  /// The number of samples in each predicted cluster (row sums).
  public var clusterSizes: [Int] {
    (0..<clusters.count).map { r in (0..<classes.count).reduce(0) { $0 + self[r, $1] } }
  }

  /// The number of samples in each true class (column sums).
  public var classSizes: [Int] {
    (0..<classes.count).map { c in (0..<clusters.count).reduce(0) { $0 + self[$1, c] } }
  }
}

/// The distinct values of `labels` in ascending order and each label's position among them.
func denseLabels(_ labels: [Int]) -> (values: [Int], indices: [Int]) {
  let values = Array(Set(labels)).sorted()
  var position: [Int: Int] = [:]
  position.reserveCapacity(values.count)
  for (index, value) in values.enumerated() { position[value] = index }
  return (values, labels.map { position[$0]! })
}
