// _PointClouds: validation of the X/Z matrix pair that the structure metrics compare.

import Tensor

/// The smallest squared distance a rank or distance sees: the authors' code computes
/// `√max(d², 1e-8)` (Docs/Algorithm.md#notation, Docs/Algorithm.md#structure-metrics).
let squaredDistanceFloor = 1e-8

/// Checks that `x` and `z` (named `names` in the errors) are valid matrices with the same
/// number of rows: the same samples, or the same clusters.
func validatedPair(_ x: Tensor, _ z: Tensor, names: (String, String) = ("x", "z"))
  throws(MetricsError) -> (Tensor, Tensor)
{
  let x = try MetricsError.requireMatrix(x, names.0).tensor
  let z = try MetricsError.requireMatrix(z, names.1).tensor
  guard x.shape[0] == z.shape[0] else {
    throw .input(
      .lengthMismatch(
        parameter: names.0, count: x.shape[0], other: names.1, otherCount: z.shape[0]))
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
