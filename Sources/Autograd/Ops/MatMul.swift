// MatMul: matrix products and the fused affine map of a linear layer, with VJPs.

import Tensor

/// The matrix product `op(a) · op(b)`; the transposes reach GEMM as BLAS flags in both the
/// forward and the backward pass.
///
/// Shape: `op(a)` is `[m, k]`, `op(b)` is `[k, n]`; the result is `[m, n]`.
public func matmul(
  _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) -> Variable {
  let (aValue, bValue) = (a.value, b.value)
  let value = matmul(aValue, bValue, transposeA: transposeA, transposeB: transposeB)
  return Variable.record(value, inputs: [a, b]) { g, needs in
    // C = op(A)·op(B)  ⇒  dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G, then undo each op.
    var ga: Tensor?
    var gb: Tensor?
    if needs[0] {
      ga =
        transposeA
        ? matmul(bValue, g, transposeA: transposeB, transposeB: true)
        : matmul(g, bValue, transposeB: !transposeB)
    }
    if needs[1] {
      gb =
        transposeB
        ? matmul(g, aValue, transposeA: true, transposeB: transposeA)
        : matmul(aValue, g, transposeA: !transposeA)
    }
    return [ga, gb]
  }
}

/// The affine map `x · weightᵀ + bias` of a linear layer, fused: the bias is written into the
/// output first and the GEMM accumulates onto it.
///
/// Shape: `x` is `[n, in]`, `weight` is `[out, in]` (PyTorch's layout), `bias` is `[out]`; the
/// result is `[n, out]`.
public func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
  let (xValue, wValue) = (x.value, weight.value)
  precondition(
    xValue.rank == 2 && wValue.rank == 2 && xValue.shape[1] == wValue.shape[1],
    "linear: input \(xValue.shape) does not match weight \(wValue.shape)")
  let rows = xValue.shape[0]
  let outputs = wValue.shape[0]
  var value: Tensor
  if let bias {
    precondition(
      bias.value.shape == [outputs], "linear: bias \(bias.value.shape) for weight \(wValue.shape)")
    value = bias.value.repeated(along: 0, count: rows)
    matmul(xValue, wValue, transposeB: true, beta: 1, accumulatingInto: &value)
  } else {
    value = matmul(xValue, wValue, transposeB: true)
  }
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  return Variable.record(value, inputs: inputs) { g, needs in
    var result: [Tensor?] = [
      needs[0] ? matmul(g, wValue) : nil,
      needs[1] ? matmul(g, xValue, transposeA: true) : nil,
    ]
    if needs.count > 2 { result.append(needs[2] ? g.sum(axis: 0) : nil) }
    return result
  }
}
