// KMeansModel: the result of a k-means fit: centres, labels, inertia, and prediction.

import Tensor

/// A fitted k-means model, returned by ``KMeans/fit(_:sampleWeights:)``.
///
/// Holds the centres of the best run and what that run learned about the training data.
public struct KMeansModel: Sendable {
  /// The cluster centres.
  ///
  /// Shape: `[k, d]`, in the training data's dtype and backend.
  public let centers: Tensor
  /// The cluster of every training sample: its nearest centre (lowest index on ties).
  public let labels: [Int]
  /// `Σᵢ wᵢ‖xᵢ − c_{label(i)}‖²` over the training samples, computed in `Double`.
  public let inertia: Double
  /// The Lloyd iterations the best run made.
  public let iterations: Int
  /// Whether the best run stopped on its convergence test before `maxIterations`.
  public let converged: Bool

  /// Creates a model from its parts (centres `[k, d]`).
  public init(centers: Tensor, labels: [Int], inertia: Double, iterations: Int, converged: Bool) {
    self.centers = centers
    self.labels = labels
    self.inertia = inertia
    self.iterations = iterations
    self.converged = converged
  }

  /// The number of clusters.
  public var clusterCount: Int { centers.shape[0] }

  /// The nearest centre of every row of `x` (lowest index on ties).
  ///
  /// Shape: `x` is `[n, d]` with the training data's `d`.
  /// - Parameter x: The samples to label.
  /// - Returns: One cluster index per row.
  /// - Throws: ``ClusteringError`` when `x` is not a non-empty finite matrix with `d` columns.
  /// - Complexity: O(n·k·d).
  public func predict(_ x: Tensor) throws(ClusteringError) -> [Int] {
    let distances = try squaredDistances(x)
    let k = clusterCount
    return (0..<x.shape[0]).map { i in
      var best = 0
      for j in 1..<k where distances[i * k + j] < distances[i * k + best] { best = j }
      return best
    }
  }

  /// The Euclidean distance from every row of `x` to every centre (scikit-learn's `transform`).
  ///
  /// Shape: `x` is `[n, d]`; the result is `[n, k]` in float64 on the CPU backend.
  /// - Throws: ``ClusteringError`` when `x` is not a non-empty finite matrix with `d` columns.
  /// - Complexity: O(n·k·d).
  public func transform(_ x: Tensor) throws(ClusteringError) -> Tensor {
    let distances = try squaredDistances(x).map { $0.squareRoot() }
    return Tensor(distances, shape: [x.shape[0], clusterCount], on: CPUBackend.shared)
  }

  /// `‖xᵢ − c_j‖²`, row-major `[n, k]`, computed directly in `Double`.
  private func squaredDistances(_ x: Tensor) throws(ClusteringError) -> [Double] {
    let data = try ClusteringError.requireMatrix(x, "x").tensor
    let d = centers.shape[1]
    guard data.shape[1] == d else {
      throw .input(.featureMismatch(parameter: "x", features: data.shape[1], expected: d))
    }
    let points = data.doubles
    let centres = centers.doubles
    let (n, k) = (data.shape[0], clusterCount)
    var result = [Double](repeating: 0, count: n * k)
    for i in 0..<n {
      for j in 0..<k {
        var sum = 0.0
        for c in 0..<d {
          let difference = points[i * d + c] - centres[j * d + c]
          sum += difference * difference
        }
        result[i * k + j] = sum
      }
    }
    return result
  }
}
