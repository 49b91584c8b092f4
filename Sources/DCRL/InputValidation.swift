// InputValidation: the checks every DCRL entry point runs on user data (RELIABILITY I1–I4, I16).

import Tensor

/// Checks that `x` is a non-empty, finite `[n, d]` matrix, with `d == features` when given.
package func validateFeatures(_ x: Tensor, expectedFeatures features: Int? = nil) throws(DCRLError)
{
  guard x.rank == 2 else {
    throw .invalidInput("expected a [samples, features] matrix, got shape \(x.shape)")
  }
  guard x.shape[0] > 0 else { throw .invalidInput("0 samples: X has shape \(x.shape)") }
  guard x.shape[1] > 0 else { throw .invalidInput("0 features: X has shape \(x.shape)") }
  if let features, x.shape[1] != features {
    throw .invalidInput("X has \(x.shape[1]) features, but the model expects \(features)")
  }
  let values = x.floats
  if let bad = values.firstIndex(where: { !$0.isFinite }) {
    let row = bad / x.shape[1]
    let column = bad % x.shape[1]
    throw .invalidInput("X contains \(values[bad]) at row \(row), column \(column)")
  }
}

/// Checks that `labels`, when given, has one entry per sample (RELIABILITY I17).
func validateLabels(_ labels: [Int]?, samples: Int) throws(DCRLError) {
  if let labels, labels.count != samples {
    throw .invalidInput("labels has \(labels.count) entries for \(samples) samples")
  }
}
