// SpectralClustering+Affinity: the affinity graphs (k-nearest-neighbour and RBF) and the
// sparse-matrix operations the normalised adjacency needs.

import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension SparseMatrix {
  /// The row sums.
  var rowSums: [Double] {
    (0..<rowCount).map { i in values[rowOffsets[i]..<rowOffsets[i + 1]].reduce(0, +) }
  }

  /// `D^{-1/2}·A·D^{-1/2}` for the diagonal `scale = D^{-1/2}` of a square matrix `A`.
  func symmetricallyScaled(by scale: [Double]) -> SparseMatrix {
    var result = self
    for i in 0..<rowCount {
      for position in rowOffsets[i]..<rowOffsets[i + 1] {
        result.values[position] *= scale[i] * scale[Int(columnIndices[position])]
      }
    }
    return result
  }

  /// `A·X` for a row-major `[columnCount, width]` block `X`.
  func multiply(_ x: [Double], width: Int) -> [Double] {
    var y = [Double](repeating: 0, count: rowCount * width)
    y.withUnsafeMutableBufferPointer { y in
      x.withUnsafeBufferPointer { x in
        for i in 0..<rowCount {
          let target = y.baseAddress! + i * width
          for position in rowOffsets[i]..<rowOffsets[i + 1] {
            let a = values[position]
            let source = x.baseAddress! + Int(columnIndices[position]) * width
            var c = 0
            while c < width {
              target[c] += a * source[c]
              c &+= 1
            }
          }
        }
      }
    }
    return y
  }
}

/// The `neighbors − 1` nearest other points of every point (the point itself is the first of
/// its `neighbors`, as in scikit-learn's `kneighbors_graph(include_self=True)`), by squared
/// distances from GEMM row blocks, ties to the lower index.
///
/// - Returns: `[n · (neighbors − 1)]` indices, row-major.
/// - Complexity: O(n²·d) time in GEMM; O(b·n) memory for blocks of `b` rows.
func nearestNeighborIndices(_ data: Tensor, neighbors: Int) -> [Int] {
  switch data.dtype {
  case .float32: return nearestNeighborIndices(data, neighbors: neighbors, Float.self)
  case .float64: return nearestNeighborIndices(data, neighbors: neighbors, Double.self)
  }
}

private func nearestNeighborIndices<T: HostFloat>(
  _ data: Tensor, neighbors: Int, _: T.Type
) -> [Int] {
  let n = data.shape[0]
  let others = neighbors - 1
  guard others > 0 else { return [] }
  let norms = data.squared().sum(axis: 1).doubles
  // Blocks of about 2²⁴ distances keep the GEMM output near 64 MB.
  let block = Swift.max(1, Swift.min(n, (1 << 24) / Swift.max(n, 1)))
  var result = [Int](repeating: 0, count: n * others)
  SmallestList.withTemporary(capacity: others) { nearest in
    for rows in chunkRanges(n, chunkSize: block) {
      let products = matmul(data.rows(rows), data, transposeB: true)  // [b, n]
      let g = T.elements(of: products.storage)
      for i in rows {
        nearest.clear()
        let row = g + (i - rows.lowerBound) * n
        let ni = norms[i]
        var l = 0
        while l < n {
          let key = ni + norms[l] - 2 * Double(row[l])
          if key < nearest.worst && l != i { nearest.insert(key, l) }
          l &+= 1
        }
        for t in 0..<others { result[i * others + t] = nearest.indices[t] }
      }
    }
  }
  return result
}

/// The symmetric k-nearest-neighbour affinity `A = ½(C + Cᵀ)` with `C_ij = 1` for the
/// `neighbors − 1` nearest other points `j` of `i` (scikit-learn's SpectralClustering with
/// `affinity="nearest_neighbors"`); self-loops are left out, as SciPy's normalised Laplacian
/// ignores them.
func nearestNeighborAffinity(_ data: Tensor, neighbors: Int) -> SparseMatrix {
  let n = data.shape[0]
  let others = neighbors - 1
  let indices = nearestNeighborIndices(data, neighbors: neighbors)
  var rows = [[(column: Int, value: Double)]](repeating: [], count: n)
  for i in 0..<n {
    for t in 0..<others {
      let j = indices[i * others + t]
      rows[i].append((j, 0.5))
      rows[j].append((i, 0.5))
    }
  }
  return SparseMatrix(rowCount: n, columnCount: n, rows: rows)
}

/// The dense RBF affinity `A_ij = exp(−γ‖x_i − x_j‖²)` for `i ≠ j` and 0 on the diagonal.
///
/// - Returns: `[n · n]` row-major.
func radialBasisAffinity(_ data: Tensor, gamma: Double) -> [Double] {
  let n = data.shape[0]
  let squared = pairwiseSquaredDistances(data, data).doubles
  var result = squared.map { exp(-gamma * $0) }
  for i in 0..<n { result[i * n + i] = 0 }
  return result
}
