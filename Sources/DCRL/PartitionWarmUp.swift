// PartitionWarmUp: a warm-up that trains DCRL's clustering loss towards the UMAP + mixture
// partition of every point, so that nearest-centre assignment starts from it.

/// A warm-up that teaches the encoder the initial partition: during the first
/// ``DCRLConfiguration/warmUpEpochs`` epochs the target of L_C is each point's cluster in the
/// initial partition (label-smoothed) instead of the sharpened soft assignment.
///
/// The UMAP + mixture start (``CenterInitialization/umapThenMixture``) finds clusters along the
/// data's manifold, but DCRL assigns a point to its nearest centre in latent space, which splits
/// the codes differently; this warm-up moves the codes so that the nearest-centre partition
/// becomes the mixture's. The partition comes from the data alone.
public struct PartitionWarmUp: Sendable, Codable, Hashable {
  /// ε of the label smoothing: the target is `1 − ε + ε/C` for the point's cluster and `ε/C`
  /// for every other.
  public var smoothing: Double

  /// Creates the warm-up with smoothing ε.
  public init(smoothing: Double = 0.1) {
    self.smoothing = smoothing
  }
}
