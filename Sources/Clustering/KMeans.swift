// KMeans: the estimator and its configuration; Lloyd's iterations and the seeding live in
// KMeans+Lloyd.swift and KMeans+Initialization.swift.

import Tensor

/// k-means clustering with k-means++ seeding and Lloyd's iterations, following scikit-learn.
///
/// `fit` runs ``Configuration/runs`` independent seedings, each followed by Lloyd's algorithm,
/// and keeps the run with the lowest inertia `Σᵢ wᵢ‖xᵢ − c_{label(i)}‖²`. Each iteration assigns
/// every point to its nearest centre (distances `‖c‖² − 2x·c` from one GEMM for all points)
/// and moves every centre to the weighted mean of its points. A centre left without points is
/// moved onto the point farthest from its own centre, as scikit-learn does (RELIABILITY D3), so
/// no centre is ever NaN.
///
/// Like scikit-learn, the data is centred before fitting (a better-conditioned `‖c‖² − 2x·c`),
/// a run stops when the labels no longer change or when the centres moved by at most
/// `tolerance × mean feature variance` in total squared distance, and the labels returned are
/// always those of the final centres. Results are seeded and deterministic; they match
/// scikit-learn's exactly for given initial centres (up to floating-point summation order),
/// but not for its random seeding, whose random stream differs.
///
/// ```swift
/// let model = try KMeans(clusters: 10, runs: 20, seed: 0).fit(points)
/// print(model.inertia, model.labels.prefix(5))
/// ```
public struct KMeans: Sendable {
  /// How the initial centres of each run are chosen.
  public enum Initialization: Sendable, Codable, Hashable {
    /// Greedy k-means++ (Arthur and Vassilvitskii 2007), scikit-learn's variant: each new
    /// centre is the best of `localTrials` candidates drawn with probability proportional to
    /// the squared distance to the nearest centre so far; `nil` means `2 + ⌊ln k⌋`.
    case kMeansPlusPlus(localTrials: Int? = nil)
    /// `k` distinct samples drawn uniformly (scikit-learn's `"random"`).
    case randomSamples
    /// The given centres, one row of `features` values per cluster. Every run would be the
    /// same, so only one is made.
    case centers([[Double]])
  }

  /// The hyperparameters of a ``KMeans`` fit.
  public struct Configuration: Sendable, Codable, Hashable {
    /// The number of clusters `k`.
    public var clusters: Int
    /// How the centres of each run are initialised.
    public var initialization: Initialization
    /// The number of independent runs; the lowest inertia wins (scikit-learn's `n_init`).
    public var runs: Int
    /// The most Lloyd iterations per run.
    public var maxIterations: Int
    /// Convergence threshold on the total squared centre shift, relative to the mean variance
    /// of the features (scikit-learn's `tol`).
    public var tolerance: Double
    /// Seeds the initialisation of every run.
    public var seed: UInt64

    /// Creates a configuration; the defaults are scikit-learn 0.21's (the DCRL authors').
    public init(
      clusters: Int, initialization: Initialization = .kMeansPlusPlus(), runs: Int = 10,
      maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0
    ) {
      self.clusters = clusters
      self.initialization = initialization
      self.runs = runs
      self.maxIterations = maxIterations
      self.tolerance = tolerance
      self.seed = seed
    }

    /// Checks every hyperparameter (RELIABILITY I20).
    ///
    /// - Throws: ``ClusteringError/input(_:)`` with `InputError.invalidValue` naming the first bad
    ///   one.
    public func validate() throws(ClusteringError) {
      try ClusteringError.require(clusters >= 1, "clusters", clusters, "must be >= 1")
      try ClusteringError.require(runs >= 1, "runs", runs, "must be >= 1")
      try ClusteringError.require(
        maxIterations >= 1, "maxIterations", maxIterations, "must be >= 1")
      try ClusteringError.require(
        tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, "must be finite and >= 0")
      switch initialization {
      case .kMeansPlusPlus(let trials?):
        try ClusteringError.require(trials >= 1, "localTrials", trials, "must be >= 1")
      case .centers(let rows):
        try ClusteringError.require(
          rows.count == clusters, "initialization.centers", "\(rows.count) rows",
          "must have clusters=\(clusters) rows")
        try ClusteringError.require(
          rows.allSatisfy { $0.allSatisfy(\.isFinite) }, "initialization.centers",
          "non-finite values", "must be finite")
      default:
        break
      }
    }
  }

  /// The hyperparameters.
  public let configuration: Configuration

  /// Creates an estimator with `configuration`; it is validated by ``fit(_:sampleWeights:)``.
  public init(configuration: Configuration) {
    self.configuration = configuration
  }

  /// Creates an estimator; see ``Configuration`` for the parameters.
  public init(
    clusters: Int, initialization: Initialization = .kMeansPlusPlus(), runs: Int = 10,
    maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0
  ) {
    self.init(
      configuration: Configuration(
        clusters: clusters, initialization: initialization, runs: runs,
        maxIterations: maxIterations, tolerance: tolerance, seed: seed))
  }

  /// Fits `runs` seeded k-means runs to `x` and returns the one with the lowest inertia.
  ///
  /// Computation is in `x`'s dtype (GEMMs through OpenBLAS on the CPU backend), with centre
  /// sums, inertia and convergence tests in `Double`. The first run wins ties in inertia.
  ///
  /// Shape: `x` is `[n, d]`; the model's centres are `[k, d]` in `x`'s dtype and backend.
  /// - Parameters:
  ///   - x: The samples, float32 or float64, on any backend.
  ///   - sampleWeights: A non-negative weight per sample (all 1 when `nil`).
  /// - Returns: The fitted model of the best run.
  /// - Throws: ``ClusteringError`` for an invalid configuration, a non-matrix, empty or
  ///   non-finite `x`, fewer samples than clusters, initial centres of the wrong width, or bad
  ///   weights.
  /// - Complexity: O(runs · iterations · n·k·d) time (one `[k, d]·[d, n]` GEMM per iteration);
  ///   O(n·(d + k)) memory.
  public func fit(_ x: Tensor, sampleWeights: [Double]? = nil) throws(ClusteringError)
    -> KMeansModel
  {
    try configuration.validate()
    let data = try ClusteringError.requireMatrix(x, "x").tensor
    let (n, d) = (data.shape[0], data.shape[1])
    if n < configuration.clusters {
      throw .tooFewSamples(samples: n, clusters: configuration.clusters)
    }
    if case .centers(let rows) = configuration.initialization,
      let bad = rows.first(where: { $0.count != d })
    {
      throw .input(
        .invalidValue(
          parameter: "initialization.centers", value: "rows of \(bad.count) values",
          constraint: "must have \(d) values per row, one per feature"))
    }
    let weights = try validatedWeights(sampleWeights, samples: n)
    let best =
      switch data.dtype {
      case .float32: fitRuns(LloydProblem<Float>(data, weights: weights))
      case .float64: fitRuns(LloydProblem<Double>(data, weights: weights))
      }
    return KMeansModel(
      centers: Tensor(
        converting: best.centers, shape: [configuration.clusters, d], dtype: x.dtype,
        on: x.backend),
      labels: best.labels, inertia: best.inertia, iterations: best.iterations,
      converged: best.converged)
  }

  /// Runs every seeded run and keeps the first with the lowest inertia.
  private func fitRuns<T>(_ problem: LloydProblem<T>) -> KMeansRun {
    var seeds = Xoshiro256(seed: configuration.seed)
    func run() -> KMeansRun {
      var rng = Xoshiro256(seed: seeds.next())
      let initial = problem.initialCenters(configuration, using: &rng)
      return problem.lloyd(
        from: initial, maxIterations: configuration.maxIterations,
        tolerance: configuration.tolerance)
    }
    var best = run()
    if case .centers = configuration.initialization { return best }
    for _ in 1..<configuration.runs {
      let next = run()
      if next.inertia < best.inertia { best = next }
    }
    return best
  }
}
