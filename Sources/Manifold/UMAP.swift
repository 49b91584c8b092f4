// UMAP: uniform manifold approximation and projection (McInnes, Healy and Melville 2018).

import Tensor

/// Uniform manifold approximation and projection, as umap-learn 0.5 computes it.
///
/// `fit` builds the kNN graph (each point its own first neighbour; exact, or approximate for
/// large high-dimensional data as ``UMAP/Configuration/neighborSearch`` says), turns it into a
/// fuzzy simplicial set (smooth kNN distances with local connectivity, membership strengths,
/// fuzzy union), initialises the layout spectrally, and optimises it by SGD with negative sampling
/// against the curve `1 / (1 + a d^{2b})` fitted to ``UMAP/Configuration/minimumDistance`` and
/// ``UMAP/Configuration/spread``. The fitted ``UMAPEmbedding`` embeds new points with
/// ``UMAPEmbedding/transform(_:)``.
///
/// ```swift
/// let umap = try UMAP(configuration: .dcrlFigures).fit(latentCodes)   // Docs/Algorithm.md#presets
/// let points = umap.embedding                                        // [n, 2]
/// ```
///
/// Bad input: `neighbors > n` is not an error; like umap-learn, the neighbourhood is truncated
/// to the `n` available points and ``UMAPEmbedding/neighborsTruncated`` is set (RELIABILITY
/// I13). A disconnected graph cannot be initialised spectrally; the layout then starts at
/// random and ``UMAPEmbedding/usedRandomInitialization`` is set.
public struct UMAP: Sendable {
  /// The hyperparameters.
  public let configuration: Configuration

  /// Creates an estimator; the configuration is validated by ``fit(_:)``.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Embeds the rows of `data` in ``UMAP/Configuration/components`` dimensions.
  ///
  /// - Parameter data: The samples, one per row, float32 or float64.
  /// - Returns: The fitted embedding.
  /// - Throws: ``ManifoldError`` for an invalid configuration, invalid data (I1–I4), or fewer
  ///   than 2 samples.
  /// - Complexity: O(n²·d / 2) for the exact neighbour search (O(n²·65 / 2 + n·d²) for the
  ///   approximate one), then
  ///   O(epochs · edges · (1 + negativeSampleRate) · components) for the layout.
  ///
  /// Shape: `data` is `[n, d]`; the embedding is `[n, components]`.
  public func fit(_ data: Tensor) throws(ManifoldError) -> UMAPEmbedding {
    let c = configuration
    try c.validate()
    let matrix = try HostMatrix(validating: data, parameter: "data")
    let n = matrix.rows
    guard n >= 2 else {
      throw .tooFewSamples(samples: n, parameter: "n_samples", value: "\(n)", constraint: ">= 2")
    }
    let threads = resolvedThreadCount(c.threads)
    let k = min(c.neighbors, n)
    let approximate = c.neighborSearch.isApproximate(samples: n, features: matrix.columns)
    let knn =
      approximate
      ? approximateNeighborGraph(
        matrix, neighbors: k, metric: c.metric, includeSelf: true, threads: threads)
      : exactNeighborGraph(
        matrix, neighbors: k, metric: c.metric, includeSelf: true, threads: threads)
    let fuzzy = UMAP.fuzzySimplicialSet(
      knn, localConnectivity: c.localConnectivity, mixRatio: c.setOperationMixRatio)
    let curve = c.curve ?? UMAP.fitCurve(minimumDistance: c.minimumDistance, spread: c.spread)
    let epochs = c.resolvedEpochs(samples: n)
    var rng = Xoshiro256(seed: c.seed)
    var start: [Double]?
    let components = UMAP.connectedComponents(fuzzy.graph)
    if c.initialization == .spectral,
      let spectral = UMAP.spectralLayout(fuzzy.graph, components: c.components, seed: c.seed)
    {
      // umap-learn's noisy_scale_coords: largest coordinate 10, plus N(0, 10⁻⁴) noise.
      let largest = spectral.map(abs).max() ?? 0
      if largest > 0 {
        start = spectral.map { $0 * 10 / largest + 1e-4 * rng.nextStandardNormal() }
      }
    }
    let usedRandom = start == nil && c.initialization == .spectral
    var positions = start ?? (0..<n * c.components).map { _ in -10 + 20 * rng.nextUnitDouble() }
    // Scale every component to [0, 10], as umap-learn does before the SGD.
    for d in 0..<c.components {
      let column = stride(from: d, to: positions.count, by: c.components).map { positions[$0] }
      let (low, high) = (column.min()!, column.max()!)
      let span = high - low
      for i in 0..<n {
        positions[i * c.components + d] =
          span > 0 ? 10 * (positions[i * c.components + d] - low) / span : 5
      }
    }
    var layout = positions.map { Float($0) }
    UMAPLayout(graph: fuzzy.graph, epochs: epochs).optimize(
      head: &layout, tail: nil, dimensions: c.components, epochs: epochs, curve: curve,
      learningRate: c.learningRate, negativeSampleRate: c.negativeSampleRate,
      repulsion: c.repulsionStrength, seed: rng.next(), threads: threads)
    return UMAPEmbedding(
      embedding: Tensor(
        converting: layout.map(Double.init), shape: [n, c.components], dtype: data.dtype,
        on: data.backend),
      positions: layout, graph: fuzzy.graph, curve: curve, epochs: epochs,
      usedRandomInitialization: usedRandom, usedApproximateNeighbors: approximate,
      connectedComponents: components,
      neighborsTruncated: k < c.neighbors, configuration: c, trainingData: matrix)
  }
}

/// A fitted UMAP embedding: the layout, the fuzzy graph, and what is needed to embed new
/// points.
public struct UMAPEmbedding: Sendable {
  /// The embedded training points.
  ///
  /// Shape: `[n, components]`, in the input's dtype and backend.
  public let embedding: Tensor
  let positions: [Float]
  /// The fuzzy simplicial set (symmetric, `n × n`).
  public let graph: SparseMatrix
  /// The curve `1 / (1 + a d^{2b})` the layout was optimised for.
  public let curve: UMAP.Configuration.Curve
  /// The number of SGD epochs run.
  public let epochs: Int
  /// Whether a spectral initialisation was asked for but the graph was disconnected (or the
  /// eigensolver failed), so the layout started at random.
  public let usedRandomInitialization: Bool
  /// Whether the kNN graph came from the approximate search
  /// (``UMAP/Configuration/NeighborSearch``).
  public let usedApproximateNeighbors: Bool
  /// The number of connected components of ``graph``.
  public let connectedComponents: Int
  /// Whether ``UMAP/Configuration/neighbors`` exceeded the number of samples and was truncated
  /// to it.
  public let neighborsTruncated: Bool
  /// The configuration the embedding was fitted with.
  public let configuration: UMAP.Configuration
  let trainingData: HostMatrix

  /// Embeds new points into the fitted layout (umap-learn's `transform`).
  ///
  /// Each new point gets membership strengths to its `neighbors` nearest training points
  /// (smooth kNN distances with `localConnectivity − 1`), starts at their strength-weighted
  /// mean position (or exactly at a training point it coincides with), and is refined by
  /// `epochs / 3` epochs of SGD (100 for up to 10 000 training points and 30 above when the
  /// epoch count was automatic) at a quarter of the learning rate, with the training layout
  /// fixed.
  ///
  /// - Parameter data: New samples with the training data's number of features.
  /// - Returns: Their positions, in the dtype and on the backend of `data`.
  /// - Throws: ``ManifoldError`` for invalid data or a feature-count mismatch (I16).
  ///
  /// Shape: `data` is `[m, d]`; the result is `[m, components]`.
  public func transform(_ data: Tensor) throws(ManifoldError) -> Tensor {
    let c = configuration
    let queries = try HostMatrix(validating: data, parameter: "data")
    guard queries.columns == trainingData.columns else {
      throw .input(
        .featureMismatch(
          parameter: "data", features: queries.columns, expected: trainingData.columns))
    }
    let (m, n, dims) = (queries.rows, trainingData.rows, c.components)
    let threads = resolvedThreadCount(c.threads)
    let k = min(c.neighbors, n)
    let knn = exactNeighborGraph(
      queries: queries, reference: trainingData, neighbors: k, metric: c.metric, threads: threads)
    let (sigmas, rhos) = UMAP.smoothNeighborDistances(
      knn.distances, rows: m, k: k, localConnectivity: max(0, c.localConnectivity - 1))
    let strengths = UMAP.membershipStrengths(
      indices: knn.indices, distances: knn.distances, rows: m, k: k, columns: n,
      sigmas: sigmas, rhos: rhos, bipartite: true)
    // Initial positions: the strength-weighted mean of the neighbours' positions.
    var head = [Float](repeating: .nan, count: m * dims)
    for i in 0..<m {
      let range = strengths.rowOffsets[i]..<strengths.rowOffsets[i + 1]
      let total = range.reduce(0.0) { $0 + strengths.values[$1] }
      guard total > 0 else { continue }
      for d in 0..<dims { head[i * dims + d] = 0 }
      for e in range {
        let j = Int(strengths.columnIndices[e])
        if strengths.values[e] == 1 {
          for d in 0..<dims { head[i * dims + d] = positions[j * dims + d] }
          break
        }
        for d in 0..<dims {
          head[i * dims + d] += Float(strengths.values[e] / total) * positions[j * dims + d]
        }
      }
    }
    let transformEpochs = c.epochs.map { max(1, $0 / 3) } ?? (n <= 10_000 ? 100 : 30)
    UMAPLayout(graph: strengths, epochs: transformEpochs).optimize(
      head: &head, tail: positions, dimensions: dims, epochs: transformEpochs, curve: curve,
      learningRate: c.learningRate / 4, negativeSampleRate: c.negativeSampleRate,
      repulsion: c.repulsionStrength, seed: c.seed &+ 1, threads: threads)
    return Tensor(
      converting: head.map(Double.init), shape: [m, dims], dtype: data.dtype, on: data.backend)
  }
}
