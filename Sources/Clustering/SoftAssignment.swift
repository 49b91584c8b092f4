// SoftAssignment: DEC's Student-t soft assignment Q and target distribution P (DCRL paper
// Eqs. 1–2; Docs/Algorithm.md#model) as tensor functions. DCRL's Autograd operations of the
// same formulas (SoftAssignment+Autograd.swift there) share the helpers below.

import Tensor

/// The Student-t logits `s_ij = −((ν + 1)/2) · log(1 + d²_ij/ν)`, so that `q = softmax(s)`.
package func studentTLogits(_ squaredDistances: Tensor, _ nu: Double) -> Tensor {
  (squaredDistances * (1 / nu) + 1).log() * (-(nu + 1) / 2)
}

/// Row-wise `softmax` and `log softmax` of `[n, c]` logits, shifted by each row's maximum so
/// that no row underflows to all zeros (RELIABILITY D2).
package func rowSoftmax(_ logits: Tensor) -> (probabilities: Tensor, logarithms: Tensor) {
  let n = logits.shape[0]
  let shifted = logits - logits.max(axis: 1).reshaped([n, 1])
  let exponentials = shifted.exp()
  let totals = exponentials.sum(axis: 1).reshaped([n, 1])
  return (exponentials / totals, shifted - totals.log())
}

/// The preconditions of the soft-assignment operations, named after `op`.
package func checkSoftAssignmentShapes(
  _ z: Tensor, _ centers: Tensor, _ nu: Double, _ op: String
) {
  precondition(
    z.rank == 2 && centers.rank == 2 && z.shape[1] == centers.shape[1] && centers.shape[0] > 0,
    "\(op): shapes \(z.shape) and \(centers.shape) are not [n, d] and [c ≥ 1, d]")
  precondition(nu > 0 && nu.isFinite, "\(op): degreesOfFreedom must be positive, got \(nu)")
}

/// The row softmax of the Student-t logits of `z` against `centers`, after the preconditions
/// (named after `op`).
private func studentTSoftmax(
  _ z: Tensor, _ centers: Tensor, _ nu: Double, _ op: String
) -> (probabilities: Tensor, logarithms: Tensor) {
  checkSoftAssignmentShapes(z, centers, nu, op)
  return rowSoftmax(studentTLogits(pairwiseSquaredDistances(z, centers), nu))
}

/// DEC's soft assignment of points to cluster centres with a Student-t kernel.
///
/// `q_ij = (1 + ‖z_i − μ_j‖²/ν)^(−(ν+1)/2) / Σ_l (1 + ‖z_i − μ_l‖²/ν)^(−(ν+1)/2)` (DCRL paper
/// Eq. 1, Docs/Algorithm.md#model; DEC, Xie et al. 2016, Eq. 1). With ν = 1, `q_ij ∝ 1/(1 + ‖z_i −
/// μ_j‖²)`.
/// It is computed as a row softmax of the log-kernel, so rows always sum to 1 and never become
/// NaN when every kernel value underflows, as `(1 + d²/ν)^(−(ν+1)/2)` does for large ν or far
/// points (RELIABILITY D2).
///
/// Shape: `z` is `[n, d]`, `centers` is `[c, d]`; the result is `[n, c]`.
/// - Parameters:
///   - z: The embedded points.
///   - centers: The cluster centres `μ`.
///   - degreesOfFreedom: ν, the Student-t degrees of freedom (the authors' code calls it
///     `alpha`).
/// - Returns: The soft assignments, rows summing to 1.
/// - Precondition: `z` and `centers` are matrices with the same number of columns, on one
///   backend with one dtype, and `degreesOfFreedom > 0`.
/// - Complexity: O(n·c·d), one GEMM.
public func softAssignment(
  _ z: Tensor, centers: Tensor, degreesOfFreedom: Double = 1
) -> Tensor {
  studentTSoftmax(z, centers, degreesOfFreedom, "softAssignment").probabilities
}

/// `log q_ij` of ``softAssignment(_:centers:degreesOfFreedom:)``, computed
/// without forming `q`, so it stays finite where `q` underflows to 0.
///
/// Shape: `z` is `[n, d]`, `centers` is `[c, d]`; the result is `[n, c]`.
/// - Precondition: as for ``softAssignment(_:centers:degreesOfFreedom:)``.
public func logSoftAssignment(
  _ z: Tensor, centers: Tensor, degreesOfFreedom: Double = 1
) -> Tensor {
  studentTSoftmax(z, centers, degreesOfFreedom, "logSoftAssignment").logarithms
}

/// DEC's target distribution: the soft assignments sharpened and balanced by cluster size.
///
/// `p_ij = (q_ij²/f_j) / Σ_l (q_il²/f_l)` with `f_j = Σ_i q_ij` summed over the rows given
/// (DCRL paper Eq. 2, Docs/Algorithm.md#model). The DCRL code passes all N rows, once per epoch,
/// and
/// holds the result fixed. A cluster with `f_j = 0` (every `q_ij` underflowed) contributes 0
/// instead of 0/0, so rows always sum to 1 and never hold NaN (RELIABILITY D2).
///
/// Shape: `[n, c]` in and out.
/// - Parameter q: Soft assignments, rows summing to 1 (e.g. from
/// ``softAssignment(_:centers:degreesOfFreedom:)``).
/// - Returns: The target distribution, rows summing to 1.
/// - Precondition: `q` is a matrix with at least one column.
/// - Complexity: O(n·c).
public func targetDistribution(_ q: Tensor) -> Tensor {
  precondition(
    q.rank == 2 && q.shape[1] > 0, "targetDistribution: q of shape \(q.shape) is not [n, c]")
  let n = q.shape[0]
  let tiny = q.dtype == .float32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
  let frequencies = q.sum(axis: 0).clamped(lower: tiny)
  let sharpened = q.squared() / frequencies
  // Each row's largest q is at least 1/c, so its square cannot underflow: totals are > 0.
  return sharpened / sharpened.sum(axis: 1).reshaped([n, 1])
}
