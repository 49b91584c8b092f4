// ClusteringLoss: L_C, the DEC-style KL divergence between target and soft assignment (equation 3).

import Autograd
import Clustering
import NN
import Tensor

/// L_C = KL(P ‖ Q), the clustering loss (equation 3 of the DCRL paper; Docs/Algorithm.md#losses).
///
/// `Q` is the Student-t soft assignment of `latent` to `centers` (equation 1) computed fresh with
/// gradients; `target` holds the rows of the epoch's fixed target distribution P (equation 2) for
/// the
/// same samples. With `.mean` the sum is divided by B·C as PyTorch's old `kl_div` default in the
/// authors' code does (Docs/Algorithm.md#presets); `.batchMean` divides by B. The gradient is Eq.
/// 4:
/// `∂L/∂z_i ∝ 2 Σ_j (p_ij − q_ij)(1 + ‖z_i − μ_j‖²/ν)⁻¹ (z_i − μ_j)` for ν = 1.
///
/// Shape: `latent` is `[B, m]`, `centers` is `[C, m]`, `target` is `[B, C]`; the result is `[]`.
public func clusteringLoss(
  latent: Variable, centers: Variable, target: Tensor, degreesOfFreedom: Double = 1,
  reduction: LossReduction = .mean
) -> Variable {
  // log Q is formed directly, so it stays finite where q underflows (RELIABILITY D2).
  let logQ = logSoftAssignment(latent, centers: centers, degreesOfFreedom: degreesOfFreedom)
  return klDivergence(target: target, logPrediction: logQ, reduction: reduction)
}
