// _HostData: validation of input matrices and of sample weights.

import Tensor

/// `tensor` on a `CPUBackend` (so that its storage is host memory and products use OpenBLAS),
/// after checking that it is a non-empty matrix of finite values (Tensor's `ValidatedMatrix`).
func validatedMatrix(_ tensor: Tensor, name: String) throws(ClusteringError) -> Tensor {
  do {
    return try ValidatedMatrix(validating: tensor).tensor
  } catch {
    switch error {
    case .notAMatrix(let shape):
      throw .wrongRank(parameter: name, shape: shape, expected: "a matrix [samples, features]")
    case .noSamples: throw .empty(parameter: name)
    case .noFeatures: throw .noFeatures(parameter: name)
    case .featureMismatch(let found, let expected):
      throw .featureMismatch(parameter: name, features: found, expected: expected)
    case .nonFinite(let row, let column, let value):
      throw .nonFinite(parameter: name, row: row, column: column, value: value)
    }
  }
}

/// Checks optional per-sample weights: one per sample, finite, non-negative, positive total.
func validatedWeights(_ weights: [Double]?, samples: Int) throws(ClusteringError) -> [Double] {
  guard let weights else { return Array(repeating: 1, count: samples) }
  guard weights.count == samples else {
    throw .lengthMismatch(parameter: "sampleWeights", count: weights.count, expected: samples)
  }
  if let bad = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
    throw .invalidValue(
      parameter: "sampleWeights[\(bad)]", value: "\(weights[bad])",
      constraint: "weights must be finite and non-negative")
  }
  if !(weights.reduce(0, +) > 0) {
    throw .invalidValue(
      parameter: "sampleWeights", value: "all zero", constraint: "the total must be positive")
  }
  return weights
}
