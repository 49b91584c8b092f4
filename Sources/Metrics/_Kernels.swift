// _Kernels: the vectorised row loops and the row-parallel driver shared by the metric passes.

import Dispatch

// The loops below are `while` loops with wrapping arithmetic on purpose: with `for … in` over a
// range the optimiser keeps the overflow checks and does not vectorise them.

/// The number of `values[range]` strictly below `bound`.
@inline(__always)
func countBelow(_ values: UnsafePointer<Double>, _ range: Range<Int>, _ bound: Double) -> Int {
  var total: Int64 = 0
  var l = range.lowerBound
  while l < range.upperBound {
    total &+= values[l] < bound ? 1 : 0
    l &+= 1
  }
  return Int(total)
}

/// The number of `values[range]` at most `bound`.
@inline(__always)
func countAtMost(_ values: UnsafePointer<Double>, _ range: Range<Int>, _ bound: Double) -> Int {
  var total: Int64 = 0
  var l = range.lowerBound
  while l < range.upperBound {
    total &+= values[l] <= bound ? 1 : 0
    l &+= 1
  }
  return Int(total)
}

/// Whether any of the eight values from `values[l]` is below `bound`.
@inline(__always)
private func anyOfEightBelow(_ values: UnsafePointer<Double>, _ l: Int, _ bound: Double) -> Bool {
  var hits: Int64 = 0
  var lane = 0
  while lane < 8 {
    hits |= values[l &+ lane] < bound ? 1 : 0
    lane &+= 1
  }
  return hits != 0
}

/// Calls `visit(l)` for every `l` in `range` with `values[l] < bound`, skipping blocks of eight
/// with none (the common case when scanning for a few near points).
@inline(__always)
func forEachBelow(
  _ values: UnsafePointer<Double>, _ range: Range<Int>, _ bound: Double, _ visit: (Int) -> Void
) {
  var l = range.lowerBound
  let end = range.upperBound
  while l &+ 8 <= end {
    if anyOfEightBelow(values, l, bound) {
      for lane in 0..<8 where values[l + lane] < bound { visit(l + lane) }
    }
    l &+= 8
  }
  while l < end {
    if values[l] < bound { visit(l) }
    l &+= 1
  }
}

/// A sorted list of the `capacity` smallest `(key, index)` pairs seen, earlier entries first
/// among equal keys, stored in caller-owned memory.
struct SmallestList {
  let keys: UnsafeMutablePointer<Double>
  let indices: UnsafeMutablePointer<Int>
  let capacity: Int

  /// The largest key kept (`+∞` until the list is full).
  @inline(__always) var worst: Double { keys[capacity - 1] }

  /// Inserts `(key, index)`, which must be smaller than ``worst``, dropping the last entry.
  @inline(__always)
  func insert(_ key: Double, _ index: Int) {
    var position = capacity - 1
    while position > 0 && keys[position - 1] > key {
      keys[position] = keys[position - 1]
      indices[position] = indices[position - 1]
      position -= 1
    }
    keys[position] = key
    indices[position] = index
  }

  /// Offers `values[range]` (whose positions are offset by `base`) to the list.
  @inline(__always)
  func offer(_ values: UnsafePointer<Double>, _ range: Range<Int>, base: Int) {
    var bound = worst
    forEachBelowUpdating(values, range, &bound) { l in
      insert(values[l], base + l)
      return worst
    }
  }
}

/// Like ``forEachBelow(_:_:_:_:)`` with a bound that `visit` may lower as it goes.
@inline(__always)
private func forEachBelowUpdating(
  _ values: UnsafePointer<Double>, _ range: Range<Int>, _ bound: inout Double,
  _ visit: (Int) -> Double
) {
  var l = range.lowerBound
  let end = range.upperBound
  while l &+ 8 <= end {
    if anyOfEightBelow(values, l, bound) {
      for lane in 0..<8 where values[l + lane] < bound { bound = visit(l + lane) }
    }
    l &+= 8
  }
  while l < end {
    if values[l] < bound { bound = visit(l) }
    l &+= 1
  }
}

/// Runs `body(worker, rows)` over `workers` contiguous slices of `range`, concurrently when
/// there is more than one worker and enough rows.
///
/// The passes call OpenBLAS only outside these regions, so threads are never nested around a
/// multi-threaded GEMM (RELIABILITY R3).
func forEachSlice(
  of range: Range<Int>, workers: Int, _ body: @Sendable (_ worker: Int, _ rows: Range<Int>) -> Void
) {
  let workers = Swift.max(1, Swift.min(workers, range.count / 16))
  if workers == 1 {
    body(0, range)
    return
  }
  DispatchQueue.concurrentPerform(iterations: workers) { worker in
    let start = range.lowerBound + range.count * worker / workers
    let end = range.lowerBound + range.count * (worker + 1) / workers
    body(worker, start..<end)
  }
}

/// A raw pointer that may cross into the concurrent slices; each slice touches its own rows.
struct SharedPointer<Pointee>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Pointee>

  init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }

  static func allocate(_ count: Int, _ value: Pointee) -> SharedPointer {
    let base = UnsafeMutablePointer<Pointee>.allocate(capacity: Swift.max(count, 1))
    base.initialize(repeating: value, count: count)
    return SharedPointer(base)
  }

  subscript(index: Int) -> Pointee {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  func deallocate() { base.deallocate() }
}
