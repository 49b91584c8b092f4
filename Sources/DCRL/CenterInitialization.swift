// CenterInitialization: the choices for DCRL's starting cluster centres
// (Docs/Algorithm.md#initialisation).

/// How the cluster centres are initialised before fine-tuning.
public enum CenterInitialization: String, Sendable, Codable, Hashable, CaseIterable {
  /// The paper's: t-SNE (sklearn 0.21 defaults) of the first subset's latent codes to 2-D,
  /// k-means (20 restarts) on the 2-D points, centres = mean latent code per k-means cluster.
  case tsneThenKMeans = "tsne-kmeans"
  /// DEC's: k-means (20 restarts) directly on the latent codes of the subset.
  case kMeans = "kmeans"
  /// N2D's clustering of *all* latent codes (the subset size is not used): UMAP to C
  /// dimensions (20 neighbours, `min_dist` 0), a full-covariance Gaussian mixture there,
  /// centres = mean latent code per mixture component.
  case umapThenMixture = "umap-mixture"
}
