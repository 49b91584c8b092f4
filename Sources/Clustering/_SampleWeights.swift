// _SampleWeights: validation of the optional per-sample weights.

import Tensor

/// Checks optional per-sample weights: one per sample, finite, non-negative, positive total.
func validatedWeights(_ weights: [Double]?, samples: Int) throws(ClusteringError) -> [Double] {
  guard let weights else { return Array(repeating: 1, count: samples) }
  guard weights.count == samples else {
    throw .input(
      .lengthMismatch(
        parameter: "sampleWeights", count: weights.count, other: "x", otherCount: samples))
  }
  if let bad = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
    throw .input(
      .invalidValue(
        parameter: "sampleWeights[\(bad)]", value: "\(weights[bad])",
        constraint: "weights must be finite and non-negative"))
  }
  try ClusteringError.require(
    weights.reduce(0, +) > 0, "sampleWeights", "all zero", "the total must be positive")
  return weights
}
