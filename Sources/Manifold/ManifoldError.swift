// ManifoldError: the typed errors of the Manifold module's estimators and graph builders.

/// A bad input or hyperparameter given to a Manifold estimator.
///
/// Each case carries the offending value and the constraint it breaks, and ``description``
/// phrases them the way scikit-learn's validation messages do, with a hint at the fix.
/// Validation happens in `validate()` and at the start of `fit`/`transform`, never mid-run.
/// Non-convergence is not an error: fitted types report it in their state.
public enum ManifoldError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The data is not a matrix (RELIABILITY I3).
  case notAMatrix(shape: [Int])
  /// The data has no rows or no columns (RELIABILITY I1, I2).
  case emptyData(samples: Int, features: Int)
  /// The data holds a NaN or an infinity (RELIABILITY I4); the first one in row-major order.
  case nonFinite(row: Int, column: Int, value: Double)
  /// A hyperparameter is outside its valid range (RELIABILITY I20).
  case invalidParameter(name: String, value: String, constraint: String)
  /// There are fewer samples than the method needs, e.g. perplexity ≥ n or k ≥ n
  /// (RELIABILITY I13, I14).
  case tooFewSamples(samples: Int, parameter: String, value: String, constraint: String)
  /// New data does not have the number of features the model was fitted on (RELIABILITY I16).
  case featureMismatch(expected: Int, found: Int)

  /// A message naming the value and the constraint, as scikit-learn's messages do.
  public var description: String {
    switch self {
    case .notAMatrix(let shape):
      return "Expected a 2-D matrix [samples, features], got a tensor of shape \(shape). "
        + "Reshape your data with reshaped([n, d])."
    case .emptyData(let samples, let features):
      return "Found array with \(samples) sample(s) and \(features) feature(s) while a minimum "
        + "of 1 is required."
    case .nonFinite(let row, let column, let value):
      return "Input contains \(value) at row \(row), column \(column); t-SNE, UMAP and kNN "
        + "need finite values. Remove or impute the non-finite entries first."
    case .invalidParameter(let name, let value, let constraint):
      return "The '\(name)' parameter must be \(constraint). Got \(value) instead."
    case .tooFewSamples(let samples, let parameter, let value, let constraint):
      return "\(parameter) (\(value)) must be \(constraint) for \(samples) samples."
    case .featureMismatch(let expected, let found):
      return "X has \(found) features, but the model was fitted with \(expected) features."
    }
  }
}

extension ManifoldError {
  /// Throws ``invalidParameter(name:value:constraint:)`` unless `condition` holds.
  static func require(
    _ condition: Bool, _ name: String, _ value: some CustomStringConvertible,
    _ constraint: String
  ) throws(ManifoldError) {
    if !condition {
      throw .invalidParameter(name: name, value: value.description, constraint: constraint)
    }
  }
}
