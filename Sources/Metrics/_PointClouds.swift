// _PointClouds: validation of the X/Z matrix pair that the structure metrics compare, and host
// access to their elements.

import Tensor

/// An element type whose host buffer the metrics read directly.
protocol MetricScalar: BinaryFloatingPoint, Sendable {
  /// The buffer of `storage`, which must hold this type.
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Self>
}

extension Float: MetricScalar {
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Float> {
    storage.floats
  }
}

extension Double: MetricScalar {
  static func elements(of storage: TensorStorage) -> UnsafeMutablePointer<Double> {
    storage.doubles
  }
}

/// The smallest squared distance a rank or distance sees: the authors' code computes
/// `√max(d², 1e-8)` (Docs/Algorithm.md#notation, Docs/Algorithm.md#structure-metrics).
let squaredDistanceFloor = 1e-8

/// A validated matrix on a `CPUBackend`, so that its storage is host memory and products go
/// through OpenBLAS.
///
/// - Throws: ``MetricsError`` when `tensor` is not a non-empty matrix of finite values.
func validatedHostMatrix(_ tensor: Tensor, name: String) throws(MetricsError) -> Tensor {
  guard tensor.rank == 2 else {
    throw .wrongRank(parameter: name, shape: tensor.shape, expected: "a matrix [samples, features]")
  }
  guard tensor.shape[0] > 0 else { throw .empty(parameter: name) }
  guard tensor.shape[1] > 0 else { throw .noFeatures(parameter: name) }
  let host = tensor.backend is CPUBackend ? tensor : tensor.moved(to: CPUBackend.shared)
  let columns = host.shape[1]
  func firstNonFinite<T: MetricScalar>(_ values: UnsafeMutablePointer<T>) -> Int? {
    for index in 0..<host.count where !values[index].isFinite { return index }
    return nil
  }
  let bad: Int?
  switch host.dtype {
  case .float32: bad = firstNonFinite(host.storage.floats)
  case .float64: bad = firstNonFinite(host.storage.doubles)
  }
  if let bad {
    throw .nonFinite(
      parameter: name, row: bad / columns, column: bad % columns,
      value: host.dtype == .float32
        ? Double(host.storage.floats[bad]) : host.storage.doubles[bad])
  }
  return host
}

/// Checks that `x` and `z` are valid matrices describing the same samples.
func validatedPair(_ x: Tensor, _ z: Tensor) throws(MetricsError) -> (Tensor, Tensor) {
  let x = try validatedHostMatrix(x, name: "x")
  let z = try validatedHostMatrix(z, name: "z")
  guard x.shape[0] == z.shape[0] else {
    throw .lengthMismatch(parameter: "x", count: x.shape[0], other: "z", otherCount: z.shape[0])
  }
  return (x, z)
}

/// Checks a neighbourhood range against the sample count: `1 ≤ k` and `k < n / 2`, the
/// constraint scikit-learn's `trustworthiness` enforces (RELIABILITY M4).
func validateNeighbors(_ neighbors: ClosedRange<Int>, samples: Int) throws(MetricsError) {
  if neighbors.lowerBound < 1 {
    throw .invalidNeighbors(neighbors: neighbors.lowerBound, samples: samples)
  }
  if 2 * neighbors.upperBound >= samples {
    throw .invalidNeighbors(neighbors: neighbors.upperBound, samples: samples)
  }
}

typealias DoubleBuffer = HostBuffer<Double>
