// KernelCache: libsvm's least-recently-used cache of kernel-matrix columns, in float32, with
// the index swaps that shrinking needs.

/// A least-recently-used cache of the columns of an l × l kernel matrix, as libsvm's `Cache`.
///
/// Column `i` holds `Q[i][0..<length]` in float32 (libsvm's `Qfloat`); a request for a longer
/// prefix extends the stored column and reports from where the caller must fill it. When the
/// budget is exhausted the least recently used columns are dropped. ``swapIndices(_:_:)``
/// mirrors a swap of two variables in the solver: the two columns trade places and every cached
/// column swaps the two entries (a column too short to hold both is dropped).
final class KernelCache {
  private var columns: [UnsafeMutablePointer<Float>?]
  private var lengths: [Int]
  // A circular doubly linked LRU list over column indices; `sentinel` (= l) is its head.
  private var previous: [Int]
  private var following: [Int]
  private let sentinel: Int
  /// The number of floats still available.
  private var available: Int

  /// A cache for `count` columns within about `bytes` bytes (libsvm's `cache_size` · 2²⁰).
  ///
  /// As libsvm, the per-column bookkeeping is charged to the budget and at least two full
  /// columns always fit.
  init(count: Int, bytes: Int) {
    columns = Array(repeating: nil, count: count)
    lengths = Array(repeating: 0, count: count)
    previous = Array(repeating: count, count: count + 1)
    following = Array(repeating: count, count: count + 1)
    sentinel = count
    // libsvm charges sizeof(head_t) = 32 bytes = 8 floats per column.
    available = max(bytes / MemoryLayout<Float>.size - 8 * count, 2 * count)
  }

  deinit {
    for column in columns { column?.deallocate() }
  }

  /// Column `index` with room for `length` entries, and the first entry that is not cached yet
  /// (`length` when all are): the caller fills `[start, length)`.
  func column(_ index: Int, length: Int) -> (UnsafeMutablePointer<Float>, start: Int) {
    let cached = lengths[index]
    if cached > 0 { unlink(index) }
    let more = length - cached
    var start = length
    if more > 0 {
      while available < more {
        let oldest = following[sentinel]
        precondition(oldest != sentinel, "KernelCache: budget smaller than one column")
        unlink(oldest)
        columns[oldest]?.deallocate()
        columns[oldest] = nil
        available += lengths[oldest]
        lengths[oldest] = 0
      }
      let grown = UnsafeMutablePointer<Float>.allocate(capacity: length)
      if let old = columns[index] {
        grown.update(from: old, count: cached)
        old.deallocate()
      }
      columns[index] = grown
      available -= more
      lengths[index] = length
      start = cached
    }
    link(index)
    return (columns[index]!, start)
  }

  /// Exchanges variables `i` and `j` in every cached column and swaps their columns.
  func swapIndices(_ i: Int, _ j: Int) {
    guard i != j else { return }
    if lengths[i] > 0 { unlink(i) }
    if lengths[j] > 0 { unlink(j) }
    columns.swapAt(i, j)
    lengths.swapAt(i, j)
    if lengths[i] > 0 { link(i) }
    if lengths[j] > 0 { link(j) }
    let (low, high) = (min(i, j), max(i, j))
    var h = following[sentinel]
    while h != sentinel {
      let next = following[h]
      if lengths[h] > low {
        if lengths[h] > high {
          let column = columns[h]!
          (column[low], column[high]) = (column[high], column[low])
        } else {
          // Too short to hold both entries: drop the column, as libsvm does.
          unlink(h)
          columns[h]?.deallocate()
          columns[h] = nil
          available += lengths[h]
          lengths[h] = 0
        }
      }
      h = next
    }
  }

  private func unlink(_ h: Int) {
    following[previous[h]] = following[h]
    previous[following[h]] = previous[h]
  }

  /// Inserts `h` as the most recently used column (just before the sentinel).
  private func link(_ h: Int) {
    following[h] = sentinel
    previous[h] = previous[sentinel]
    following[previous[h]] = h
    previous[sentinel] = h
  }
}
