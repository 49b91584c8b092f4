// KNNGraph+Exact: candidate search in float32 blocks (optionally on a PCA lower bound), then an
// exact float64 re-ranking.

import Tensor

/// How many candidates beyond `k` the float32 scan keeps for the exact re-ranking, so that
/// rounding in `‖a‖² + ‖b‖² − 2a·b` cannot push a true neighbour out of the list.
private func candidateCount(_ k: Int, available: Int) -> Int {
  min(available, k + max(8, k / 8))
}

/// The float32 rows the blocked scan runs on, and the exact distance the re-ranking uses.
struct MetricSpace {
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
  ///
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
///
/// High-dimensional inputs (d ≥ 256, n ≥ 5000) take the filtered path of
/// ``filteredCandidateSearch(_:rows:capacity:threads:components:)``; the result is the same exact
/// graph.
func exactNeighborGraph(
  _ x: HostMatrix, neighbors k: Int, metric: DistanceMetric, includeSelf: Bool, threads: Int,
  filter: Bool? = nil
) -> KNNGraph {
  let n = x.rows
  let wanted = includeSelf ? k - 1 : k
  let space = MetricSpace(x, metric: metric)
  let rows = space.scanRows(x, center: x.columnMeans())
  let norms = rowSquaredNorms(rows, count: n, dimension: x.columns)
  let filtered = (filter ?? (x.columns >= 256 && n >= 5000)) && wanted > 0 && x.columns >= 4
  let capacity =
    filtered
    ? min(n - 1, max(128, 2 * wanted + 64)) : candidateCount(wanted, available: n - 1)
  if filtered && capacity >= n - 1 {
    return exactNeighborGraph(
      x, neighbors: k, metric: metric, includeSelf: includeSelf, threads: threads, filter: false)
  }
  let heaps =
    filtered
    ? filteredCandidateSearch(x, rows: rows, capacity: capacity, threads: threads)
    : blockedCandidateSearch(
      queries: rows, queryCount: n, reference: rows, referenceCount: n, dimension: x.columns,
      capacity: capacity, symmetric: true, threads: threads)
  defer { heaps.deallocate() }
  var bound = ScanErrorBound(queryNorms: norms, referenceNorms: norms, dimension: x.columns)
  // Filtered keys come from a float32 projection: the full-dimensional error (d), with a margin
  // for the projection's rounding.
  if filtered { bound.factor *= 4 }
  var output = RerankOutput(
    rows: n, width: wanted + (includeSelf ? 1 : 0), prependSelf: includeSelf)
  let failed = rerank(
    heaps, heapRowToQuery: nil, queries: x, querySpace: space, reference: x, referenceSpace: space,
    keep: wanted, excludeSelf: true, bound: bound, bruteForceFallback: !filtered, into: &output,
    threads: threads)
  if !failed.isEmpty {
    // Rows whose filtered candidates could not be certified: an exact float32 scan of just
    // those rows against all points, then the usual certified re-ranking.
    let queryRows = failed.flatMap { rows[$0 * x.columns..<($0 + 1) * x.columns] }
    let rescan = blockedCandidateSearch(
      queries: queryRows, queryCount: failed.count, reference: rows, referenceCount: n,
      dimension: x.columns, capacity: min(n, candidateCount(wanted, available: n - 1) + 1),
      symmetric: false, threads: threads)
    defer { rescan.deallocate() }
    let rescanBound = ScanErrorBound(
      queryNorms: failed.map { norms[$0] }, referenceNorms: norms, dimension: x.columns)
    _ = rerank(
      rescan, heapRowToQuery: failed, queries: x, querySpace: space, reference: x,
      referenceSpace: space, keep: wanted, excludeSelf: true, bound: rescanBound,
      bruteForceFallback: true, into: &output, threads: threads)
  }
  return KNNGraph(
    count: n, neighborCount: output.width, metric: metric, indices: output.indices,
    distances: output.distances)
}

/// Candidates for every row by a lower bound on its distances, computed in a low-dimensional
/// space: the rows are projected on their top `p` principal axes (by default
/// p = min(128, d/4); the approximate search uses 64), and
/// each projection gets one more coordinate, the norm of what the projection leaves out.
///
/// For two rows with projections `a, b` and residual norms `r_a, r_b`,
/// `‖(a, r_a) − (b, r_b)‖² = ‖a − b‖² + (r_a − r_b)² ≤ ‖x_a − x_b‖²` (the residuals are
/// orthogonal to the projection, and `|r_a − r_b| ≤ ‖res_a − res_b‖`). So the usual blocked
/// scan on these `p + 1` coordinates keeps the rows with the smallest lower bounds; the
/// re-ranking then certifies a row's exact `k` nearest when the `k`-th exact distance does not
/// exceed the smallest bound left out, and sends the rest to a full-dimensional scan.
///
/// On MNIST (784 pixels), 129 coordinates certify about 99% of the rows from 128 candidates,
/// so the matrix products shrink about sixfold.
func filteredCandidateSearch(
  _ x: HostMatrix, rows: [Float], capacity: Int, threads: Int, components: Int? = nil
) -> CandidateHeaps {
  let (n, d) = (x.rows, x.columns)
  let p = min(d, components ?? min(128, d / 4))
  // The second-moment matrix of the scan rows (centred for Euclidean data) and its top axes.
  var moments = [Float](repeating: 0, count: d * d)
  hostGramUpper(n: d, k: n, rows, lda: d, &moments, ldc: d)
  var symmetric = [Double](repeating: 0, count: d * d)
  for i in 0..<d {
    for j in i..<d {
      symmetric[i * d + j] = Double(moments[i * d + j])
      symmetric[j * d + i] = Double(moments[i * d + j])
    }
  }
  var axes = [Float](repeating: 0, count: d * p)
  if let (_, vectors) = try? symmetricEigendecomposition(
    symmetric, order: d, driver: .divideAndConquer)
  {
    for r in 0..<d {
      for c in 0..<p { axes[r * p + c] = Float(vectors[r * d + (d - 1 - c)]) }
    }
  }
  var projected = [Float](repeating: 0, count: n * p)
  hostGEMM(m: n, n: p, k: d, rows, lda: d, axes, ldb: p, &projected, ldc: p)
  var augmented = [Float](repeating: 0, count: n * (p + 1))
  for i in 0..<n {
    var total = 0.0
    for c in 0..<d { total += Double(rows[i * d + c]) * Double(rows[i * d + c]) }
    var kept = 0.0
    for c in 0..<p {
      let value = projected[i * p + c]
      augmented[i * (p + 1) + c] = value
      kept += Double(value) * Double(value)
    }
    augmented[i * (p + 1) + p] = Float(max(0, total - kept).squareRoot())
  }
  return blockedCandidateSearch(
    queries: augmented, queryCount: n, reference: augmented, referenceCount: n, dimension: p + 1,
    capacity: capacity, symmetric: true, threads: threads)
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
  let heaps = blockedCandidateSearch(
    queries: queryRows, queryCount: queries.rows, reference: referenceRows,
    referenceCount: reference.rows, dimension: reference.columns, capacity: capacity,
    symmetric: false, threads: threads)
  defer { heaps.deallocate() }
  let bound = ScanErrorBound(
    queryNorms: rowSquaredNorms(queryRows, count: queries.rows, dimension: queries.columns),
    referenceNorms: rowSquaredNorms(
      referenceRows, count: reference.rows, dimension: reference.columns),
    dimension: reference.columns)
  var output = RerankOutput(rows: queries.rows, width: k, prependSelf: false)
  _ = rerank(
    heaps, heapRowToQuery: nil, queries: queries, querySpace: querySpace, reference: reference,
    referenceSpace: referenceSpace, keep: k, excludeSelf: false, bound: bound,
    bruteForceFallback: true, into: &output, threads: threads)
  return KNNGraph(
    count: queries.rows, neighborCount: k, metric: metric, indices: output.indices,
    distances: output.distances)
}

/// A bound on the float32 error of a scan key `‖a‖² + ‖b‖² − 2a·b` for query row `i`: about
/// `(d + 4) · 2⁻²³ · (‖a_i‖² + max_j ‖b_j‖²)` (the GEMM's accumulation error plus the rounding
/// of the rows to float32).
struct ScanErrorBound {
  let queryNorms: [Float]
  let largestReferenceNorm: Double
  var factor: Double

  init(queryNorms: [Float], referenceNorms: [Float], dimension: Int) {
    self.queryNorms = queryNorms
    largestReferenceNorm = Double(referenceNorms.max() ?? 0)
    factor = Double(dimension + 4) * 0x1p-23
  }

  func callAsFunction(_ i: Int) -> Double {
    factor * (Double(queryNorms[i]) + largestReferenceNorm)
  }
}

/// The neighbour lists being assembled, row-major `[rows, width]`.
struct RerankOutput {
  let width: Int
  let prependSelf: Bool
  var indices: [Int]
  var distances: [Double]

  init(rows: Int, width: Int, prependSelf: Bool) {
    self.width = width
    self.prependSelf = prependSelf
    indices = [Int](repeating: 0, count: rows * width)
    distances = [Double](repeating: 0, count: rows * width)
  }

  /// Writes row `i` of the lists into `indices` and `distances` (the buffers of an output of
  /// this `width`): the point itself at distance 0 first when `prependSelf`, then `entries`,
  /// `(distance, index)` nearest first.
  static func write(
    row i: Int, _ entries: some Sequence<(Double, Int)>, width: Int, prependSelf: Bool,
    indices: UnsafeMutableBufferPointer<Int>, distances: UnsafeMutableBufferPointer<Double>
  ) {
    var position = i * width
    if prependSelf {
      indices[position] = i
      distances[position] = 0
      position += 1
    }
    for (distance, j) in entries {
      indices[position] = j
      distances[position] = distance
      position += 1
    }
  }
}

/// Recomputes each candidate's distance exactly, sorts by (distance, index) and writes the
/// first `keep` into `output` (after the point itself when `output.prependSelf`).
///
/// When the `keep`-th exact distance comes within the scan's error bound of the largest key
/// kept (ties at the boundary, as in grid or duplicated data, or a loose filter bound), a point
/// outside the candidates could belong in the list. Such a row is either recomputed by brute
/// force in float64 (`bruteForceFallback`) or returned for a rescan. This makes the result
/// exact, with ties broken by index, for any data.
///
/// - Parameter heapRowToQuery: The query index of each heap row (`nil`: the same).
/// - Returns: The query indices that failed the check without a brute-force fallback.
private func rerank(
  _ heaps: CandidateHeaps, heapRowToQuery: [Int]?, queries: HostMatrix, querySpace: MetricSpace,
  reference: HostMatrix, referenceSpace: MetricSpace, keep: Int, excludeSelf: Bool,
  bound: ScanErrorBound, bruteForceFallback: Bool, into output: inout RerankOutput, threads: Int
) -> [Int] {
  let width = output.width
  let prependSelf = output.prependSelf
  let available = reference.rows - (excludeSelf ? 1 : 0)
  let heapRows = heaps.rows
  var failedFlags = [Bool](repeating: false, count: heapRows)
  output.indices.withUnsafeMutableBufferPointer { outIndices in
    output.distances.withUnsafeMutableBufferPointer { outDistances in
      failedFlags.withUnsafeMutableBufferPointer { failed in
        let (outIndices, outDistances, failed) = (outIndices, outDistances, failed)
        forEachChunk(of: heapRows, chunkSize: 256, threads: threads) { _, chunk in
          var candidates: [(Double, Int)] = []
          candidates.reserveCapacity(heaps.capacity)
          func exact(_ i: Int, _ j: Int) -> Double {
            querySpace.distance(i, of: queries, j, of: reference, other: referenceSpace)
          }
          for row in chunk {
            let i = heapRowToQuery?[row] ?? row
            // Exact distances in increasing key order; once a key exceeds (within the error
            // bound) the current keep-th exact distance, no later candidate, and no point
            // outside the candidates (their keys are larger still), can enter the list.
            candidates.removeAll(keepingCapacity: true)
            var certified = false
            let margin = 2 * bound(row)
            for (key, j) in heaps.sortedCandidates(row) where !(excludeSelf && j == i) {
              if candidates.count >= keep && keep > 0 {
                let boundary = querySpace.keyEquivalent(candidates[keep - 1].0)
                if Double(key) - margin > boundary {
                  certified = true
                  break
                }
              }
              let entry = (exact(i, j), j)
              let position =
                candidates.firstIndex { $0.0 > entry.0 || ($0.0 == entry.0 && $0.1 > entry.1) }
                ?? candidates.count
              candidates.insert(entry, at: position)
              if candidates.count > keep { candidates.removeLast() }
            }
            if !certified && keep > 0
              && heaps.capacity - (excludeSelf && heapRowToQuery != nil ? 1 : 0) < available
            {
              let boundary = querySpace.keyEquivalent(candidates[keep - 1].0)
              if boundary >= Double(heaps.largestKept(row)) - margin {
                guard bruteForceFallback else {
                  failed[row] = true
                  continue
                }
                candidates.removeAll(keepingCapacity: true)
                for j in 0..<reference.rows where !(excludeSelf && j == i) {
                  candidates.append((exact(i, j), j))
                }
                candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
              }
            }
            RerankOutput.write(
              row: i, candidates.prefix(keep), width: width, prependSelf: prependSelf,
              indices: outIndices, distances: outDistances)
          }
        }
      }
    }
  }
  return failedFlags.indices.filter { failedFlags[$0] }.map { heapRowToQuery?[$0] ?? $0 }
}
