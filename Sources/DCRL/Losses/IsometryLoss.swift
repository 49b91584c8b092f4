// IsometryLoss: L_iso, intra-manifold local isometry (Eq. 5; authors' code form,
// Docs/Algorithm.md#losses).

import Autograd
import Tensor

/// The point pairs L_iso compares, fixed for one epoch: each point with its k nearest
/// neighbours in latent space among the members of its own predicted cluster, and the pair's
/// input-space distance divided by √D.
public struct IsometryPairs: Sendable {
  /// The first point of each pair (i).
  public var first: [Int]
  /// The second point of each pair (j, one of i's within-cluster latent neighbours).
  public var second: [Int]
  /// d_X(x_i, x_j)/√D for each pair, a constant of the epoch; shape `[pairs]`.
  public var inputDistances: Tensor
  /// Clusters with fewer than two members, which contribute no pairs (Docs/Algorithm.md#presets).
  public var skippedClusters: Int
  /// Clusters with ≤ k members, which use min(k, size − 1) neighbours (Docs/Algorithm.md#presets).
  public var truncatedClusters: Int

  /// Creates a pair list; `inputDistances` must already be divided by √D.
  public init(
    first: [Int], second: [Int], inputDistances: Tensor, skippedClusters: Int = 0,
    truncatedClusters: Int = 0
  ) {
    precondition(
      first.count == second.count && inputDistances.shape == [first.count],
      "IsometryPairs: \(first.count) / \(second.count) indices for distances \(inputDistances.shape)"
    )
    self.first = first
    self.second = second
    self.inputDistances = inputDistances
    self.skippedClusters = skippedClusters
    self.truncatedClusters = truncatedClusters
  }

  /// The number of pairs.
  public var count: Int { first.count }
}

/// d(a_r, b_r)/√dim for row pairs, computed as `√max(‖a_r − b_r‖², 10⁻⁸)` (the clamp of the
/// authors' code, which keeps the gradient finite for coincident points).
func normalizedPairDistances(_ a: Variable, _ b: Variable, dimension: Int) -> Variable {
  rowDistances(a, b, floor: 1e-8) * (1 / Double(dimension).squareRoot())
}

/// L_iso, the intra-manifold isometry loss (equation 5 of the DCRL paper).
///
/// In the authors' code's form (Docs/Algorithm.md#losses):
///
/// `L_iso = √( Σ_(i,j) ( d_X(x_i,x_j)/√D − d_Z(z_i,z_j)/√m )² )`
///
/// over the within-cluster latent-kNN pairs of ``IsometryPairs``: the Frobenius norm of the
/// residuals, not divided by the number of pairs. The paper's indicator-filtered global kNN and
/// un-normalised distances are not used (Docs/Algorithm.md#presets).
///
/// Shape: `latent` is `[n, m]` (all points the pairs index); the result is `[]`.
public func isometryLoss(latent: Variable, pairs: IsometryPairs) -> Variable {
  let m = latent.shape[1]
  guard pairs.count > 0 else { return latent.sum() * 0 }
  let latentDistances = normalizedPairDistances(
    latent.gatheringRows(pairs.first), latent.gatheringRows(pairs.second), dimension: m)
  let residual = pairs.inputDistances - latentDistances
  // The floor keeps √ differentiable in the (practically unreachable) perfect-isometry case.
  return residual.squared().sum().clamped(lower: 1e-20).sqrt()
}
