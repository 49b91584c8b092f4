// _Kernels: the vectorised row loops and the row-parallel driver shared by the metric passes.

import Tensor

// The loops below are `while` loops with wrapping arithmetic on purpose: with `for … in` over a
// range the optimiser keeps the overflow checks and does not vectorise them.

/// The number of `values[range]` at most `bound`.
@inline(__always)
func countAtMost<T: HostFloat>(_ values: UnsafePointer<T>, _ range: Range<Int>, _ bound: T)
  -> Int
{
  var total: Int32 = 0
  var l = range.lowerBound
  while l < range.upperBound {
    total &+= values[l] <= bound ? 1 : 0
    l &+= 1
  }
  return Int(total)
}

/// The numbers of `lower[0..<count]` below `low` and of `upper[0..<count]` at most `high`, in
/// one pass.
@inline(__always)
func countBelowAndAtMost<T: HostFloat>(
  _ lower: UnsafePointer<T>, _ upper: UnsafePointer<T>, _ count: Int, _ low: T, _ high: T
) -> (below: Int, atMost: Int) {
  var below: Int32 = 0
  var atMost: Int32 = 0
  var l = 0
  while l < count {
    below &+= lower[l] < low ? 1 : 0
    atMost &+= upper[l] <= high ? 1 : 0
    l &+= 1
  }
  return (Int(below), Int(atMost))
}

/// Calls `visit(l)` for every `l < count` with `lower[l] ≥ low` and `upper[l] ≤ high`: the
/// points inside a band.
///
/// Blocks of 64 are counted first with a vectorised loop and skipped when
/// empty.
@inline(__always)
func forEachInBand<T: HostFloat>(
  _ lower: UnsafePointer<T>, _ upper: UnsafePointer<T>, _ count: Int, _ low: T, _ high: T,
  _ visit: (Int) -> Void
) {
  var start = 0
  while start < count {
    let end = Swift.min(start &+ 64, count)
    var hits: Int32 = 0
    var l = start
    while l < end {
      hits &+= (lower[l] >= low ? 1 : 0) & (upper[l] <= high ? 1 : 0)
      l &+= 1
    }
    if hits != 0 {
      for l in start..<end where lower[l] >= low && upper[l] <= high { visit(l) }
    }
    start = end
  }
}

extension SmallestList {
  /// Offers `values[range]` (whose positions are offset by `base`) to the list.
  @inline(__always)
  func offer<T: HostFloat>(_ values: UnsafePointer<T>, _ range: Range<Int>, base: Int) {
    // Blocks of 64 are skipped when none beats the current worst, which after the first few
    // tiles is almost always; T(worst).nextUp bounds every value whose Double is below worst,
    // whatever the rounding.
    var start = range.lowerBound
    while start < range.upperBound {
      let end = Swift.min(start &+ 64, range.upperBound)
      if countAtMost(values, start..<end, T(worst).nextUp) != 0 {
        for l in start..<end where Double(values[l]) < worst { insert(Double(values[l]), base + l) }
      }
      start = end
    }
  }
}

/// Runs `body(rows)` over `workers` contiguous slices of `range` (Tensor's
/// `concurrentForEach`), concurrently when there is more than one worker and enough rows.
///
/// The passes call OpenBLAS only outside these regions, so threads are never nested around a
/// multi-threaded GEMM (RELIABILITY R3).
func forEachSlice(of range: Range<Int>, workers: Int, _ body: (_ rows: Range<Int>) -> Void) {
  let workers = Swift.max(1, Swift.min(workers, range.count / 16))
  concurrentForEach(workers, threads: workers) { worker in
    let start = range.lowerBound + range.count * worker / workers
    let end = range.lowerBound + range.count * (worker + 1) / workers
    body(start..<end)
  }
}
