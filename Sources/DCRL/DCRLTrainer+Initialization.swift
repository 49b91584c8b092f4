// DCRLTrainer+Initialization: the starting cluster centres μ (Docs/Algorithm.md#initialisation):
// t-SNE of the first codes to 2-D, k-means there, then the mean 10-D code of each k-means cluster.

import Clustering
import Manifold
import Tensor

extension DCRLTrainer {
  /// The initial centres μ `[C, m]` and the matching input-space centres v `[C, D]`: of the
  /// k-means clusters of the first ``DCRLConfiguration/initializationSubsetSize`` samples, or of
  /// the mixture components of every sample (``CenterInitialization/umapThenMixture``).
  ///
  /// - Throws: ``DCRLError/manifold(_:)`` or ``DCRLError/clustering(_:)`` if t-SNE, UMAP, the
  ///   mixture or k-means reject the data (too few samples for the perplexity or the cluster
  ///   count).
  public func initialCenters(
    autoencoder: Autoencoder, input x: Tensor
  ) throws(DCRLError) -> (centers: Tensor, inputCenters: Tensor) {
    let start = try startingPartition(autoencoder: autoencoder, input: x)
    return (start.centers, start.inputCenters)
  }

  /// The initial centres and, for ``CenterInitialization/umapThenMixture``, the partition of
  /// every point they come from (`nil` for the starts that cluster only a subset).
  func startingPartition(
    autoencoder: Autoencoder, input x: Tensor
  ) throws(DCRLError) -> (centers: Tensor, inputCenters: Tensor, labels: [Int]?) {
    let c = configuration
    if c.centerInitialization == .umapThenMixture {
      let start = try mixtureCenters(autoencoder: autoencoder, input: x)
      return (start.centers, start.inputCenters, start.labels)
    }
    let count = min(x.shape[0], c.initializationSubsetSize)
    guard count >= c.clusters else {
      throw .clustering(.tooFewSamples(samples: count, clusters: c.clusters))
    }
    let subset = x.rows(0..<count)
    let codes = autoencoder.encodeAll(subset, chunkSize: c.fullPassChunkSize)
    var points = codes
    if c.centerInitialization == .tsneThenKMeans {
      var tsne = TSNE.Configuration.sklearn021
      tsne.seed = c.seed
      // sklearn requires perplexity < n; keep 30 whenever the subset allows it.
      tsne.perplexity = min(tsne.perplexity, Double(count - 1) / 3)
      points = try manifold { () throws(ManifoldError) in
        try TSNE(configuration: tsne).fit(codes).embedding
      }
    }
    let kmeans = KMeans(
      clusters: c.clusters, runs: c.initializationKMeansRuns, seed: c.initializationKMeansSeed)
    let labels = try clustering { () throws(ClusteringError) in try kmeans.fit(points).labels }
    return (
      clusterMeans(codes, labels: labels, clusters: c.clusters, fallback: nil),
      clusterMeans(subset, labels: labels, clusters: c.clusters, fallback: nil),
      nil
    )
  }

  /// The centres of ``CenterInitialization/umapThenMixture``: UMAP of every code to C
  /// dimensions, a Gaussian mixture there, the mean code and input of each component.
  func mixtureCenters(
    autoencoder: Autoencoder, input x: Tensor
  ) throws(DCRLError) -> (centers: Tensor, inputCenters: Tensor, labels: [Int]) {
    let c = configuration
    try DCRLError.require(
      x.shape[0] > c.clusters, "clusters", c.clusters,
      "must be below n_samples=\(x.shape[0]) for the UMAP + mixture start")
    let codes = autoencoder.encodeAll(x, chunkSize: c.fullPassChunkSize)
    let labels = try mixturePartition(codes: codes)
    return (
      clusterMeans(codes, labels: labels, clusters: c.clusters, fallback: nil),
      clusterMeans(x, labels: labels, clusters: c.clusters, fallback: nil),
      labels
    )
  }

  /// The state fine-tuning starts from: `autoencoder` with the centres of `start`, and the
  /// partition of `start` as the warm-up target when ``DCRLConfiguration/partitionWarmUp`` is set.
  func initialState(
    autoencoder: Autoencoder, start: (centers: Tensor, inputCenters: Tensor, labels: [Int]?)
  ) -> DCRLTrainingState {
    let state = DCRLTrainingState(
      configuration: configuration, autoencoder: autoencoder, centers: start.centers,
      inputCenters: start.inputCenters,
      rng: Xoshiro256(seed: configuration.seed ^ 0x5DC4_1C0D_E5EE_D5A1))
    // Only the UMAP + mixture start partitions every point; the other starts leave it nil.
    if configuration.partitionWarmUp != nil { state.initialPartition = start.labels }
    return state
  }
}

/// N2D's UMAP: `clusters` output dimensions, `min_dist` 0, euclidean; shared by the UMAP +
/// mixture start of DCRL (``CenterInitialization/umapThenMixture``) and the Baselines module's
/// `N2DMethod`.
package func n2dUMAPConfiguration(clusters: Int, neighbors: Int, seed: UInt64, threads: Int?)
  -> UMAP.Configuration
{
  var umap = UMAP.Configuration()
  umap.components = clusters
  umap.neighbors = neighbors
  umap.minimumDistance = 0
  umap.seed = seed
  umap.threads = threads
  return umap
}
