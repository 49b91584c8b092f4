// ClusteringError: the typed errors every estimator in this module throws on bad input.

/// Why a clustering estimator could not be fitted or applied.
///
/// Each case names the offending argument, its value and the constraint it breaks, in the style
/// of scikit-learn's messages, so that ``description`` reads as a complete diagnosis.
public enum ClusteringError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The data has no samples (RELIABILITY I1).
  case empty(parameter: String)
  /// The data has no features (RELIABILITY I2).
  case noFeatures(parameter: String)
  /// A tensor does not have the rank the estimator needs (RELIABILITY I3).
  case wrongRank(parameter: String, shape: [Int], expected: String)
  /// The data holds NaN or ±∞ (RELIABILITY I4); `row` and `column` locate the first one.
  case nonFinite(parameter: String, row: Int, column: Int, value: Double)
  /// Fewer samples than clusters (RELIABILITY I11).
  case tooFewSamples(samples: Int, clusters: Int)
  /// Data with another number of features than the model was fitted on (RELIABILITY I16).
  case featureMismatch(parameter: String, features: Int, expected: Int)
  /// Two inputs that must describe the same samples have different lengths.
  case lengthMismatch(parameter: String, count: Int, expected: Int)
  /// A hyperparameter or argument outside its allowed range (RELIABILITY I20).
  case invalidValue(parameter: String, value: String, constraint: String)

  /// A message naming the offending value and the constraint it broke.
  public var description: String {
    switch self {
    case .empty(let parameter):
      return "\(parameter) has 0 samples; at least 1 is required"
    case .noFeatures(let parameter):
      return "\(parameter) has 0 features; at least 1 is required"
    case .wrongRank(let parameter, let shape, let expected):
      return "\(parameter) has shape \(shape); expected \(expected)"
    case .nonFinite(let parameter, let row, let column, let value):
      return "\(parameter) contains \(value) at row \(row), column \(column); "
        + "all values must be finite"
    case .tooFewSamples(let samples, let clusters):
      return "n_samples=\(samples) should be >= n_clusters=\(clusters)"
    case .featureMismatch(let parameter, let features, let expected):
      return "\(parameter) has \(features) features, but the model expects \(expected)"
    case .lengthMismatch(let parameter, let count, let expected):
      return "\(parameter) has \(count) entries; expected \(expected), one per sample"
    case .invalidValue(let parameter, let value, let constraint):
      return "\(parameter)=\(value) is invalid: \(constraint)"
    }
  }
}
