// GaussianMixtureModel: a fitted Gaussian mixture: parameters, labels, and prediction.

import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fitted Gaussian mixture, returned by ``GaussianMixture/fit(_:)``.
public struct GaussianMixtureModel: Sendable {
  let parameters: MixtureParameters
  /// The most responsible component of every training sample, from a final E-step.
  public let labels: [Int]
  /// The mean log-likelihood of the training data at the last iteration of the best run
  /// (scikit-learn's `lower_bound_`).
  public let lowerBound: Double
  /// The EM iterations of the best run.
  public let iterations: Int
  /// Whether the best run met the tolerance before `maxIterations`.
  public let converged: Bool

  /// The number of components `k`.
  public var componentCount: Int { parameters.components }
  /// The covariance form.
  public var covarianceType: GaussianMixture.CovarianceType { parameters.covariance }
  /// The mixing weights, summing to 1.
  public var weights: [Double] { parameters.weights }

  /// The component means.
  ///
  /// Shape: `[k, d]`, float64 on the CPU backend.
  public var means: Tensor {
    Tensor(parameters.means, shape: [componentCount, parameters.dimension], on: CPUBackend.shared)
  }

  /// The component covariances, regularisation included.
  ///
  /// Shape: `[k, d, d]` for full covariances, `[k, d]` for diagonal ones; float64 on the CPU
  /// backend.
  public var covariances: Tensor {
    let d = parameters.dimension
    let shape = covarianceType == .full ? [componentCount, d, d] : [componentCount, d]
    return Tensor(parameters.covariances, shape: shape, on: CPUBackend.shared)
  }

  /// The probability of every component for every row of `x` (scikit-learn's
  /// `predict_proba`).
  ///
  /// Shape: `x` is `[n, d]`; the result is `[n, k]`, float64 on the CPU backend, rows summing
  /// to 1.
  /// - Throws: ``ClusteringError`` when `x` is not a non-empty finite matrix with `d` columns.
  public func predictProbabilities(_ x: Tensor) throws(ClusteringError) -> Tensor {
    let problem = try problem(for: x)
    return Tensor(
      problem.expectation(parameters).responsibilities, shape: [problem.count, componentCount],
      on: CPUBackend.shared)
  }

  /// The most probable component of every row of `x`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Throws: ``ClusteringError`` when `x` is not a non-empty finite matrix with `d` columns.
  public func predict(_ x: Tensor) throws(ClusteringError) -> [Int] {
    try problem(for: x).responsibilities(parameters).labels
  }

  /// The log-likelihood `log Σ_k π_k N(x_i | μ_k, Σ_k)` of every row of `x` (scikit-learn's
  /// `score_samples`).
  ///
  /// Shape: `x` is `[n, d]`; the result has `n` entries.
  /// - Throws: ``ClusteringError`` when `x` is not a non-empty finite matrix with `d` columns.
  public func logLikelihoods(_ x: Tensor) throws(ClusteringError) -> [Double] {
    let problem = try problem(for: x)
    let k = componentCount
    let weighted = problem.weightedLogProbabilities(parameters)
    return (0..<problem.count).map { rowLogSumExp(weighted, start: $0 * k, width: k) }
  }

  private func problem(for x: Tensor) throws(ClusteringError) -> MixtureProblem {
    let data = try ClusteringError.requireMatrix(x, "x").tensor
    guard data.shape[1] == parameters.dimension else {
      throw .input(
        .featureMismatch(parameter: "x", features: data.shape[1], expected: parameters.dimension))
    }
    return MixtureProblem(
      values: data.doubles, count: data.shape[0], dimension: parameters.dimension,
      configuration: GaussianMixture.Configuration(
        components: componentCount, covariance: covarianceType))
  }
}
