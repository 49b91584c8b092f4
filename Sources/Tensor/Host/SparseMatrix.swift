// SparseMatrix: the compressed-sparse-row matrix of float64 values of the host-side modules
// (t-SNE's P, UMAP's graphs, spectral clustering's affinity).

/// A sparse matrix in compressed sparse row (CSR) form, as SciPy's `csr_matrix`.
///
/// Row `i` holds the entries `rowOffsets[i]..<rowOffsets[i + 1]` of ``columnIndices`` and
/// ``values``, with column indices strictly increasing within a row. Indices are `Int32`
/// (like SciPy's default) to halve the memory of the 10⁷-entry graphs of 70k-point data.
public struct SparseMatrix: Sendable, Hashable, Codable {
  /// The number of rows.
  public let rowCount: Int
  /// The number of columns.
  public let columnCount: Int
  /// `rowCount + 1` offsets into ``columnIndices`` and ``values``.
  public let rowOffsets: [Int]
  /// The column of each stored entry.
  public let columnIndices: [Int32]
  /// The value of each stored entry.
  public package(set) var values: [Double]

  /// Wraps CSR arrays.
  ///
  /// - Precondition: `rowOffsets` has `rowCount + 1` non-decreasing entries ending at
  ///   `columnIndices.count == values.count`, and each row's columns increase strictly and lie
  ///   in `0..<columnCount`.
  public init(
    rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Double]
  ) {
    precondition(
      rowOffsets.count == rowCount + 1 && rowOffsets.first == 0
        && rowOffsets.last == columnIndices.count && columnIndices.count == values.count,
      "SparseMatrix: inconsistent CSR arrays for \(rowCount) rows")
    for row in 0..<rowCount {
      let range = rowOffsets[row]..<rowOffsets[row + 1]
      precondition(range.lowerBound <= range.upperBound, "SparseMatrix: row offsets decrease")
      for k in range {
        precondition(
          columnIndices[k] >= 0 && Int(columnIndices[k]) < columnCount
            && (k == range.lowerBound || columnIndices[k - 1] < columnIndices[k]),
          "SparseMatrix: row \(row) has unsorted or out-of-range column \(columnIndices[k])")
      }
    }
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.rowOffsets = rowOffsets
    self.columnIndices = columnIndices
    self.values = values
  }

  /// Builds a matrix from rows of `(column, value)` pairs; duplicate columns are summed.
  public init(rowCount: Int, columnCount: Int, rows: [[(column: Int, value: Double)]]) {
    precondition(rows.count == rowCount, "SparseMatrix: \(rows.count) rows for \(rowCount)")
    var offsets = [0]
    var columns: [Int32] = []
    var values: [Double] = []
    for row in rows {
      for entry in row.sorted(by: { $0.column < $1.column }) {
        if offsets.last! < columns.count && Int(columns.last!) == entry.column {
          values[values.count - 1] += entry.value
        } else {
          columns.append(Int32(entry.column))
          values.append(entry.value)
        }
      }
      offsets.append(columns.count)
    }
    self.init(
      rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets, columnIndices: columns,
      values: values)
  }

  /// The number of stored entries.
  public var storedCount: Int { values.count }

  /// The sum of all stored values.
  public var sum: Double { values.reduce(0, +) }

  /// The entry at `(row, column)`, or 0 when it is not stored (binary search).
  public subscript(row: Int, column: Int) -> Double {
    var (low, high) = (rowOffsets[row], rowOffsets[row + 1])
    let target = Int32(column)
    while low < high {
      let middle = (low + high) / 2
      if columnIndices[middle] < target { low = middle + 1 } else { high = middle }
    }
    return low < rowOffsets[row + 1] && columnIndices[low] == target ? values[low] : 0
  }

  /// The matrix as a dense row-major array.
  ///
  /// - Complexity: O(rowCount · columnCount) memory.
  public func dense() -> [Double] {
    var out = [Double](repeating: 0, count: rowCount * columnCount)
    for row in 0..<rowCount {
      for k in rowOffsets[row]..<rowOffsets[row + 1] {
        out[row * columnCount + Int(columnIndices[k])] = values[k]
      }
    }
    return out
  }

  /// The transpose, by a counting sort over columns (so rows stay sorted).
  public func transposed() -> SparseMatrix {
    var counts = [Int](repeating: 0, count: columnCount + 1)
    for column in columnIndices { counts[Int(column) + 1] += 1 }
    for c in 0..<columnCount { counts[c + 1] += counts[c] }
    var next = counts
    var columns = [Int32](repeating: 0, count: storedCount)
    var newValues = [Double](repeating: 0, count: storedCount)
    for row in 0..<rowCount {
      for k in rowOffsets[row]..<rowOffsets[row + 1] {
        let column = Int(columnIndices[k])
        columns[next[column]] = Int32(row)
        newValues[next[column]] = values[k]
        next[column] += 1
      }
    }
    return SparseMatrix(
      rowCount: columnCount, columnCount: rowCount, rowOffsets: counts, columnIndices: columns,
      values: newValues)
  }

  /// Combines two matrices of the same shape entry by entry over the union of their patterns;
  /// a missing entry counts as 0.
  public func merging(
    _ other: SparseMatrix, _ combine: (Double, Double) -> Double
  ) -> SparseMatrix {
    precondition(
      rowCount == other.rowCount && columnCount == other.columnCount,
      "SparseMatrix.merging: shapes \(rowCount)×\(columnCount) and "
        + "\(other.rowCount)×\(other.columnCount) differ")
    var offsets = [0]
    offsets.reserveCapacity(rowCount + 1)
    var columns: [Int32] = []
    var merged: [Double] = []
    columns.reserveCapacity(storedCount + other.storedCount)
    merged.reserveCapacity(storedCount + other.storedCount)
    for row in 0..<rowCount {
      var a = rowOffsets[row]
      var b = other.rowOffsets[row]
      let (aEnd, bEnd) = (rowOffsets[row + 1], other.rowOffsets[row + 1])
      while a < aEnd || b < bEnd {
        let ca = a < aEnd ? columnIndices[a] : Int32.max
        let cb = b < bEnd ? other.columnIndices[b] : Int32.max
        if ca == cb {
          columns.append(ca)
          merged.append(combine(values[a], other.values[b]))
          a += 1
          b += 1
        } else if ca < cb {
          columns.append(ca)
          merged.append(combine(values[a], 0))
          a += 1
        } else {
          columns.append(cb)
          merged.append(combine(0, other.values[b]))
          b += 1
        }
      }
      offsets.append(columns.count)
    }
    return SparseMatrix(
      rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets, columnIndices: columns,
      values: merged)
  }

  /// The entry-wise sum `a + b`.
  public static func + (a: SparseMatrix, b: SparseMatrix) -> SparseMatrix {
    a.merging(b, +)
  }

  /// This matrix with every value multiplied by `factor`.
  public func scaled(by factor: Double) -> SparseMatrix {
    var copy = self
    for k in copy.values.indices { copy.values[k] *= factor }
    return copy
  }
}
