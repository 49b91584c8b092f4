// SoftAssignment+Autograd: DEC's Student-t soft assignment Q (DCRL paper Eq. 1;
// Docs/Algorithm.md#model) as Autograd operations with hand-written backward passes, for the
// clustering loss of DCRL and of its DEC/IDEC baselines. The tensor versions are Clustering's.

import Autograd
import Clustering
import Tensor

/// DEC's soft assignment as a differentiable operation; the `Clustering` module's
/// `softAssignment(_:centers:degreesOfFreedom:)` on tensors gives the formula.
///
/// The backward pass is written out: with `a = (ν + 1)/2`, upstream `G` and
/// `g_s = q ⊙ (G − rowsum(G ⊙ q))` (the softmax VJP), the gradient reaching `d²_ij` is
/// `−a·g_s,ij/(ν + d²_ij)`, which Autograd's `pairwiseSquaredDistances(_:_:)` carries on
/// to `z` and `μ`. For `L = KL(P‖Q)` with `P` fixed this gives Docs/Algorithm.md#losses's
/// `∂L/∂z_i = ((ν + 1)/ν) Σ_j (p_ij − q_ij)(z_i − μ_j)/(1 + d²_ij/ν)`, i.e. DEC's Eq. (4) for
/// ν = 1.
///
/// Shape: `z` is `[n, d]`, `centers` is `[c, d]`; the result is `[n, c]`.
/// - Precondition: as for the tensor version.
public func softAssignment(
  _ z: Variable, centers: Variable, degreesOfFreedom: Double = 1
) -> Variable {
  studentTAssignment(z, centers, degreesOfFreedom, "softAssignment", logarithm: false)
}

/// `log q_ij` as a differentiable operation, finite where `q` underflows: the form to build
/// `KL(P‖Q) = Σ p·(log p − log q)` from (RELIABILITY D2).
///
/// Its VJP is `g_s = G − q·rowsum(G)` (the log-softmax VJP), then as for
/// ``softAssignment(_:centers:degreesOfFreedom:)``.
///
/// Shape: `z` is `[n, d]`, `centers` is `[c, d]`; the result is `[n, c]`.
/// - Precondition: as for the tensor version.
public func logSoftAssignment(
  _ z: Variable, centers: Variable, degreesOfFreedom: Double = 1
) -> Variable {
  studentTAssignment(z, centers, degreesOfFreedom, "logSoftAssignment", logarithm: true)
}

/// `q`, or `log q` when `logarithm` is set, recorded with its VJP: the softmax or log-softmax
/// VJP to the logits `s`, then `∂s_ij/∂d²_ij = −((ν + 1)/2)/(ν + d²_ij)`.
private func studentTAssignment(
  _ z: Variable, _ centers: Variable, _ nu: Double, _ op: String, logarithm: Bool
) -> Variable {
  checkSoftAssignmentShapes(z.value, centers.value, nu, op)
  let squared = pairwiseSquaredDistances(z, centers)
  let d2 = squared.value
  let (q, logQ) = rowSoftmax(studentTLogits(d2, nu))
  return Variable.record(logarithm ? logQ : q, inputs: [squared]) { g, _ in
    let n = q.shape[0]
    let logitGradient =
      logarithm
      ? g - q * g.sum(axis: 1).reshaped([n, 1])
      : q * (g - (g * q).sum(axis: 1).reshaped([n, 1]))
    return [logitGradient * (-(nu + 1) / 2) / (d2 + nu)]
  }
}
