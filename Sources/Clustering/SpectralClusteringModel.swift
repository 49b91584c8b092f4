// SpectralClusteringModel: the result of spectral clustering.

import Tensor

/// The result of ``SpectralClustering/fit(_:)``.
///
/// Spectral clustering is transductive: it labels the samples it was given and has no
/// `predict` for new ones.
public struct SpectralClusteringModel: Sendable {
  /// The cluster of every sample.
  public let labels: [Int]
  /// The points k-means clustered: one row per sample, one column per eigenvector.
  ///
  /// Shape: `[n, k]`, float64 on the CPU backend.
  public let embedding: Tensor
  /// The `k` smallest eigenvalues of the normalised Laplacian `I − D^{-1/2}AD^{-1/2}`,
  /// ascending; one 0 per connected component of the graph.
  public let laplacianEigenvalues: [Double]
  /// Whether the eigensolver met its tolerance (always true for the dense solver).
  public let eigensolverConverged: Bool
  /// Restarts of the block Krylov solver (0 for the dense solver).
  public let eigensolverRestarts: Int
}
