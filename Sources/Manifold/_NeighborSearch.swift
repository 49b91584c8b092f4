// _NeighborSearch: exact k-nearest-neighbour candidates by blocked GEMM and per-row selection buffers.

import Tensor

/// Per-row candidate buffers for the `capacity` smallest `(key, index)` pairs, ordered
/// lexicographically, so that equal keys are broken by the smaller index whatever order
/// candidates arrive in.
///
/// Each row appends accepted candidates to a buffer of `2 · capacity` slots; when it fills, a
/// quickselect keeps the `capacity` smallest and the row's threshold (``roots``) drops to the
/// largest key kept. That costs O(1) amortised per accepted candidate, against O(log capacity)
/// for a heap, which matters because early candidates are accepted often. A pair is packed in
/// a `UInt64` as `keyBits << 32 | index`: for non-negative floats the bit pattern orders like
/// the value, so integer order is the lexicographic (key, index) order.
struct CandidateHeaps: @unchecked Sendable {
  let rows: Int
  let capacity: Int
  /// `rows × 2·capacity` packed candidates.
  let slots: UnsafeMutablePointer<UInt64>
  let counts: UnsafeMutablePointer<Int32>
  /// Each row's acceptance threshold: `+∞` until its buffer first fills.
  let roots: UnsafeMutablePointer<Float>

  init(rows: Int, capacity: Int) {
    self.rows = rows
    self.capacity = capacity
    slots = .allocate(capacity: max(1, rows * 2 * capacity))
    counts = .allocate(capacity: max(1, rows))
    roots = .allocate(capacity: max(1, rows))
    counts.initialize(repeating: 0, count: rows)
    roots.initialize(repeating: .infinity, count: rows)
  }

  func deallocate() {
    slots.deallocate()
    counts.deallocate()
    roots.deallocate()
  }

  /// The largest key that can still enter `row`'s list.
  @inline(__always) func threshold(_ row: Int) -> Float { roots[row] }

  /// Offers a non-negative `key` with `index` to `row`.
  @inline(__always)
  func offer(row: Int, key: Float, index: Int32) {
    if key > roots[row] { return }
    let buffer = slots + row * 2 * capacity
    let packed = UInt64((key > 0 ? key : 0).bitPattern) << 32 | UInt64(UInt32(index))
    var count = Int(counts[row])
    buffer[count] = packed
    count += 1
    if count == 2 * capacity {
      selectSmallest(buffer, count: count, keep: capacity)
      count = capacity
      var largest: UInt64 = 0
      for slot in 0..<capacity { largest = max(largest, buffer[slot]) }
      roots[row] = Float(bitPattern: UInt32(largest >> 32))
    }
    counts[row] = Int32(count)
  }

  /// `row`'s `capacity` smallest candidates as `(key, index)`, in increasing order.
  func sortedCandidates(_ row: Int) -> [(key: Float, index: Int)] {
    let buffer = slots + row * 2 * capacity
    let count = Int(counts[row])
    if count > capacity { selectSmallest(buffer, count: count, keep: capacity) }
    return UnsafeBufferPointer(start: buffer, count: min(count, capacity)).sorted().map {
      (Float(bitPattern: UInt32($0 >> 32)), Int(UInt32(truncatingIfNeeded: $0)))
    }
  }

  /// The indices of `row`'s `capacity` smallest candidates (fewer if fewer were offered).
  func candidates(_ row: Int) -> [Int] {
    let buffer = slots + row * 2 * capacity
    let count = Int(counts[row])
    if count > capacity { selectSmallest(buffer, count: count, keep: capacity) }
    return (0..<min(count, capacity)).map { Int(UInt32(truncatingIfNeeded: buffer[$0])) }
  }

  /// The largest key among `row`'s kept candidates after ``candidates(_:)``, or `+∞` when
  /// fewer than `capacity` were offered.
  func largestKept(_ row: Int) -> Float {
    let count = Int(counts[row])
    if count < capacity { return .infinity }
    let buffer = slots + row * 2 * capacity
    var largest: UInt64 = 0
    for slot in 0..<capacity { largest = max(largest, buffer[slot]) }
    return Float(bitPattern: UInt32(largest >> 32))
  }
}

/// Rearranges `buffer[0..<count]` so that its `keep` smallest values come first (Hoare
/// quickselect with a median-of-three pivot).
func selectSmallest(_ buffer: UnsafeMutablePointer<UInt64>, count: Int, keep: Int) {
  var (low, high) = (0, count - 1)
  let target = keep - 1
  while low < high {
    let middle = low + (high - low) / 2
    // Median of three as the pivot.
    var (a, b, c) = (buffer[low], buffer[middle], buffer[high])
    if a > b { swap(&a, &b) }
    if b > c { swap(&b, &c) }
    if a > b { swap(&a, &b) }
    let pivot = b
    var (i, j) = (low, high)
    while i <= j {
      while buffer[i] < pivot { i += 1 }
      while buffer[j] > pivot { j -= 1 }
      if i <= j {
        (buffer[i], buffer[j]) = (buffer[j], buffer[i])
        i += 1
        j -= 1
      }
    }
    if target <= j {
      high = j
    } else if target >= i {
      low = i
    } else {
      return
    }
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
      hostGEMM(
        transposeB: true, m: rows, n: columns, k: d, queries + rowStart * d, lda: d,
        reference + columnStart * d, ldb: d, tile, ldc: columns)
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
/// (parallel over columns).
///
/// The two passes write disjoint heaps, so no locks are needed.
///
/// The first pass overwrites the tile's dot products with the (unclamped) squared distances,
/// so the second pass only compares. Eight columns are compared at a time against the heap
/// roots; only the rare lanes that beat a root go to the heap, clamped at zero.
private func scanTile(
  _ tile: UnsafeMutablePointer<Float>, _ g: TileGeometry, queryNorms: [Float],
  referenceNorms: [Float], heaps: CandidateHeaps, threads: Int
) {
  typealias Lanes = SIMD8<Float>
  queryNorms.withUnsafeBufferPointer { qn in
    referenceNorms.withUnsafeBufferPointer { rn in
      let (qn, rn) = (qn.baseAddress!, rn.baseAddress! + g.columnStart)
      forEachChunk(of: g.rows, chunkSize: 32, threads: threads) { _, rows in
        for r in rows {
          let i = g.rowStart + r
          let line = tile + r * g.columns
          let ni = qn[i]
          let first = g.firstColumn(row: r)
          var c = first
          while c + 8 <= g.columns {
            let dot = UnsafeRawPointer(line + c).loadUnaligned(as: Lanes.self)
            let norms = UnsafeRawPointer(rn + c).loadUnaligned(as: Lanes.self)
            let distance = (norms + ni) - (dot + dot)
            UnsafeMutableRawPointer(line + c).storeBytes(of: distance, as: Lanes.self)
            let hits = distance .<= Lanes(repeating: heaps.threshold(i))
            if any(hits) {
              for lane in 0..<8 where hits[lane] {
                heaps.offer(
                  row: i, key: max(0, distance[lane]), index: Int32(g.columnStart + c + lane))
              }
            }
            c += 8
          }
          while c < g.columns {
            let distance = ni + rn[c] - 2 * line[c]
            line[c] = distance
            if distance <= heaps.threshold(i) {
              heaps.offer(row: i, key: max(0, distance), index: Int32(g.columnStart + c))
            }
            c += 1
          }
        }
      }
      guard g.symmetric else { return }
      forEachChunk(of: g.columns, chunkSize: 512, threads: threads) { _, range in
        let roots = heaps.roots + g.columnStart
        for r in 0..<g.rows {
          let i = Int32(g.rowStart + r)
          let line = tile + r * g.columns
          var c = max(range.lowerBound, g.firstColumn(row: r))
          while c + 8 <= range.upperBound {
            let distance = UnsafeRawPointer(line + c).loadUnaligned(as: Lanes.self)
            let threshold = UnsafeRawPointer(roots + c).loadUnaligned(as: Lanes.self)
            let hits = distance .<= threshold
            if any(hits) {
              for lane in 0..<8 where hits[lane] {
                heaps.offer(row: g.columnStart + c + lane, key: max(0, distance[lane]), index: i)
              }
            }
            c += 8
          }
          while c < range.upperBound {
            if line[c] <= roots[c] {
              heaps.offer(row: g.columnStart + c, key: max(0, line[c]), index: i)
            }
            c += 1
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
