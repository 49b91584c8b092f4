// UMAP+Configuration: the hyperparameters of UMAP, with umap-learn's defaults.

extension UMAP {
  /// The hyperparameters of ``UMAP``; the defaults are umap-learn 0.5's.
  public struct Configuration: Sendable, Codable, Hashable {
    /// How the layout starts.
    public enum Initialization: Sendable, Codable, Hashable {
      /// The eigenvectors of the graph's normalised Laplacian for its smallest non-zero
      /// eigenvalues (umap-learn's default). A disconnected graph falls back to ``random``, and
      /// the fitted embedding says so in ``UMAPEmbedding/usedRandomInitialization``.
      case spectral
      /// Independent uniform samples on [−10, 10].
      case random
    }

    /// How the kNN graph is found.
    public enum NeighborSearch: String, Sendable, Codable, Hashable {
      /// ``KNNGraph/init(exact:neighbors:metric:includeSelf:threads:)``.
      case exact
      /// ``KNNGraph/init(approximate:neighbors:metric:includeSelf:threads:)``.
      case approximate
      /// Approximate for more than 4096 samples with at least 256 features, exact otherwise:
      /// umap-learn switches to NN-descent above 4096 samples, and below 256 features the exact
      /// search costs about as much as the approximate one.
      case automatic

      /// Whether `samples × features` data is searched approximately.
      public func isApproximate(samples: Int, features: Int) -> Bool {
        switch self {
        case .exact: false
        case .approximate: true
        case .automatic: samples > 4096 && features >= 256
        }
      }
    }

    /// The embedding dimension (N2D uses the number of clusters).
    public var components = 2
    /// The size of the local neighbourhood, the point itself included (umap-learn's `n_neighbors`).
    public var neighbors = 15
    /// The input distance.
    public var metric = DistanceMetric.euclidean
    /// How the kNN graph is found (``UMAPEmbedding/usedApproximateNeighbors`` says which was used).
    public var neighborSearch = NeighborSearch.automatic
    /// The smallest distance between embedded points in the target curve.
    public var minimumDistance = 0.1
    /// The scale of the target curve's exponential decay.
    public var spread = 1.0
    /// The curve parameters `a, b` of `1 / (1 + a d^{2b})`; `nil` fits them to
    /// ``minimumDistance`` and ``spread`` as umap-learn's `find_ab_params` does.
    public var curve: Curve? = nil
    /// The number of SGD epochs; `nil` means 500 for up to 10 000 points and 200 above.
    public var epochs: Int? = nil
    /// The initial SGD step size (decays linearly to 0).
    public var learningRate = 1.0
    /// Negative samples per positive sample.
    public var negativeSampleRate = 5
    /// The weight of the repulsive term (umap-learn's `repulsion_strength`, γ).
    public var repulsionStrength = 1.0
    /// The number of nearest neighbours assumed connected (umap-learn's `local_connectivity`).
    public var localConnectivity = 1.0
    /// 1 for the fuzzy union of the directed graphs, 0 for their intersection.
    public var setOperationMixRatio = 1.0
    /// How the layout starts.
    public var initialization = Initialization.spectral
    /// Threads for the neighbour search and the SGD (never around BLAS); `nil` follows
    /// `CPUBackend.blasThreads`, the library's one thread setting.
    ///
    /// With one thread the result is bit-for-bit reproducible; with more, the SGD updates race
    /// (Hogwild!, as umap-learn's parallel mode), so results vary slightly between runs.
    public var threads: Int? = nil
    /// The seed of the initialisation and of the negative sampling.
    public var seed: UInt64 = 0

    /// The curve `1 / (1 + a d^{2b})` that turns embedded distances into membership strengths.
    public struct Curve: Sendable, Codable, Hashable {
      /// The scale `a`.
      public var a: Double
      /// The exponent `b`.
      public var b: Double

      /// Creates a curve.
      public init(a: Double, b: Double) {
        self.a = a
        self.b = b
      }
    }

    /// umap-learn's defaults.
    public init() {}

    /// The settings of the DCRL paper's figures (Docs/Algorithm.md#presets): 5 neighbours,
    /// minimum distance 0.7, correlation distance.
    public static var dcrlFigures: Configuration {
      var configuration = Configuration()
      configuration.neighbors = 5
      configuration.minimumDistance = 0.7
      configuration.metric = .correlation
      return configuration
    }

    /// The number of epochs used for `samples` points.
    public func resolvedEpochs(samples: Int) -> Int {
      epochs ?? (samples <= 10_000 ? 500 : 200)
    }

    /// Checks every hyperparameter's range (RELIABILITY I20).
    ///
    /// - Throws: ``ManifoldError/input(_:)`` naming the first invalid one.
    public func validate() throws(ManifoldError) {
      try ManifoldError.require(components >= 1, "components", components, "an int >= 1")
      try ManifoldError.require(neighbors >= 2, "neighbors", neighbors, "an int >= 2")
      try ManifoldError.require(
        minimumDistance >= 0 && minimumDistance.isFinite, "minimumDistance", minimumDistance,
        "a float in [0, inf)")
      try ManifoldError.require(
        spread > 0 && spread.isFinite, "spread", spread, "a float in (0, inf)")
      try ManifoldError.require(
        minimumDistance <= spread, "minimumDistance", minimumDistance, "<= spread (\(spread))")
      if let curve {
        try ManifoldError.require(
          curve.a > 0 && curve.b > 0, "curve", "(a: \(curve.a), b: \(curve.b))", "a > 0 and b > 0")
      }
      if let epochs {
        try ManifoldError.require(epochs >= 1, "epochs", epochs, "an int >= 1 or nil")
      }
      try ManifoldError.require(
        learningRate > 0 && learningRate.isFinite, "learningRate", learningRate,
        "a float in (0, inf)")
      try ManifoldError.require(
        negativeSampleRate >= 0, "negativeSampleRate", negativeSampleRate, "an int >= 0")
      try ManifoldError.require(
        repulsionStrength >= 0, "repulsionStrength", repulsionStrength, "a float >= 0")
      try ManifoldError.require(
        localConnectivity >= 0, "localConnectivity", localConnectivity, "a float >= 0")
      try ManifoldError.require(
        setOperationMixRatio >= 0 && setOperationMixRatio <= 1, "setOperationMixRatio",
        setOperationMixRatio, "a float in [0, 1]")
      if let threads {
        try ManifoldError.require(threads >= 1, "threads", threads, "an int >= 1 or nil")
      }
    }
  }
}
