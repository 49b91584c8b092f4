// SpectralClustering: normalised-cut spectral clustering (the DCRL paper's SC-Ncut baseline).

import Tensor

/// Spectral clustering with the symmetric normalised Laplacian: the SC-Ncut baseline of the
/// DCRL paper's Table 1 (Shi and Malik 2000; Ng, Jordan and Weiss 2002).
///
/// 1. An affinity graph `A`: symmetrised k-nearest-neighbour connectivity (sparse) or a dense
///    RBF kernel, without self-loops.
/// 2. The `k` leading eigenvectors of `D^{-1/2}·A·D^{-1/2}` (`D` the degrees), i.e. those of the
///    `k` smallest eigenvalues of the normalised Laplacian `L = I − D^{-1/2}AD^{-1/2}`: by
///    LAPACK (`dsyevr`) on the dense matrix, or by a restarted block Krylov (block Lanczos)
///    method on the sparse graph, which keeps MNIST-full (n = 70 000) in memory.
/// 3. k-means on the rows of the embedding, either normalised to unit length (Ng–Jordan–Weiss)
///    or scaled by `D^{-1/2}` (the random-walk embedding scikit-learn uses).
///
/// ```swift
/// let model = try SpectralClustering(clusters: 10, affinity: .nearestNeighbors(10)).fit(x)
/// print(model.labels.prefix(5), model.laplacianEigenvalues)
/// ```
public struct SpectralClustering: Sendable {
  /// The affinity graph.
  public enum Affinity: Sendable, Codable, Hashable {
    /// `½(C + Cᵀ)` with `C_ij = 1` when `j` is among the `neighbors − 1` nearest other points
    /// of `i` (scikit-learn's `affinity="nearest_neighbors"`, whose `n_neighbors` counts the
    /// point itself). Sparse: fits any n.
    case nearestNeighbors(Int)
    /// `exp(−γ‖x_i − x_j‖²)`: dense, so n is limited to ``SpectralClustering/denseLimit``.
    case radialBasis(gamma: Double)
  }

  /// How the leading eigenvectors are computed.
  public enum Eigensolver: String, Sendable, Codable, Hashable, CaseIterable {
    /// LAPACK for a dense affinity or `n ≤ 2000`, block Krylov otherwise.
    case automatic
    /// LAPACK's `dsyevr` on the dense `n × n` matrix: O(n³) time, O(n²) memory.
    case dense
    /// Restarted block Krylov on the sparse matrix: O(nnz) per product.
    case blockKrylov
  }

  /// How the rows of the eigenvector matrix `U` are turned into points for k-means.
  public enum Embedding: String, Sendable, Codable, Hashable, CaseIterable {
    /// Each row of `U` scaled to unit length (Ng, Jordan and Weiss 2002).
    case normalizedRows
    /// `D^{-1/2}·U`, the generalised eigenvectors of `L_rw` (Shi and Malik's normalised cut),
    /// with each vector's sign fixed so that its largest-magnitude entry is positive; what
    /// scikit-learn's `SpectralClustering` clusters.
    case randomWalk
  }

  /// The largest `n` for a dense affinity or the dense eigensolver.
  public static let denseLimit = 10_000

  /// The hyperparameters of a ``SpectralClustering`` fit.
  public struct Configuration: Sendable, Codable, Hashable {
    /// The number of clusters, which is also the number of eigenvectors.
    public var clusters: Int
    /// The affinity graph.
    public var affinity: Affinity
    /// The eigensolver.
    public var eigensolver: Eigensolver
    /// How eigenvector rows become k-means points.
    public var embedding: Embedding
    /// Residual tolerance of the block Krylov eigensolver.
    public var eigenTolerance: Double
    /// k-means runs on the embedding.
    public var kMeansRuns: Int
    /// Seeds the eigensolver's start block and k-means.
    public var seed: UInt64

    /// Creates a configuration; the defaults follow scikit-learn where it has one.
    public init(
      clusters: Int, affinity: Affinity = .nearestNeighbors(10),
      eigensolver: Eigensolver = .automatic, embedding: Embedding = .normalizedRows,
      eigenTolerance: Double = 1e-6, kMeansRuns: Int = 10, seed: UInt64 = 0
    ) {
      self.clusters = clusters
      self.affinity = affinity
      self.eigensolver = eigensolver
      self.embedding = embedding
      self.eigenTolerance = eigenTolerance
      self.kMeansRuns = kMeansRuns
      self.seed = seed
    }

    /// Checks every hyperparameter (RELIABILITY I20).
    ///
    /// - Throws: ``ClusteringError/input(_:)`` with `InputError.invalidValue` naming the first bad
    ///   one.
    public func validate() throws(ClusteringError) {
      try ClusteringError.require(clusters >= 1, "clusters", clusters, "must be >= 1")
      switch affinity {
      case .nearestNeighbors(let neighbors):
        try ClusteringError.require(
          neighbors >= 2, "neighbors", neighbors, "must be >= 2 (the point itself counts as one)")
      case .radialBasis(let gamma):
        try ClusteringError.require(gamma > 0 && gamma.isFinite, "gamma", gamma, "must be > 0")
      }
      try ClusteringError.require(
        eigenTolerance > 0, "eigenTolerance", eigenTolerance, "must be > 0")
      try ClusteringError.require(kMeansRuns >= 1, "kMeansRuns", kMeansRuns, "must be >= 1")
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
    clusters: Int, affinity: Affinity = .nearestNeighbors(10),
    eigensolver: Eigensolver = .automatic, embedding: Embedding = .normalizedRows,
    seed: UInt64 = 0
  ) {
    self.init(
      configuration: Configuration(
        clusters: clusters, affinity: affinity, eigensolver: eigensolver, embedding: embedding,
        seed: seed))
  }

  /// Clusters the rows of `x`.
  ///
  /// Shape: `x` is `[n, d]`; the model's embedding is `[n, k]`.
  /// - Parameter x: The samples, float32 or float64, on any backend.
  /// - Returns: The labels, the spectral embedding and the eigenvalues.
  /// - Throws: ``ClusteringError`` for an invalid configuration, a non-matrix, empty or
  ///   non-finite `x`, fewer samples than clusters or than `neighbors`, or a dense affinity or
  ///   eigensolver with `n` above ``denseLimit``.
  /// - Complexity: the k-nearest-neighbour graph costs O(n²·d) (GEMM); the block Krylov
  ///   solver O(nnz·k) per product and O(n·k²) per orthogonalisation; the dense one O(n³).
  public func fit(_ x: Tensor) throws(ClusteringError) -> SpectralClusteringModel {
    try configuration.validate()
    let data = try ClusteringError.requireMatrix(x, "x").tensor
    let n = data.shape[0]
    let k = configuration.clusters
    if n < k { throw .tooFewSamples(samples: n, clusters: k) }
    if case .nearestNeighbors(let neighbors) = configuration.affinity {
      try ClusteringError.require(
        neighbors <= n, "neighbors", neighbors, "must be <= n_samples=\(n)")
    }
    let denseAffinity: Bool = {
      if case .radialBasis = configuration.affinity { return true }
      return false
    }()
    let dense =
      configuration.eigensolver == .dense
      || (configuration.eigensolver == .automatic && (denseAffinity || n <= 2000))
    if (dense || denseAffinity) && n > Self.denseLimit {
      throw .input(
        .invalidValue(
          parameter: denseAffinity ? "affinity" : "eigensolver",
          value: denseAffinity ? "radialBasis with n=\(n)" : "dense with n=\(n)",
          constraint: "a dense n × n matrix needs n <= \(Self.denseLimit); "
            + "use .nearestNeighbors with .blockKrylov"))
    }
    let spectrum = leadingEigenvectors(data, dense: dense)
    let points = embed(spectrum)
    let kMeans = try KMeans(
      clusters: k, runs: configuration.kMeansRuns, seed: configuration.seed
    ).fit(Tensor(points, shape: [n, k], on: CPUBackend.shared))
    return SpectralClusteringModel(
      labels: kMeans.labels,
      embedding: Tensor(points, shape: [n, k], on: CPUBackend.shared),
      laplacianEigenvalues: spectrum.eigenvalues.map { 1 - $0 },
      eigensolverConverged: spectrum.converged, eigensolverRestarts: spectrum.restarts)
  }
}
