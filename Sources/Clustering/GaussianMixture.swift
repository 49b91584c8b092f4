// GaussianMixture: a Gaussian mixture fitted by expectation–maximisation (N2D's clusterer),
// following scikit-learn's GaussianMixture.

import Tensor

/// A Gaussian mixture model fitted by expectation–maximisation, as scikit-learn's
/// `GaussianMixture` (the clusterer of N2D, one of the DCRL paper's baselines).
///
/// Each EM iteration computes the responsibilities `r_ik ∝ π_k·N(x_i | μ_k, Σ_k)` (E-step, in
/// log space) and re-estimates weights, means and covariances from them (M-step), with
/// `regularization` added to every covariance diagonal. A run stops when the mean
/// log-likelihood changes by less than `tolerance`; of several runs the one with the highest
/// final mean log-likelihood is kept, and the labels are always those of a final E-step with
/// the kept parameters. Everything is computed in `Double`.
///
/// Initialisation follows scikit-learn's `init_params="kmeans"`: one k-means run (k-means++,
/// seeded) gives hard responsibilities from which the first parameters are estimated.
///
/// ```swift
/// let model = try GaussianMixture(components: 10, covariance: .full, seed: 0).fit(codes)
/// print(model.labels.prefix(5), model.lowerBound)
/// ```
public struct GaussianMixture: Sendable {
  /// The form of each component's covariance.
  public enum CovarianceType: String, Sendable, Codable, Hashable, CaseIterable {
    /// A full `d × d` covariance per component (scikit-learn's `"full"`, N2D's choice).
    case full
    /// A diagonal covariance per component (scikit-learn's `"diag"`).
    case diagonal
  }

  /// How the parameters of each run are initialised.
  public enum Initialization: Sendable, Codable, Hashable {
    /// From the labels of one seeded k-means run (scikit-learn's `init_params="kmeans"`).
    case kMeans
    /// Given parameters: `weights` (one per component, summing to 1), `means` (one row of `d`
    /// per component) and `covariances` (per component, `d × d` row-major for ``CovarianceType/full``
    /// or the `d` variances for ``CovarianceType/diagonal``). Every run would be the same, so
    /// only one is made.
    case parameters(weights: [Double], means: [[Double]], covariances: [[Double]])
    /// Given starting partitions, one run each: every run's first parameters are estimated
    /// from the hard responsibilities of one labelling (one label in `0..<components` per
    /// sample), exactly as ``kMeans`` does with its k-means labels, and the run with the
    /// highest final mean log-likelihood wins. This is scikit-learn's `n_init` loop with the
    /// starts fixed; ``Configuration/runs`` is not used.
    case partitions([[Int]])
  }

  /// The hyperparameters of a ``GaussianMixture`` fit.
  public struct Configuration: Sendable, Codable, Hashable {
    /// The number of mixture components.
    public var components: Int
    /// The covariance form.
    public var covariance: CovarianceType
    /// Convergence threshold on the change of the mean log-likelihood (scikit-learn's `tol`).
    public var tolerance: Double
    /// Non-negative regularisation added to every covariance diagonal (scikit-learn's
    /// `reg_covar`), keeping covariances positive definite.
    public var regularization: Double
    /// The most EM iterations per run.
    public var maxIterations: Int
    /// The number of runs of the k-means initialisation, each from its own seeded k-means
    /// start; the highest final mean log-likelihood wins, the first run on a tie
    /// (scikit-learn's `n_init`).
    public var runs: Int
    /// How each run is initialised.
    public var initialization: Initialization
    /// Seeds the k-means initialisation of every run.
    public var seed: UInt64

    /// Creates a configuration; the defaults are scikit-learn's.
    public init(
      components: Int, covariance: CovarianceType = .full, tolerance: Double = 1e-3,
      regularization: Double = 1e-6, maxIterations: Int = 100, runs: Int = 1,
      initialization: Initialization = .kMeans, seed: UInt64 = 0
    ) {
      self.components = components
      self.covariance = covariance
      self.tolerance = tolerance
      self.regularization = regularization
      self.maxIterations = maxIterations
      self.runs = runs
      self.initialization = initialization
      self.seed = seed
    }

    /// Checks every hyperparameter (RELIABILITY I20).
    ///
    /// - Throws: ``ClusteringError/input(_:)`` with `InputError.invalidValue` naming the first bad
    ///   one.
    public func validate() throws(ClusteringError) {
      let check = ClusteringError.require
      try check(components >= 1, "components", components, "must be >= 1")
      try check(tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, "must be >= 0")
      try check(
        regularization >= 0 && regularization.isFinite, "regularization", regularization,
        "must be >= 0")
      try check(maxIterations >= 1, "maxIterations", maxIterations, "must be >= 1")
      try check(runs >= 1, "runs", runs, "must be >= 1")
      if case .parameters(let weights, let means, let covariances) = initialization {
        try check(
          weights.count == components && means.count == components
            && covariances.count == components, "initialization", "\(weights.count) weights",
          "needs one weight, mean and covariance per component (\(components))")
        try check(
          weights.allSatisfy { $0 > 0 && $0.isFinite }, "initialization.weights", weights,
          "must be positive")
      }
      if case .partitions(let partitions) = initialization {
        try check(!partitions.isEmpty, "initialization", "no partitions", "needs at least one")
        for (index, labels) in partitions.enumerated() {
          if let bad = labels.first(where: { $0 < 0 || $0 >= components }) {
            throw .input(
              .invalidValue(
                parameter: "initialization.partitions[\(index)]", value: "label \(bad)",
                constraint: "labels must lie in 0..<\(components)"))
          }
        }
      }
    }
  }

  /// The hyperparameters.
  public let configuration: Configuration

  /// Creates an estimator with `configuration`; it is validated by ``fit(_:)``.
  public init(configuration: Configuration) {
    self.configuration = configuration
  }

  /// Creates an estimator; see ``Configuration`` for the parameters.
  public init(
    components: Int, covariance: CovarianceType = .full, tolerance: Double = 1e-3,
    regularization: Double = 1e-6, maxIterations: Int = 100, runs: Int = 1, seed: UInt64 = 0
  ) {
    self.init(
      configuration: Configuration(
        components: components, covariance: covariance, tolerance: tolerance,
        regularization: regularization, maxIterations: maxIterations, runs: runs, seed: seed))
  }

  /// Fits the mixture to `x` by EM.
  ///
  /// Shape: `x` is `[n, d]`; the model's means are `[k, d]` in float64.
  /// - Parameter x: The samples, float32 or float64, on any backend.
  /// - Returns: The fitted model of the best run.
  /// - Throws: ``ClusteringError`` for an invalid configuration, a non-matrix, empty or
  ///   non-finite `x`, fewer samples than components, given parameters of the wrong shape, a
  ///   given partition without one label per sample, or
  ///   a covariance that is not positive definite even with the regularisation.
  /// - Complexity: O(runs · iterations · n·k·d²) time for full covariances (`n·k·d` for
  ///   diagonal ones); O(n·(d + k) + k·d²) memory.
  public func fit(_ x: Tensor) throws(ClusteringError) -> GaussianMixtureModel {
    try configuration.validate()
    let data = try ClusteringError.requireMatrix(x, "x").tensor
    let (n, d) = (data.shape[0], data.shape[1])
    let k = configuration.components
    if n < k { throw .tooFewSamples(samples: n, clusters: k) }
    let problem = MixtureProblem(
      values: data.doubles, count: n, dimension: d, configuration: configuration)
    var seeds = Xoshiro256(seed: configuration.seed)
    let runCount =
      switch configuration.initialization {
      case .kMeans: configuration.runs
      case .parameters: 1
      case .partitions(let partitions): partitions.count
      }
    func run(_ index: Int) throws(ClusteringError) -> (
      parameters: MixtureParameters, lowerBound: Double, iterations: Int, converged: Bool
    ) {
      let initial = try problem.initialParameters(run: index, seed: seeds.next(), data: data)
      return try problem.expectationMaximization(from: initial)
    }
    var best = try run(0)
    for index in 1..<runCount {
      let next = try run(index)
      if next.lowerBound > best.lowerBound { best = next }
    }
    let labels = problem.responsibilities(best.parameters).labels
    return GaussianMixtureModel(
      parameters: best.parameters, labels: labels, lowerBound: best.lowerBound,
      iterations: best.iterations, converged: best.converged)
  }
}
