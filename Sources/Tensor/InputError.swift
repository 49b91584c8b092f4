// InputError: the one vocabulary of bad data and bad arguments, which every module's error wraps.

/// Why data or an argument given to the library cannot be used.
///
/// Each case names the offending parameter and what is wrong with it, in the style of
/// scikit-learn's validation messages, so that ``description`` reads as a complete diagnosis.
/// The errors of the modules above wrap it in one case, `input(_:)` (as in
/// `ClusteringError.input(.empty(parameter: "x"))`), next to the cases only they have.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The data has no samples (RELIABILITY I1).
  case empty(parameter: String)
  /// The data has no features (RELIABILITY I2).
  case noFeatures(parameter: String)
  /// A tensor does not have the rank needed, such as a matrix `[samples, features]`
  /// (RELIABILITY I3).
  case wrongRank(parameter: String, shape: [Int], expected: String)
  /// The data holds NaN or ±∞ (RELIABILITY I4); `row` and `column` locate the first one.
  case nonFinite(parameter: String, row: Int, column: Int, value: Double)
  /// The data has another number of features than the model or the other data
  /// (RELIABILITY I16).
  case featureMismatch(parameter: String, features: Int, expected: Int)
  /// Two inputs that must describe the same samples have different lengths (RELIABILITY I17).
  case lengthMismatch(parameter: String, count: Int, other: String, otherCount: Int)
  /// A hyperparameter or argument outside its allowed range (RELIABILITY I20).
  case invalidValue(parameter: String, value: String, constraint: String)

  /// A message naming the parameter, its value and the constraint it broke.
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
    case .featureMismatch(let parameter, let features, let expected):
      return "\(parameter) has \(features) features; expected \(expected)"
    case .lengthMismatch(let parameter, let count, let other, let otherCount):
      return "\(parameter) has \(count) samples but \(other) has \(otherCount); they must match"
    case .invalidValue(let parameter, let value, let constraint):
      return "\(parameter)=\(value) is invalid: \(constraint)"
    }
  }
}

/// A module's error, whose `input(_:)` case wraps an ``InputError``, so that the checks every
/// module runs are written once.
package protocol InputErrorWrapping: Error {
  /// The error that wraps `error`.
  static func input(_ error: InputError) -> Self
}

extension InputErrorWrapping {
  /// Throws ``InputError/invalidValue(parameter:value:constraint:)``, wrapped, unless
  /// `condition` holds.
  package static func require(
    _ condition: Bool, _ parameter: String, _ value: Any, _ constraint: String
  ) throws(Self) {
    if !condition {
      throw input(.invalidValue(parameter: parameter, value: "\(value)", constraint: constraint))
    }
  }

  /// `data` validated as a matrix (``ValidatedMatrix``); a failure is thrown wrapped.
  package static func requireMatrix(
    _ data: Tensor, _ parameter: String, expectedFeatures: Int? = nil
  ) throws(Self) -> ValidatedMatrix {
    do {
      return try ValidatedMatrix(
        validating: data, parameter: parameter, expectedFeatures: expectedFeatures)
    } catch {
      throw input(error)
    }
  }

  /// The elements of `data` converted to float32, after the shape checks of ``ValidatedMatrix``
  /// and a check that every converted element is finite; a failure is thrown wrapped.
  package static func requireFloatMatrix(
    _ data: Tensor, _ parameter: String, expectedFeatures: Int? = nil
  ) throws(Self) -> [Float] {
    do {
      return try ValidatedMatrix.floats(
        validating: data, parameter: parameter, expectedFeatures: expectedFeatures)
    } catch {
      throw input(error)
    }
  }
}
