// CenterInitialization: the choices for DCRL's starting cluster centres (SPEC.md §3.2).

/// How the cluster centres are initialised before fine-tuning.
public enum CenterInitialization: String, Sendable, Codable, Hashable, CaseIterable {
  /// The paper's: t-SNE (sklearn 0.21 defaults) of the first subset's latent codes to 2-D,
  /// k-means (20 restarts) on the 2-D points, centres = mean latent code per k-means cluster.
  case tsneThenKMeans = "tsne-kmeans"
  /// DEC's: k-means (20 restarts) directly on the latent codes of the subset.
  case kMeans = "kmeans"
}
