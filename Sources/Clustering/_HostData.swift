// _HostData: validation of input matrices and direct access to their host buffers.

import Tensor

/// An element type whose host buffer the estimators read and write directly.
protocol ClusteringScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
  /// The buffer of `storage`, which must hold this type.
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Self>
  /// A tensor of this type on the CPU backend holding `values`.
  static func tensor(_ values: [Self], shape: [Int]) -> Tensor
}

extension Float: ClusteringScalar {
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Float> {
    storage.floats
  }
  static func tensor(_ values: [Float], shape: [Int]) -> Tensor {
    Tensor(values, shape: shape, on: CPUBackend.shared)
  }
}

extension Double: ClusteringScalar {
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Double> {
    storage.doubles
  }
  static func tensor(_ values: [Double], shape: [Int]) -> Tensor {
    Tensor(values, shape: shape, on: CPUBackend.shared)
  }
}

/// `tensor` on a `CPUBackend` (so that its storage is host memory and products use OpenBLAS),
/// after checking that it is a non-empty matrix of finite values.
func validatedMatrix(_ tensor: Tensor, name: String) throws(ClusteringError) -> Tensor {
  guard tensor.rank == 2 else {
    throw .wrongRank(parameter: name, shape: tensor.shape, expected: "a matrix [samples, features]")
  }
  guard tensor.shape[0] > 0 else { throw .empty(parameter: name) }
  guard tensor.shape[1] > 0 else { throw .noFeatures(parameter: name) }
  let host = tensor.backend is CPUBackend ? tensor : tensor.moved(to: CPUBackend.shared)
  let columns = host.shape[1]
  func firstNonFinite<T: ClusteringScalar>(_ values: UnsafeMutablePointer<T>) -> (Int, Double)? {
    for index in 0..<host.count where !values[index].isFinite {
      return (index, Double(values[index]))
    }
    return nil
  }
  let bad =
    host.dtype == .float32
    ? firstNonFinite(host.storage.floats) : firstNonFinite(host.storage.doubles)
  if let (index, value) = bad {
    throw .nonFinite(parameter: name, row: index / columns, column: index % columns, value: value)
  }
  return host
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
