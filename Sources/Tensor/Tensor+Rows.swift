// Tensor+Rows: gathering rows by index and scatter-adding them back.

extension Tensor {
  /// The rows `indices` (along the first dimension), in that order.
  ///
  /// Shape: `[n, …]` in, `[indices.count, …]` out.
  /// - Precondition: every index is in `0..<shape[0]`.
  public func gatheringRows(_ indices: [Int]) -> Tensor {
    precondition(rank >= 1, "gatheringRows: tensor of shape \(shape) has no rows")
    let rowCount = shape[0]
    for index in indices where index < 0 || index >= rowCount {
      preconditionFailure("gatheringRows: index \(index) out of range for shape \(shape)")
    }
    var resultShape = shape
    resultShape[0] = indices.count
    let result = makeSibling(resultShape)
    if result.count > 0 {
      backend.gatherRows(storage, indices: indices, rowLength: rowLength, into: result.storage)
    }
    return result
  }

  /// Scatter-adds the rows of this tensor into `rowCount` zero rows: the adjoint of
  /// ``gatheringRows(_:)``.
  ///
  /// Row `indices[r]` of the result is increased by row `r` of this tensor; repeated indices
  /// accumulate.
  ///
  /// Shape: `[indices.count, …]` in, `[rowCount, …]` out.
  /// - Precondition: `shape[0] == indices.count` and every index is in `0..<rowCount`.
  public func scatteringRows(_ indices: [Int], rowCount: Int) -> Tensor {
    precondition(
      rank >= 1 && shape[0] == indices.count,
      "scatteringRows: \(indices.count) indices for a tensor of shape \(shape)")
    for index in indices where index < 0 || index >= rowCount {
      preconditionFailure("scatteringRows: index \(index) out of range for \(rowCount) rows")
    }
    var resultShape = shape
    resultShape[0] = rowCount
    let result = Tensor.zeros(resultShape, dtype: dtype, on: backend)
    if count > 0 {
      backend.scatterAddRows(storage, indices: indices, rowLength: rowLength, into: result.storage)
    }
    return result
  }
}
