// Tensor+Reductions: sums, means, extrema and arg-extrema over one axis or all elements.

extension Tensor {
  /// Views the tensor as `[outer, length, inner]` around `axis`.
  private func axisView(_ axis: Int, _ op: String) -> (outer: Int, length: Int, inner: Int) {
    precondition(
      axis >= 0 && axis < rank, "\(op)(axis: \(axis)): tensor of shape \(shape) has no such axis")
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    return (outer, shape[axis], inner)
  }

  /// Reduces `axis` with `op`; the result drops that axis.
  public func reduced(_ op: ReduceOp, axis: Int) -> Tensor {
    let view = axisView(axis, "\(op)")
    var resultShape = shape
    resultShape.remove(at: axis)
    let result = makeSibling(resultShape)
    if result.count > 0 {
      if view.length == 0 && op == .sum {
        backend.fill(result.storage, with: 0)
      } else {
        precondition(view.length > 0, "\(op)(axis: \(axis)): axis of shape \(shape) is empty")
        backend.reduce(
          op, storage, outer: view.outer, length: view.length, inner: view.inner,
          into: result.storage)
      }
    }
    return result
  }

  /// The sum of every element, as a scalar tensor of shape `[]`.
  public func sum() -> Tensor {
    reshaped([count]).reduced(.sum, axis: 0)
  }

  /// The sum along `axis`; the result drops that axis.
  public func sum(axis: Int) -> Tensor { reduced(.sum, axis: axis) }

  /// The mean of every element, as a scalar tensor of shape `[]`.
  public func mean() -> Tensor { sum() * (1 / Double(Swift.max(count, 1))) }

  /// The mean along `axis`; the result drops that axis.
  public func mean(axis: Int) -> Tensor {
    sum(axis: axis) * (1 / Double(Swift.max(shape[axis], 1)))
  }

  /// The largest element along `axis`; the result drops that axis.
  public func max(axis: Int) -> Tensor { reduced(.max, axis: axis) }

  /// The smallest element along `axis`; the result drops that axis.
  public func min(axis: Int) -> Tensor { reduced(.min, axis: axis) }

  /// The position of the largest element along `axis` (the first one on ties), in row-major
  /// order of the remaining axes.
  public func argmax(axis: Int) -> [Int] { reduced(.argmax, axis: axis).doubles.map { Int($0) } }

  /// The position of the smallest element along `axis` (the first one on ties).
  public func argmin(axis: Int) -> [Int] { reduced(.argmin, axis: axis).doubles.map { Int($0) } }
}
