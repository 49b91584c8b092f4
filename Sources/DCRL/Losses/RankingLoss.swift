// RankingLoss: L_rank, inter-manifold ranking of the cluster centres (Eq. 6; code form, §2.5).

import Autograd
import Tensor

/// Every ordered pair `(a, b)` of `count` rows, as two index lists (`a` major).
func allOrderedPairs(_ count: Int) -> (first: [Int], second: [Int]) {
  var first: [Int] = []
  var second: [Int] = []
  first.reserveCapacity(count * count)
  second.reserveCapacity(count * count)
  for a in 0..<count {
    for b in 0..<count {
      first.append(a)
      second.append(b)
    }
  }
  return (first, second)
}

/// `√max(‖a − b‖², 10⁻⁸)` for every ordered pair of rows of `points`, flattened `a` major.
///
/// Shape: `[C, d]` in, `[C·C]` out.
func pairwiseClampedDistances(_ points: Variable) -> Variable {
  let (first, second) = allOrderedPairs(points.shape[0])
  return rowDistances(points.gatheringRows(first), points.gatheringRows(second), floor: 1e-8)
}

/// L_rank, the inter-manifold ranking loss (equation 6 of the DCRL paper).
///
/// In the authors' code's form (Docs/Algorithm.md#losses):
///
/// `L_rank = (1/C) · √( Σ_a Σ_b ( d_Z(μ_a, μ_b) − κ · d_X(v_a, v_b) )² )`
///
/// with raw Euclidean distances (no √dim), `v` the input-space means of the predicted clusters
/// (constants of the epoch) and `μ` the learnable centres. Distances use the code's clamp
/// `√max(·, 10⁻⁸)`, so the diagonal terms are ≈ (10⁻⁴ − 3·10⁻⁴)² and negligible. Differences are
/// taken directly rather than through ‖a‖² + ‖b‖² − 2a·b, avoiding cancellation for far-apart
/// centres.
///
/// Shape: `centers` is `[C, m]`, `inputCenters` is `[C, D]`; the result is `[]`.
public func rankingLoss(centers: Variable, inputCenters: Tensor, scale: Double) -> Variable {
  let clusters = centers.shape[0]
  precondition(
    inputCenters.rank == 2 && inputCenters.shape[0] == clusters,
    "rankingLoss: \(clusters) centres but input centres of shape \(inputCenters.shape)")
  let target = pairwiseClampedDistances(Variable(inputCenters)).value * scale
  let residual = pairwiseClampedDistances(centers) - target
  return residual.squared().sum().clamped(lower: 1e-20).sqrt() * (1 / Double(clusters))
}
