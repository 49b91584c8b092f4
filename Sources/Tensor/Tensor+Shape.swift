// Tensor+Shape: reshaping, row slices and row concatenation.

extension Tensor {
  /// The same elements with another shape of equal element count (shares the storage).
  ///
  /// One entry of `shape` may be `-1`, meaning "whatever makes the count match".
  /// - Precondition: the element counts match.
  public func reshaped(_ shape: [Int]) -> Tensor {
    var resolved = shape
    if let hole = shape.firstIndex(of: -1) {
      let known = shape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
      precondition(
        known > 0 && count % known == 0,
        "reshaped(\(shape)): cannot infer -1 for a tensor of shape \(self.shape)")
      resolved[hole] = count / known
    }
    precondition(
      resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
      "reshaped(\(shape)): tensor of shape \(self.shape) has \(count) elements")
    return Tensor(shape: resolved, storage: storage)
  }

  /// The number of rows: the first dimension, or 1 for a scalar.
  public var rowCount: Int { shape.first ?? 1 }

  /// The number of elements in one row: the product of every dimension but the first.
  public var rowLength: Int { shape.dropFirst().reduce(1, *) }

  /// A copy of rows `range` (along the first dimension).
  ///
  /// - Precondition: `range` lies within `0..<shape[0]`.
  public func rows(_ range: Range<Int>) -> Tensor {
    precondition(rank >= 1, "rows(\(range)): tensor of shape \(shape) has no rows")
    precondition(
      range.lowerBound >= 0 && range.upperBound <= shape[0],
      "rows(\(range)): out of bounds for shape \(shape)")
    var resultShape = shape
    resultShape[0] = range.count
    let result = makeSibling(resultShape)
    if result.count > 0 {
      backend.copy(
        storage, offset: range.lowerBound * rowLength, into: result.storage, offset: 0,
        count: result.count)
    }
    return result
  }

  /// The tensors stacked along the first dimension.
  ///
  /// - Precondition: `parts` is not empty, and all parts share dtype, backend and every
  ///   dimension but the first.
  public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
    precondition(!parts.isEmpty, "concatenatingRows: no tensors given")
    let first = parts[0]
    for part in parts {
      first.checkCompatible(part, "concatenatingRows")
      precondition(
        part.rank == first.rank && part.shape.dropFirst() == first.shape.dropFirst(),
        "concatenatingRows: shapes \(first.shape) and \(part.shape) differ beyond the first axis")
    }
    var shape = first.shape
    shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
    let result = first.makeSibling(shape)
    var offset = 0
    for part in parts where part.count > 0 {
      first.backend.copy(
        part.storage, offset: 0, into: result.storage, offset: offset, count: part.count)
      offset += part.count
    }
    return result
  }
}

extension Tensor {
  /// Inserts a new axis at `axis` holding `count` copies of this tensor: the adjoint of
  /// summing over that axis.
  ///
  /// Shape: `[a₀ … aₖ₋₁, aₖ …]` in, `[a₀ … aₖ₋₁, count, aₖ …]` out, with `k = axis`.
  public func repeated(along axis: Int, count repeats: Int) -> Tensor {
    precondition(
      axis >= 0 && axis <= rank, "repeated(along: \(axis)): tensor of shape \(shape)")
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[axis...].reduce(1, *)
    var resultShape = shape
    resultShape.insert(repeats, at: axis)
    let result = makeSibling(resultShape)
    guard result.count > 0 else { return result }
    let zero = Tensor.zeros([1], dtype: dtype, on: backend)
    if outer == 1 {
      // Every row of the [repeats, inner] result is this tensor.
      backend.binary(
        .add, zero.storage, .scalar, storage, .row, into: result.storage, rows: repeats,
        columns: inner)
    } else if inner == 1 {
      // Every column of the [outer, repeats] result is this tensor.
      backend.binary(
        .add, zero.storage, .scalar, storage, .column, into: result.storage, rows: outer,
        columns: repeats)
    } else {
      var indices: [Int] = []
      indices.reserveCapacity(outer * repeats)
      for o in 0..<outer { for _ in 0..<repeats { indices.append(o) } }
      backend.gatherRows(storage, indices: indices, rowLength: inner, into: result.storage)
    }
    return result
  }
}
