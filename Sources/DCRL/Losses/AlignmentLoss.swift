// AlignmentLoss: L_align, tying the learnable centres to the actual latent cluster means
// (Eq. 8; code form, Docs/Algorithm.md#losses).

import Autograd
import Tensor

/// L_align, the alignment loss (equation 8 of the DCRL paper).
///
/// In the authors' code's form (Docs/Algorithm.md#losses):
///
/// `L_align = (1/C) Σ_c ‖u_c − μ_c‖₂`, with `u_c` the mean latent code of the points predicted in
/// cluster c.
///
/// The mean `u_c` carries gradient into the latent codes, so the loss moves the encoder as well
/// as the centres. Empty clusters have no `u_c` and are left out of the sum (the divisor stays C;
/// Docs/Algorithm.md#presets). The norm is computed as `√max(‖·‖², 10⁻⁸)` so its gradient stays
/// finite.
///
/// Shape: `latent` is `[n, m]`, `labels` has n entries in `0..<C`, `centers` is `[C, m]`; the
/// result is `[]`.
public func alignmentLoss(latent: Variable, labels: [Int], centers: Variable) -> Variable {
  let clusters = centers.shape[0]
  precondition(
    labels.count == latent.shape[0], "alignmentLoss: \(labels.count) labels for \(latent.shape)")
  var counts = [Int](repeating: 0, count: clusters)
  for label in labels { counts[label] += 1 }
  let present = (0..<clusters).filter { counts[$0] > 0 }
  guard !present.isEmpty else { return centers.sum() * 0 }
  let inverseCounts = Tensor(
    converting: counts.map { $0 > 0 ? 1 / Double($0) : 0 }, shape: [clusters, 1],
    dtype: latent.dtype, on: latent.backend)
  let means = latent.scatteringRows(labels, rowCount: clusters) * inverseCounts
  let distances = rowDistances(
    means.gatheringRows(present), centers.gatheringRows(present), floor: 1e-8)
  return distances.sum() * (1 / Double(clusters))
}
