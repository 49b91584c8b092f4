// ManifoldError: the typed errors of the Manifold module's estimators and graph builders.

import Tensor

/// A bad input or hyperparameter given to a Manifold estimator.
///
/// Each case carries the offending value and the constraint it breaks, and ``description``
/// phrases them the way scikit-learn's validation messages do.
/// Validation happens in `validate()` and at the start of `fit`/`transform`, never mid-run.
/// Non-convergence is not an error: fitted types report it in their state.
public enum ManifoldError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Bad data or a hyperparameter outside its range (RELIABILITY I1–I4, I16, I20).
  case input(InputError)
  /// There are fewer samples than the method needs, e.g. perplexity ≥ n or k ≥ n
  /// (RELIABILITY I13, I14).
  case tooFewSamples(samples: Int, parameter: String, value: String, constraint: String)

  /// A message naming the value and the constraint, as scikit-learn's messages do.
  public var description: String {
    switch self {
    case .input(let error): return error.description
    case .tooFewSamples(let samples, let parameter, let value, let constraint):
      return "\(parameter) (\(value)) must be \(constraint) for \(samples) samples."
    }
  }
}

extension ManifoldError: InputErrorWrapping {}
