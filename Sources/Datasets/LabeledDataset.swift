// LabeledDataset: a feature matrix with one class label per row, and where it came from.

import Tensor

/// Samples as rows of a float32 matrix, with their class labels and provenance.
///
/// Every loader in this module returns one (see ``load(_:from:on:)``). The labels are for
/// evaluation only: the clustering algorithms never see them.
///
/// Shape: ``features`` is `[count, featureCount]`; ``labels`` has `count` entries in
/// `0..<classCount`.
public struct LabeledDataset: Sendable {
  /// The dataset's name, such as `"mnist-full"`, with a row range for subsets
  /// (`"mnist-full[0..<50000]"`).
  public var name: String
  /// The samples, one per row.
  public var features: Tensor
  /// The class of each row, in `0..<classCount`.
  public var labels: [Int]
  /// The number of classes.
  public var classCount: Int
  /// A name for each class, indexed by label.
  public var classNames: [String]
  /// Where the data came from and how it was preprocessed: files, checksums, scaling and the
  /// section of Docs/Algorithm.md it follows.
  public var provenance: String

  /// Creates a dataset after checking that labels and features agree.
  ///
  /// - Parameters:
  ///   - name: A short name.
  ///   - features: The samples as a rank-2 tensor, one per row.
  ///   - labels: One label in `0..<classCount` per row.
  ///   - classCount: The number of classes (at least 1).
  ///   - classNames: A name per class; defaults to `"0"`, `"1"`, ….
  ///   - provenance: Where the data came from.
  /// - Throws: ``DatasetError/input(_:)`` when `features` is not rank 2, the label count differs
  ///   from the row count, `classCount < 1` or `classNames` has the wrong length;
  ///   ``DatasetError/invalidLabel(path:index:value:reason:)`` for a label outside `0..<classCount`
  ///   (with `name` as the path).
  public init(
    name: String, features: Tensor, labels: [Int], classCount: Int, classNames: [String]? = nil,
    provenance: String
  ) throws(DatasetError) {
    guard features.rank == 2 else {
      throw .input(
        .wrongRank(
          parameter: "features", shape: features.shape, expected: "a matrix [count, featureCount]"))
    }
    guard labels.count == features.shape[0] else {
      throw .input(
        .lengthMismatch(
          parameter: "labels", count: labels.count, other: "features",
          otherCount: features.shape[0]))
    }
    try DatasetError.require(classCount >= 1, "classCount", classCount, "must be >= 1")
    let names = classNames ?? (0..<classCount).map(String.init)
    try DatasetError.require(
      names.count == classCount, "classNames", "\(names.count) names",
      "needs one name per class (\(classCount))")
    if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
      throw .invalidLabel(
        path: name, index: bad, value: "\(labels[bad])", reason: "is outside 0..<\(classCount)")
    }
    self.name = name
    self.features = features
    self.labels = labels
    self.classCount = classCount
    self.classNames = names
    self.provenance = provenance
  }

  /// The number of samples.
  public var count: Int { labels.count }

  /// The number of features per sample.
  public var featureCount: Int { features.shape[1] }

  /// How many samples each class has, indexed by label.
  public var classCounts: [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for label in labels { counts[label] += 1 }
    return counts
  }

  /// The samples in `range`, as a dataset of their own (features copied, provenance kept).
  ///
  /// - Precondition: `range` lies within `0..<count`.
  public func rows(_ range: Range<Int>) -> LabeledDataset {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= count,
      "LabeledDataset.rows(\(range)): out of bounds for \(count) samples")
    var subset = self
    subset.name = "\(name)[\(range.lowerBound)..<\(range.upperBound)]"
    subset.features = features.rows(range)
    subset.labels = Array(labels[range])
    subset.provenance = "rows \(range.lowerBound)..<\(range.upperBound) of: \(provenance)"
    return subset
  }

  /// The first `trainingCount` samples and the rest, as two datasets.
  ///
  /// - Throws: ``DatasetError/input(_:)`` unless `0 ≤ trainingCount ≤ count`.
  public func split(trainingCount: Int) throws(DatasetError) -> (
    training: LabeledDataset, test: LabeledDataset
  ) {
    try DatasetError.require(
      (0...count).contains(trainingCount), "trainingCount", trainingCount,
      "must be in 0...\(count)")
    return (rows(0..<trainingCount), rows(trainingCount..<count))
  }
}
