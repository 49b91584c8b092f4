// KNNGraph+Exact: candidate search in float32 blocks, then an exact float64 re-ranking.

/// How many candidates beyond `k` the float32 scan keeps for the exact re-ranking, so that
/// rounding in `‖a‖² + ‖b‖² − 2a·b` cannot push a true neighbour out of the list.
private func candidateCount(_ k: Int, available: Int) -> Int {
  min(available, k + max(8, k / 8))
}

/// The float32 rows the blocked scan runs on, and the exact distance the re-ranking uses.
private struct MetricSpace {
  let metric: DistanceMetric
  /// Per-row mean and centred norm, in float64 (correlation only).
  let rowMeans: [Double]
  let rowNorms: [Double]

  init(_ x: HostMatrix, metric: DistanceMetric) {
    self.metric = metric
    if metric == .correlation {
      var means = [Double](repeating: 0, count: x.rows)
      var norms = [Double](repeating: 0, count: x.rows)
      for i in 0..<x.rows {
        var sum = 0.0
        for c in 0..<x.columns { sum += x.value(i, c) }
        let mean = sum / Double(x.columns)
        var squares = 0.0
        for c in 0..<x.columns {
          let v = x.value(i, c) - mean
          squares += v * v
        }
        means[i] = mean
        norms[i] = squares.squareRoot()
      }
      rowMeans = means
      rowNorms = norms
    } else {
      rowMeans = []
      rowNorms = []
    }
  }

  /// Rows for the scan: centred on `center` (Euclidean), or centred and scaled to unit norm
  /// per row (correlation, where `‖u − v‖² = 2(1 − corr)`; constant rows become zero).
  func scanRows(_ x: HostMatrix, center: [Double]) -> [Float] {
    var out = [Float](repeating: 0, count: x.rows * x.columns)
    for i in 0..<x.rows {
      switch metric {
      case .euclidean:
        for c in 0..<x.columns { out[i * x.columns + c] = Float(x.value(i, c) - center[c]) }
      case .correlation:
        let norm = rowNorms[i]
        if norm == 0 { continue }
        for c in 0..<x.columns {
          out[i * x.columns + c] = Float((x.value(i, c) - rowMeans[i]) / norm)
        }
      }
    }
    return out
  }

  /// The scan key (`‖u − v‖²` of the scan rows) that an exact `distance` corresponds to:
  /// `distance²` (Euclidean) or `2 · distance` (correlation, where `‖u − v‖² = 2(1 − corr)`).
  /// For a constant row the scan key (0 or 1) is at most this value.
  @inline(__always) func keyEquivalent(_ distance: Double) -> Double {
    metric == .euclidean ? distance * distance : 2 * distance
  }

  /// The exact distance between row `i` of `a` and row `j` of `b` (whose statistics are
  /// `other`), from direct float64 differences.
  func distance(_ i: Int, of a: HostMatrix, _ j: Int, of b: HostMatrix, other: MetricSpace)
    -> Double
  {
    switch metric {
    case .euclidean:
      return a.exactSquaredDistance(i, to: j, of: b).squareRoot()
    case .correlation:
      let (ni, nj) = (rowNorms[i], other.rowNorms[j])
      if ni == 0 || nj == 0 { return ni == 0 && nj == 0 ? 0 : 1 }
      var dot = 0.0
      for c in 0..<a.columns {
        dot += (a.value(i, c) - rowMeans[i]) * (b.value(j, c) - other.rowMeans[j])
      }
      return max(0, 1 - dot / (ni * nj))
    }
  }
}

/// The exact kNN graph of `x` with itself (see ``KNNGraph/init(exact:neighbors:metric:includeSelf:threads:)``).
func exactNeighborGraph(
  _ x: HostMatrix, neighbors k: Int, metric: DistanceMetric, includeSelf: Bool, threads: Int
) -> KNNGraph {
  let n = x.rows
  let wanted = includeSelf ? k - 1 : k
  let space = MetricSpace(x, metric: metric)
  let rows = space.scanRows(x, center: x.columnMeans())
  let capacity = candidateCount(wanted, available: n - 1)
  let heaps = rows.withUnsafeBufferPointer { p in
    blockedCandidateSearch(
      queries: p.baseAddress!, queryCount: n, reference: p.baseAddress!, referenceCount: n,
      dimension: x.columns, capacity: capacity, symmetric: true, threads: threads)
  }
  defer { heaps.deallocate() }
  let norms = rows.withUnsafeBufferPointer {
    rowSquaredNorms($0.baseAddress!, count: n, dimension: x.columns)
  }
  let bound = ScanErrorBound(queryNorms: norms, referenceNorms: norms, dimension: x.columns)
  return rerank(
    heaps, queries: x, querySpace: space, reference: x, referenceSpace: space, keep: wanted,
    prependSelf: includeSelf, symmetric: true, bound: bound, metric: metric, threads: threads)
}

/// The exact kNN of each row of `queries` among the rows of `reference`.
func exactNeighborGraph(
  queries: HostMatrix, reference: HostMatrix, neighbors k: Int, metric: DistanceMetric,
  threads: Int
) -> KNNGraph {
  let center = reference.columnMeans()
  let referenceSpace = MetricSpace(reference, metric: metric)
  let querySpace = MetricSpace(queries, metric: metric)
  let referenceRows = referenceSpace.scanRows(reference, center: center)
  let queryRows = querySpace.scanRows(queries, center: center)
  let capacity = candidateCount(k, available: reference.rows)
  let heaps = queryRows.withUnsafeBufferPointer { q in
    referenceRows.withUnsafeBufferPointer { r in
      blockedCandidateSearch(
        queries: q.baseAddress!, queryCount: queries.rows, reference: r.baseAddress!,
        referenceCount: reference.rows, dimension: reference.columns, capacity: capacity,
        symmetric: false, threads: threads)
    }
  }
  defer { heaps.deallocate() }
  let bound = ScanErrorBound(
    queryNorms: queryRows.withUnsafeBufferPointer {
      rowSquaredNorms($0.baseAddress!, count: queries.rows, dimension: queries.columns)
    },
    referenceNorms: referenceRows.withUnsafeBufferPointer {
      rowSquaredNorms($0.baseAddress!, count: reference.rows, dimension: reference.columns)
    }, dimension: reference.columns)
  return rerank(
    heaps, queries: queries, querySpace: querySpace, reference: reference,
    referenceSpace: referenceSpace, keep: k, prependSelf: false, symmetric: false, bound: bound,
    metric: metric, threads: threads)
}

/// A bound on the float32 error of a scan key `‖a‖² + ‖b‖² − 2a·b` for query row `i`: about
/// `(d + 4) · 2⁻²³ · (‖a_i‖² + max_j ‖b_j‖²)` (the GEMM's accumulation error plus the rounding
/// of the rows to float32).
private struct ScanErrorBound {
  let queryNorms: [Float]
  let largestReferenceNorm: Double
  let factor: Double

  init(queryNorms: [Float], referenceNorms: [Float], dimension: Int) {
    self.queryNorms = queryNorms
    largestReferenceNorm = Double(referenceNorms.max() ?? 0)
    factor = Double(dimension + 4) * 0x1p-23
  }

  func callAsFunction(_ i: Int) -> Double {
    factor * (Double(queryNorms[i]) + largestReferenceNorm)
  }
}

/// Recomputes each candidate's distance exactly, sorts by (distance, index) and keeps `keep`.
///
/// When the `keep`-th exact distance comes within the scan's error bound of the largest key
/// the heap kept (ties at the boundary, as in grid or duplicated data), a point outside the
/// candidates could belong in the list, so that row is recomputed by brute force in float64.
/// This makes the result exact, with ties broken by index, for any data.
private func rerank(
  _ heaps: CandidateHeaps, queries: HostMatrix, querySpace: MetricSpace,
  reference: HostMatrix, referenceSpace: MetricSpace, keep: Int, prependSelf: Bool,
  symmetric: Bool, bound: ScanErrorBound, metric: DistanceMetric, threads: Int
) -> KNNGraph {
  let n = queries.rows
  let width = keep + (prependSelf ? 1 : 0)
  let available = reference.rows - (symmetric ? 1 : 0)
  var indices = [Int](repeating: 0, count: n * width)
  var distances = [Double](repeating: 0, count: n * width)
  indices.withUnsafeMutableBufferPointer { outIndices in
    distances.withUnsafeMutableBufferPointer { outDistances in
      let (outIndices, outDistances) = (outIndices, outDistances)
      let chunks = chunkRanges(n, chunkSize: 256)
      forEachChunk(chunks.count, threads: threads) { chunk in
        var candidates: [(Double, Int)] = []
        candidates.reserveCapacity(heaps.capacity)
        func exact(_ i: Int, _ j: Int) -> Double {
          querySpace.distance(i, of: queries, j, of: reference, other: referenceSpace)
        }
        for i in chunks[chunk] {
          candidates.removeAll(keepingCapacity: true)
          for j in heaps.candidates(i) { candidates.append((exact(i, j), j)) }
          candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
          if keep > 0 && heaps.capacity < available {
            let boundary = querySpace.keyEquivalent(candidates[keep - 1].0)
            if boundary >= Double(heaps.largestKept(i)) - 2 * bound(i) {
              candidates.removeAll(keepingCapacity: true)
              for j in 0..<reference.rows where !(symmetric && j == i) {
                candidates.append((exact(i, j), j))
              }
              candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            }
          }
          var position = i * width
          if prependSelf {
            outIndices[position] = i
            outDistances[position] = 0
            position += 1
          }
          for (distance, j) in candidates.prefix(keep) {
            outIndices[position] = j
            outDistances[position] = distance
            position += 1
          }
        }
      }
    }
  }
  return KNNGraph(
    count: n, neighborCount: width, metric: metric, indices: indices, distances: distances)
}
