// ClassifierError: every way fitting or applying a downstream classifier can fail.

/// Errors from the Classifiers module, each naming the offending value and the constraint it
/// broke, in the manner of scikit-learn's messages.
public enum ClassifierError: Error, Equatable, CustomStringConvertible {
  /// A configuration field is out of range; see each configuration's `validate()`
  /// (RELIABILITY I20).
  case invalidConfiguration(parameter: String, value: String, constraint: String)
  /// `x` is not a `[samples, features]` matrix (RELIABILITY I3).
  case notAMatrix(shape: [Int])
  /// `x` has no rows or no columns (RELIABILITY I1, I2).
  case emptyData(samples: Int, features: Int)
  /// `x` holds NaN or ±∞; the first such element is named (RELIABILITY I4).
  case nonFinite(row: Int, column: Int, value: Double)
  /// `labels` does not have one entry per row of `x` (RELIABILITY I17).
  case labelCountMismatch(labels: Int, samples: Int)
  /// Every training label is the same, so there is nothing to discriminate.
  case singleClass(label: Int)
  /// `x` at prediction time has another number of features than at fit time
  /// (RELIABILITY I16).
  case featureMismatch(found: Int, expected: Int)
  /// The training loss became NaN or infinite (an MLP with too large a learning rate); training
  /// stopped at that epoch.
  case trainingDiverged(epoch: Int, loss: Double)

  /// A readable description.
  public var description: String {
    switch self {
    case .invalidConfiguration(let parameter, let value, let constraint):
      return "invalid classifier configuration: \(parameter) = \(value); \(constraint)"
    case .notAMatrix(let shape):
      return "expected a 2-D [samples, features] matrix, got shape \(shape)"
    case .emptyData(let samples, let features):
      return "found array with \(samples) sample(s) and \(features) feature(s); "
        + "a minimum of 1 sample and 1 feature is required"
    case .nonFinite(let row, let column, let value):
      return "input contains \(value) at row \(row), column \(column); "
        + "every value must be finite"
    case .labelCountMismatch(let labels, let samples):
      return "labels has \(labels) entries but x has \(samples) samples"
    case .singleClass(let label):
      return "the data contains only one class (\(label)); at least 2 are needed"
    case .featureMismatch(let found, let expected):
      return "x has \(found) features, but the classifier was fitted with \(expected) features"
    case .trainingDiverged(let epoch, let loss):
      return "training stopped: the loss became \(loss) in epoch \(epoch); "
        + "lower the learning rate or scale the features"
    }
  }
}
