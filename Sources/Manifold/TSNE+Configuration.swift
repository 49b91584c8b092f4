// TSNE+Configuration: the hyperparameters of t-SNE, with scikit-learn 0.21 and modern presets.

extension TSNE {
  /// The hyperparameters of ``TSNE``.
  ///
  /// The default value is the modern recipe shared by scikit-learn ≥ 1.2 and openTSNE: PCA
  /// initialisation rescaled to a standard deviation of 10⁻⁴, the `auto` learning rate, early
  /// exaggeration 12 for 250 iterations, 1000 iterations in all, Barnes–Hut gradients.
  /// ``sklearn021`` reproduces scikit-learn 0.21's defaults, with which DCRL's centre
  /// initialisation was tuned (Docs/Algorithm.md#initialisation).
  ///
  /// The optimiser is scikit-learn's `_gradient_descent`: momentum with per-coordinate gains
  /// (`+gainIncrease` when the update changes sign, `×gainDecrease` otherwise, never below
  /// ``minimumGain``), two phases (early exaggeration with ``initialMomentum``, then
  /// ``finalMomentum``) whose momentum and gains are reset between them.
  public struct Configuration: Sendable, Codable, Hashable {
    /// How the gradient's repulsive term (the sum over all pairs) is computed.
    public enum GradientMethod: Sendable, Codable, Hashable {
      /// Every pair, O(n²) per iteration; the reference (scikit-learn's `method='exact'`).
      /// Practical up to about 5000 points.
      case exact
      /// A Barnes–Hut space-partitioning tree (quadtree in 2-D, octree in 3-D), O(n log n);
      /// scikit-learn's `method='barnes_hut'`. A cell of width `w` at distance `r` from a point is
      /// summarised when `w / r < angle`. Supports 2 or 3 components.
      case barnesHut(angle: Double = 0.5)
      /// Polynomial interpolation on an equispaced grid plus FFT convolution, O(n) per iteration
      /// (FIt-SNE; openTSNE's `negative_gradient_method='fft'`). The embedding's bounding box is
      /// cut into `max(minimumIntervals, extent · intervalsPerUnit)` intervals per axis with
      /// `pointsPerInterval` Lagrange nodes each. Supports 1 or 2 components.
      case fftInterpolation(
        pointsPerInterval: Int = 3, minimumIntervals: Int = 50, intervalsPerUnit: Double = 1)
    }

    /// Which pairs the input affinities P are computed over.
    public enum Affinities: Sendable, Codable, Hashable {
      /// ``allPoints`` for the exact gradient, ``nearestNeighbors`` otherwise (scikit-learn's
      /// choice).
      case automatic
      /// Every pair: a dense P, O(n²) memory, as scikit-learn's exact method; every entry is at
      /// least machine epsilon.
      case allPoints
      /// The `min(n − 1, ⌊3·perplexity⌋ + 1)` exact nearest neighbours of each point, as
      /// scikit-learn's Barnes–Hut method and openTSNE.
      case nearestNeighbors
    }

    /// How the embedding starts.
    public enum Initialization: Sendable, Codable, Hashable {
      /// Independent normal samples with this standard deviation (scikit-learn 0.21: 10⁻⁴).
      case random(standardDeviation: Double = 1e-4)
      /// The first principal components, rescaled so the first has standard deviation 10⁻⁴
      /// (scikit-learn ≥ 1.2, openTSNE).
      case pca
    }

    /// The gradient-descent step size.
    public enum LearningRate: Sendable, Codable, Hashable {
      /// A fixed step size (scikit-learn 0.21: 200).
      case fixed(Double)
      /// `max(n / earlyExaggeration / 4, 50)` in both phases, scikit-learn ≥ 1.2's `'auto'`. It
      /// equals openTSNE's early-phase `n / 12` because openTSNE leaves the factor 4 out of its
      /// gradient.
      case auto
      /// `n / (4 · exaggeration)` with the exaggeration of the current phase: openTSNE 1.0's
      /// `'auto'` (Belkina et al. 2019) in this gradient's scale, `n / 48` during early
      /// exaggeration and `n / 4` afterwards.
      case autoPerPhase
    }

    /// The embedding dimension.
    public var components = 2
    /// The effective number of neighbours each point's Gaussian is tuned to (its perplexity).
    public var perplexity = 30.0
    /// The factor P is multiplied by during the first ``earlyExaggerationIterations``.
    public var earlyExaggeration = 12.0
    /// The length of the early-exaggeration phase.
    public var earlyExaggerationIterations = 250
    /// The total number of iterations, early exaggeration included.
    public var maxIterations = 1000
    /// The step size.
    public var learningRate = LearningRate.auto
    /// The momentum during early exaggeration.
    public var initialMomentum = 0.5
    /// The momentum afterwards.
    public var finalMomentum = 0.8
    /// The amount a gain grows by when the gradient's sign opposes the last update.
    public var gainIncrease = 0.2
    /// The factor a gain shrinks by otherwise.
    public var gainDecrease = 0.8
    /// The smallest gain.
    public var minimumGain = 0.01
    /// Stop after this many iterations without a lower KL divergence (checked every
    /// ``checkInterval`` iterations, after early exaggeration).
    public var iterationsWithoutProgress = 300
    /// Stop when the norm of the gain-scaled gradient falls below this.
    public var minimumGradientNorm = 1e-7
    /// The largest step a point may take in one iteration (openTSNE's `max_step_norm`); `nil`
    /// leaves steps unclipped, as scikit-learn does.
    public var maximumStepNorm: Double? = nil
    /// Whether momentum and gains restart when early exaggeration ends (scikit-learn) or carry
    /// over (openTSNE).
    public var resetsOptimizerBetweenPhases = true
    /// How often the KL divergence is computed and reported to the progress callback.
    public var checkInterval = 50
    /// The repulsive-force method.
    public var gradientMethod = GradientMethod.barnesHut()
    /// Which pairs carry input affinities.
    public var affinities = Affinities.automatic
    /// How the embedding is initialised.
    public var initialization = Initialization.pca
    /// The input-space distance (squared in the Gaussian kernel).
    public var metric = DistanceMetric.euclidean
    /// Threads for the gradient, affinity and neighbour loops (never around BLAS); `nil` follows
    /// `CPUBackend.blasThreads`, the library's one thread setting.
    ///
    /// The result has the same bits for every thread count.
    public var threads: Int? = nil
    /// The seed of the random initialisation.
    public var seed: UInt64 = 0

    /// The modern defaults (see the type's discussion).
    public init() {}

    /// scikit-learn 0.21.3's defaults, which DCRL's centre initialisation was tuned with
    /// (Docs/Algorithm.md#initialisation): perplexity 30, early exaggeration 12 for 250
    /// iterations, learning rate 200, momentum 0.5 then 0.8, gains +0.2/×0.8 (min 0.01), 1000
    /// iterations, random initialisation with standard deviation 10⁻⁴, Barnes–Hut with angle 0.5.
    public static var sklearn021: Configuration {
      var configuration = Configuration()
      configuration.learningRate = .fixed(200)
      configuration.initialization = .random(standardDeviation: 1e-4)
      configuration.gradientMethod = .barnesHut(angle: 0.5)
      return configuration
    }

    /// openTSNE 1.0's defaults for large data in this library's terms: FFT-interpolated
    /// gradients, PCA initialisation, ``LearningRate/autoPerPhase``, 250 exaggerated plus 500
    /// normal iterations, steps clipped at norm 5, and momentum and gains kept across the phases.
    ///
    /// Two details of openTSNE differ: its gains shrink as `0.8 · g + 0.01` where these are
    /// clipped at 0.01, and it recentres the embedding every iteration (which changes nothing
    /// but the embedding's mean). Neighbours are exact here; openTSNE approximates them.
    public static var openTSNE: Configuration {
      var configuration = Configuration()
      configuration.gradientMethod = .fftInterpolation()
      configuration.learningRate = .autoPerPhase
      configuration.maxIterations = 750
      configuration.maximumStepNorm = 5
      configuration.resetsOptimizerBetweenPhases = false
      return configuration
    }

    /// The learning rate used for `samples` points in a phase with P multiplied by `exaggeration`.
    public func resolvedLearningRate(samples: Int, exaggeration: Double? = nil) -> Double {
      switch learningRate {
      case .fixed(let rate): return rate
      case .auto: return max(Double(samples) / earlyExaggeration / 4, 50)
      case .autoPerPhase: return Double(samples) / (4 * (exaggeration ?? earlyExaggeration))
      }
    }

    /// Whether P is computed over every pair.
    var usesAllPoints: Bool {
      switch affinities {
      case .allPoints: return true
      case .nearestNeighbors: return false
      case .automatic: return gradientMethod == .exact
      }
    }

    /// Checks every hyperparameter's range (RELIABILITY I20).
    ///
    /// - Throws: ``ManifoldError/input(_:)`` naming the first invalid one.
    public func validate() throws(ManifoldError) {
      try ManifoldError.require(components >= 1, "components", components, "an int >= 1")
      try ManifoldError.require(
        perplexity > 0 && perplexity.isFinite, "perplexity", perplexity, "a float in (0, inf)")
      try ManifoldError.require(
        earlyExaggeration >= 1 && earlyExaggeration.isFinite, "earlyExaggeration",
        earlyExaggeration, "a float in [1, inf)")
      try ManifoldError.require(
        earlyExaggerationIterations >= 0, "earlyExaggerationIterations",
        earlyExaggerationIterations, "an int >= 0")
      try ManifoldError.require(maxIterations >= 1, "maxIterations", maxIterations, "an int >= 1")
      if case .fixed(let rate) = learningRate {
        try ManifoldError.require(
          rate > 0 && rate.isFinite, "learningRate", rate, "a float in (0, inf) or .auto")
      }
      for (name, value) in [("initialMomentum", initialMomentum), ("finalMomentum", finalMomentum)]
      {
        try ManifoldError.require(value >= 0 && value < 1, name, value, "a float in [0, 1)")
      }
      try ManifoldError.require(gainIncrease >= 0, "gainIncrease", gainIncrease, "a float >= 0")
      try ManifoldError.require(
        gainDecrease > 0 && gainDecrease <= 1, "gainDecrease", gainDecrease, "a float in (0, 1]")
      try ManifoldError.require(minimumGain > 0, "minimumGain", minimumGain, "a float > 0")
      try ManifoldError.require(checkInterval >= 1, "checkInterval", checkInterval, "an int >= 1")
      if let maximumStepNorm {
        try ManifoldError.require(
          maximumStepNorm > 0, "maximumStepNorm", maximumStepNorm, "a float in (0, inf) or nil")
      }
      try ManifoldError.require(
        iterationsWithoutProgress >= 1, "iterationsWithoutProgress", iterationsWithoutProgress,
        "an int >= 1")
      if let threads {
        try ManifoldError.require(threads >= 1, "threads", threads, "an int >= 1 or nil")
      }
      if case .random(let deviation) = initialization {
        try ManifoldError.require(
          deviation > 0 && deviation.isFinite, "initialization.standardDeviation", deviation,
          "a float in (0, inf)")
      }
      switch gradientMethod {
      case .exact:
        break
      case .barnesHut(let angle):
        try ManifoldError.require(angle >= 0 && angle <= 1, "angle", angle, "a float in [0, 1]")
        try ManifoldError.require(
          components == 2 || components == 3, "components", components,
          "2 or 3 for the Barnes-Hut gradient (quadtree or octree)")
      case .fftInterpolation(let points, let intervals, let perUnit):
        try ManifoldError.require(
          components == 1 || components == 2, "components", components,
          "1 or 2 for the FFT-interpolation gradient")
        try ManifoldError.require(points >= 1, "pointsPerInterval", points, "an int >= 1")
        try ManifoldError.require(intervals >= 1, "minimumIntervals", intervals, "an int >= 1")
        try ManifoldError.require(
          perUnit > 0 && perUnit.isFinite, "intervalsPerUnit", perUnit, "a float in (0, inf)")
      }
    }
  }
}
