// ClusteringError: the typed errors every estimator in this module throws on bad input.

import Tensor

/// Why a clustering estimator could not be fitted or applied.
///
/// Each case names the offending argument, its value and the constraint it breaks, in the style
/// of scikit-learn's messages, so that ``description`` reads as a complete diagnosis.
public enum ClusteringError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Bad data or a hyperparameter outside its range (RELIABILITY I1–I4, I16, I20).
  case input(InputError)
  /// Fewer samples than clusters (RELIABILITY I11).
  case tooFewSamples(samples: Int, clusters: Int)

  /// A message naming the offending value and the constraint it broke.
  public var description: String {
    switch self {
    case .tooFewSamples(let samples, let clusters):
      return "n_samples=\(samples) should be >= n_clusters=\(clusters)"
    case .input(let error): return error.description
    }
  }
}

extension ClusteringError: InputErrorWrapping {}
