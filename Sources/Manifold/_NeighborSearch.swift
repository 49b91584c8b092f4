// _NeighborSearch: exact k-nearest-neighbour search by blocked GEMM and bounded max-heaps.

import COpenBLAS

/// Per-row bounded max-heaps of `(key, index)` pairs ordered lexicographically, so that equal
/// keys are broken by the smaller index whatever order candidates arrive in.
struct CandidateHeaps: @unchecked Sendable {
  let rows: Int
  let capacity: Int
  /// `rows × capacity` keys; row `r`'s heap occupies `[r·capacity, (r+1)·capacity)`, root first.
  let keys: UnsafeMutablePointer<Float>
  let indices: UnsafeMutablePointer<Int32>

  init(rows: Int, capacity: Int) {
    self.rows = rows
    self.capacity = capacity
    keys = .allocate(capacity: max(1, rows * capacity))
    indices = .allocate(capacity: max(1, rows * capacity))
    keys.initialize(repeating: .infinity, count: rows * capacity)
    indices.initialize(repeating: Int32.max, count: rows * capacity)
  }

  func deallocate() {
    keys.deallocate()
    indices.deallocate()
  }

  /// The largest key kept for `row` (`+∞` while the heap is not full).
  @inline(__always) func threshold(_ row: Int) -> Float { keys[row * capacity] }

  /// Offers `(key, index)` to `row`'s heap; it replaces the root when it is smaller.
  @inline(__always)
  func offer(row: Int, key: Float, index: Int32) {
    let base = row * capacity
    let k = keys + base
    let ix = indices + base
    if key > k[0] || (key == k[0] && index >= ix[0]) { return }
    // Sift the new element down from the root.
    var position = 0
    while true {
      let left = 2 * position + 1
      if left >= capacity { break }
      var child = left
      let right = left + 1
      if right < capacity && (k[right] > k[left] || (k[right] == k[left] && ix[right] > ix[left])) {
        child = right
      }
      if k[child] > key || (k[child] == key && ix[child] > index) {
        k[position] = k[child]
        ix[position] = ix[child]
        position = child
      } else {
        break
      }
    }
    k[position] = key
    ix[position] = index
  }
}

/// Tile sizes of the blocked distance scan: `rowBlock × columnBlock` float32 distances are
/// live at once (8 MiB by default), whatever the number of points.
struct NeighborSearchTiling: Sendable {
  var rowBlock = 512
  var columnBlock = 4096
}

/// For every row of `queries`, the indices of the `capacity` rows of `reference` with the
/// smallest squared Euclidean distance, by `‖q‖² + ‖r‖² − 2 q·r` in float32 blocks.
///
/// Both matrices must already be centred on a common point (the caller subtracts the
/// reference mean, which removes most of the cancellation for offset data; RELIABILITY I10).
/// When `symmetric` is set, `queries` and `reference` are the same matrix and only the upper
/// triangle of the distance matrix is computed: each tile updates the heaps of its rows and of
/// its columns, which halves the GEMM work. A point is never its own candidate then.
///
/// - Returns: Heaps with the candidates of each query row (unsorted); the caller frees them.
/// - Complexity: O(n·m·d) time; O(tile + n·capacity) memory.
func blockedCandidateSearch(
  queries: UnsafePointer<Float>, queryCount: Int, reference: UnsafePointer<Float>,
  referenceCount: Int, dimension d: Int, capacity: Int, symmetric: Bool, threads: Int,
  tiling: NeighborSearchTiling = NeighborSearchTiling()
) -> CandidateHeaps {
  let heaps = CandidateHeaps(rows: symmetric ? referenceCount : queryCount, capacity: capacity)
  if capacity == 0 { return heaps }
  let queryNorms = rowSquaredNorms(queries, count: queryCount, dimension: d)
  let referenceNorms =
    symmetric ? queryNorms : rowSquaredNorms(reference, count: referenceCount, dimension: d)
  let rowBlock = max(1, min(tiling.rowBlock, queryCount))
  let columnBlock = max(1, min(tiling.columnBlock, referenceCount))
  let tile = UnsafeMutablePointer<Float>.allocate(capacity: rowBlock * columnBlock)
  defer { tile.deallocate() }

  for rowStart in stride(from: 0, to: queryCount, by: rowBlock) {
    let rows = min(rowBlock, queryCount - rowStart)
    let firstColumn = symmetric ? rowStart : 0
    for columnStart in stride(from: firstColumn, to: referenceCount, by: columnBlock) {
      let columns = min(columnBlock, referenceCount - columnStart)
      // tile[r][c] = q_{rowStart+r} · x_{columnStart+c}; OpenBLAS threads own the cores here.
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns), Int32(d), 1,
        queries + rowStart * d, Int32(d), reference + columnStart * d, Int32(d), 0, tile,
        Int32(columns))
      let geometry = TileGeometry(
        rowStart: rowStart, rows: rows, columnStart: columnStart, columns: columns,
        symmetric: symmetric)
      scanTile(
        tile, geometry, queryNorms: queryNorms, referenceNorms: referenceNorms, heaps: heaps,
        threads: threads)
    }
  }
  return heaps
}

/// Where one tile sits in the full distance matrix.
struct TileGeometry {
  let rowStart: Int
  let rows: Int
  let columnStart: Int
  let columns: Int
  let symmetric: Bool

  /// In the symmetric scan, the first column of row `r` that is strictly above the diagonal.
  @inline(__always) func firstColumn(row r: Int) -> Int {
    symmetric ? min(columns, max(0, rowStart + r + 1 - columnStart)) : 0
  }
}

/// Turns one tile of dot products into squared distances and offers them to the heaps: first
/// to the rows' heaps (parallel over rows), then, when symmetric, to the columns' heaps
/// (parallel over columns). The two passes write disjoint heaps, so no locks are needed.
private func scanTile(
  _ tile: UnsafeMutablePointer<Float>, _ g: TileGeometry, queryNorms: [Float],
  referenceNorms: [Float], heaps: CandidateHeaps, threads: Int
) {
  queryNorms.withUnsafeBufferPointer { qn in
    referenceNorms.withUnsafeBufferPointer { rn in
      let (qn, rn) = (qn.baseAddress!, rn.baseAddress!)
      let rowChunks = chunkRanges(g.rows, chunkSize: 64)
      forEachChunk(rowChunks.count, threads: threads) { chunk in
        for r in rowChunks[chunk] {
          let i = g.rowStart + r
          let line = tile + r * g.columns
          var threshold = heaps.threshold(i)
          let ni = qn[i]
          for c in g.firstColumn(row: r)..<g.columns {
            let distance = max(0, ni + rn[g.columnStart + c] - 2 * line[c])
            if distance <= threshold {
              heaps.offer(row: i, key: distance, index: Int32(g.columnStart + c))
              threshold = heaps.threshold(i)
            }
          }
        }
      }
      guard g.symmetric else { return }
      let columnChunks = chunkRanges(g.columns, chunkSize: 256)
      forEachChunk(columnChunks.count, threads: threads) { chunk in
        let range = columnChunks[chunk]
        for r in 0..<g.rows {
          let i = g.rowStart + r
          let line = tile + r * g.columns
          let ni = qn[i]
          for c in max(
            range.lowerBound, g.firstColumn(row: r))..<max(range.upperBound, g.firstColumn(row: r))
          {
            let j = g.columnStart + c
            let distance = max(0, ni + rn[j] - 2 * line[c])
            if distance <= heaps.threshold(j) {
              heaps.offer(row: j, key: distance, index: Int32(i))
            }
          }
        }
      }
    }
  }
}

/// The squared norm of each row, accumulated in float64 and rounded once.
func rowSquaredNorms(_ x: UnsafePointer<Float>, count: Int, dimension d: Int) -> [Float] {
  (0..<count).map { i in
    var sum = 0.0
    for c in 0..<d { sum += Double(x[i * d + c]) * Double(x[i * d + c]) }
    return Float(sum)
  }
}
