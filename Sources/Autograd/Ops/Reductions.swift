// Reductions: sums and means over all elements or one axis, and log-sum-exp, with VJPs.

import Tensor

extension Variable {
  /// The sum of every element, shape `[]`.
  public func sum() -> Variable {
    let shape = value.shape
    return Variable.record(value.sum(), inputs: [self]) { g, _ in
      [g.reshaped([1]).repeated(along: 0, count: shape.reduce(1, *)).reshaped(shape)]
    }
  }

  /// The sum along `axis`; the result drops that axis.
  public func sum(axis: Int) -> Variable {
    let length = value.shape[axis]
    return Variable.record(value.sum(axis: axis), inputs: [self]) { g, _ in
      [g.repeated(along: axis, count: length)]
    }
  }

  /// The mean of every element, shape `[]`.
  public func mean() -> Variable { sum() * (1 / Double(Swift.max(value.count, 1))) }

  /// The mean along `axis`; the result drops that axis.
  public func mean(axis: Int) -> Variable {
    sum(axis: axis) * (1 / Double(Swift.max(value.shape[axis], 1)))
  }

  /// `log Σ exp(x)` along `axis`, computed stably by subtracting the maximum first.
  public func logSumExp(axis: Int) -> Variable {
    let x = value
    let maximum = x.max(axis: axis)
    let shifted = x - maximum.repeated(along: axis, count: x.shape[axis])
    let total = shifted.exp().sum(axis: axis)
    let result = total.log() + maximum
    return Variable.record(result, inputs: [self]) { g, _ in
      // d/dx log Σ exp(x) = softmax(x).
      let softmax = (x - result.repeated(along: axis, count: x.shape[axis])).exp()
      return [softmax * g.repeated(along: axis, count: x.shape[axis])]
    }
  }

  /// `log softmax(x)` along the last axis of a matrix: `x − logSumExp(x)` per row.
  ///
  /// Shape: `[n, c]` in and out.
  public func logSoftmax() -> Variable {
    precondition(rank == 2, "logSoftmax: variable of shape \(shape) is not a matrix")
    return self - logSumExp(axis: 1).reshaped([shape[0], 1])
  }
}
