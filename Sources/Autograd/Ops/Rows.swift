// Rows: reshaping, row gathering and row concatenation, with VJPs.

import Tensor

extension Variable {
  /// The number of dimensions.
  public var rank: Int { value.rank }

  /// The same elements with another shape (see `Tensor.reshaped(_:)`).
  public func reshaped(_ shape: [Int]) -> Variable {
    let original = value.shape
    return Variable.record(value.reshaped(shape), inputs: [self]) { g, _ in
      [g.reshaped(original)]
    }
  }

  /// Rows `indices` of this variable; the gradient scatter-adds back, so repeated indices
  /// accumulate.
  ///
  /// Shape: `[n, …]` in, `[indices.count, …]` out.
  public func gatheringRows(_ indices: [Int]) -> Variable {
    let rowCount = value.shape[0]
    return Variable.record(value.gatheringRows(indices), inputs: [self]) { g, _ in
      [g.scatteringRows(indices, rowCount: rowCount)]
    }
  }

  /// The variables stacked along the first dimension.
  public static func concatenatingRows(_ parts: [Variable]) -> Variable {
    let value = Tensor.concatenatingRows(parts.map(\.value))
    let counts = parts.map { $0.value.shape[0] }
    return record(value, inputs: parts) { g, needs in
      var start = 0
      var result: [Tensor?] = []
      for (index, count) in counts.enumerated() {
        result.append(needs[index] ? g.rows(start..<start + count) : nil)
        start += count
      }
      return result
    }
  }
}

extension Variable {
  /// Sums rows into `rowCount` buckets (a segment sum).
  ///
  /// Row `r` of this variable is added to row `indices[r]` of the result. The gradient gathers
  /// the buckets back.
  ///
  /// Shape: `[indices.count, …]` in, `[rowCount, …]` out.
  public func scatteringRows(_ indices: [Int], rowCount: Int) -> Variable {
    Variable.record(value.scatteringRows(indices, rowCount: rowCount), inputs: [self]) { g, _ in
      [g.gatheringRows(indices)]
    }
  }
}
