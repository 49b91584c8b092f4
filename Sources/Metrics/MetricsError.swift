// MetricsError: the typed errors every metric throws on bad input.

import Tensor

/// Why a metric could not be computed.
///
/// Each case names the offending argument, its value and the constraint it breaks, in the style
/// of scikit-learn's messages, so that ``description`` reads as a complete diagnosis.
public enum MetricsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Bad data or an argument outside its range (RELIABILITY I1–I4, I17).
  case input(InputError)
  /// A neighbourhood size is outside `1..<samples/2` (RELIABILITY M4).
  case invalidNeighbors(neighbors: Int, samples: Int)
  /// A cost matrix admits no complete assignment with finite total cost.
  case infeasibleAssignment(rows: Int, columns: Int)

  /// A message naming the offending value and the constraint it broke.
  public var description: String {
    switch self {
    case .input(let error): return error.description
    case .invalidNeighbors(let neighbors, let samples):
      return "neighbors=\(neighbors) must satisfy 1 <= neighbors < n_samples / 2 "
        + "(n_samples=\(samples))"
    case .infeasibleAssignment(let rows, let columns):
      return "the \(rows)×\(columns) cost matrix has no assignment with finite cost"
    }
  }
}

extension MetricsError: InputErrorWrapping {}
