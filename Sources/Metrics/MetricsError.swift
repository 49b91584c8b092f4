// MetricsError: the typed errors every metric throws on bad input.

/// Why a metric could not be computed.
///
/// Each case names the offending argument, its value and the constraint it breaks, in the style
/// of scikit-learn's messages, so that ``description`` reads as a complete diagnosis.
public enum MetricsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An input has no samples (RELIABILITY I1).
  case empty(parameter: String)
  /// An input matrix has no features (RELIABILITY I2).
  case noFeatures(parameter: String)
  /// An input tensor does not have the rank the metric needs (RELIABILITY I3).
  case wrongRank(parameter: String, shape: [Int], expected: String)
  /// Two inputs that must describe the same samples have different lengths (RELIABILITY I17).
  case lengthMismatch(parameter: String, count: Int, other: String, otherCount: Int)
  /// An input holds NaN or ±∞ (RELIABILITY I4); `row` and `column` locate the first one.
  case nonFinite(parameter: String, row: Int, column: Int, value: Double)
  /// A neighbourhood size is outside `1..<samples/2` (RELIABILITY M4).
  case invalidNeighbors(neighbors: Int, samples: Int)
  /// A cost matrix admits no complete assignment with finite total cost.
  case infeasibleAssignment(rows: Int, columns: Int)
  /// Any other argument outside its allowed range.
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
    case .lengthMismatch(let parameter, let count, let other, let otherCount):
      return "\(parameter) has \(count) samples but \(other) has \(otherCount); they must match"
    case .nonFinite(let parameter, let row, let column, let value):
      return "\(parameter) contains \(value) at row \(row), column \(column); "
        + "all values must be finite"
    case .invalidNeighbors(let neighbors, let samples):
      return "neighbors=\(neighbors) must satisfy 1 <= neighbors < n_samples / 2 "
        + "(n_samples=\(samples))"
    case .infeasibleAssignment(let rows, let columns):
      return "the \(rows)×\(columns) cost matrix has no assignment with finite cost"
    case .invalidValue(let parameter, let value, let constraint):
      return "\(parameter)=\(value) is invalid: \(constraint)"
    }
  }
}
