// Distances: pairwise squared and clamped Euclidean distances between rows, with VJPs.

import Tensor

/// The squared Euclidean distance between every row of `x` and every row of `y`, by one GEMM
/// (see `Tensor`'s `pairwiseSquaredDistances(_:_:)`).
///
/// The gradient is that of `‖xᵢ − yⱼ‖²`: with upstream `G`,
/// `∂/∂X = 2(diag(G·1)·X − G·Y)` and `∂/∂Y = 2(diag(Gᵀ·1)·Y − Gᵀ·X)`. Entries clamped at zero
/// (rounding) still pass their gradient, as the unclamped expression would.
///
/// Shape: `x` is `[n, d]`, `y` is `[m, d]`; the result is `[n, m]`.
public func pairwiseSquaredDistances(_ x: Variable, _ y: Variable) -> Variable {
  let (xValue, yValue) = (x.value, y.value)
  let value = pairwiseSquaredDistances(xValue, yValue)
  return Variable.record(value, inputs: [x, y]) { g, needs in
    var gx: Tensor?
    var gy: Tensor?
    if needs[0] {
      let rowSums = g.sum(axis: 1).reshaped([xValue.shape[0], 1])
      var result = xValue * rowSums
      matmul(g, yValue, alpha: -1, beta: 1, accumulatingInto: &result)
      gx = result * 2
    }
    if needs[1] {
      let columnSums = g.sum(axis: 0).reshaped([yValue.shape[0], 1])
      var result = yValue * columnSums
      matmul(g, xValue, transposeA: true, alpha: -1, beta: 1, accumulatingInto: &result)
      gy = result * 2
    }
    return [gx, gy]
  }
}

/// The Euclidean distance between every row of `x` and every row of `y`, computed as
/// `√max(‖xᵢ‖² + ‖yⱼ‖² − 2xᵢ·yⱼ, floor)`.
///
/// The floor (1e-8 in the authors' DCRL code) keeps the distance of a point to itself at
/// `√floor` and its gradient finite.
///
/// Shape: `x` is `[n, d]`, `y` is `[m, d]`; the result is `[n, m]`.
public func pairwiseDistances(_ x: Variable, _ y: Variable, floor: Double = 1e-8) -> Variable {
  pairwiseSquaredDistances(x, y).clamped(lower: floor).sqrt()
}

/// The Euclidean distance between rows `x[i]` and `y[i]` for every `i`, computed as
/// `√max(‖xᵢ − yᵢ‖², floor)`.
///
/// Shape: `x` and `y` are `[n, d]`; the result is `[n]`.
public func rowDistances(_ x: Variable, _ y: Variable, floor: Double = 1e-8) -> Variable {
  (x - y).squared().sum(axis: 1).clamped(lower: floor).sqrt()
}
