// Tensor+Distances: all pairwise squared Euclidean distances through one GEMM.

/// The squared Euclidean distance between every row of `x` and every row of `y`.
///
/// Computed as `‖xᵢ‖² + ‖yⱼ‖² − 2 xᵢ·yⱼ` with one GEMM, then clamped at zero so rounding never
/// yields a negative square. The expansion loses relative accuracy when the rows are far from
/// the origin compared with their spread; centre such data first if tiny distances matter.
///
/// Shape: `x` is `[n, d]` and `y` is `[m, d]`; the result is `[n, m]`.
/// - Precondition: both are rank 2 with the same number of columns, on one backend and dtype.
/// - Complexity: O(n·m·d) time, O(n·m) memory.
public func pairwiseSquaredDistances(_ x: Tensor, _ y: Tensor) -> Tensor {
  x.checkCompatible(y, "pairwiseSquaredDistances")
  precondition(
    x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1],
    "pairwiseSquaredDistances: shapes \(x.shape) and \(y.shape) are not [n, d] and [m, d]")
  let xNorms = x.squared().sum(axis: 1).reshaped([x.shape[0], 1])
  let yNorms = y.squared().sum(axis: 1).reshaped([1, y.shape[0]])
  var distances = xNorms + yNorms
  matmul(x, y, transposeB: true, alpha: -2, beta: 1, accumulatingInto: &distances)
  if distances.count > 0 {
    distances.backend.unary(
      .clamp(lower: 0, upper: .infinity), distances.storage, into: distances.storage)
  }
  return distances
}

extension Tensor {
  /// The squared Euclidean norm of each row.
  ///
  /// Shape: `[n, d]` in, `[n]` out.
  public func rowSquaredNorms() -> Tensor {
    precondition(rank == 2, "rowSquaredNorms: tensor of shape \(shape) is not a matrix")
    return squared().sum(axis: 1)
  }
}
