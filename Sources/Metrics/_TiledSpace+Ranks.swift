// _TiledSpace+Ranks: exact counting of the points ordered before given thresholds, and exact
// k-nearest-neighbour lists, from approximate GEMM keys.

import Tensor

extension TiledSpace {
  /// The band around threshold `e` of row `i`, in `Element`: a point `l` whose lower key
  /// `s_l + c_l` is below `low` certainly has an exact key below `e`; one whose upper key
  /// `s_l − c_l` is above `high` certainly above.
  ///
  /// The half-width is `c_i` plus the roundings of `e` and of the lower and upper keys in
  /// `Element`; at the floor nothing is strictly smaller, so every tie there is re-checked
  /// (`low = −∞`).
  @inline(__always)
  func band(of i: Int, threshold e: Double) -> (low: Element, high: Element) {
    let width = band[i] + 4 * Double(Element.ulpOfOne) * e
    let low = e > squaredDistanceFloor ? Element(e - width).nextDown : -Element.infinity
    return (low, Element(e + width).nextUp)
  }

  /// Adds to every threshold `(e, j)` of row `i` the number of tile columns `l ∉ {i, j}` whose
  /// exact key orders before it: `key(i, l) < e`, or `key(i, l) = e` with `l < j`.
  ///
  /// Points certainly below the band are counted from the approximate keys; points in it are
  /// re-keyed exactly. When only a few points lie below the largest threshold's band, they are
  /// gathered first and the thresholds are tested on them alone.
  @inline(__always)
  func countPreceding(
    _ i: Int, columns: Range<Int>, state: ScanState, scratch: RowScratch<Element>
  ) {
    let width = columns.count
    let (lower, upper) = (scratch.lower, scratch.upper)
    let columnBand = elementBand.pointer + columns.lowerBound
    var l = 0
    while l < width {
      lower[l] = scratch.keys[l] + columnBand[l]
      upper[l] = scratch.keys[l] - columnBand[l]
      l &+= 1
    }
    let k = state.thresholdsPerRow
    var reach = -Element.infinity
    for t in 0..<k {
      reach = Swift.max(reach, band(of: i, threshold: state.thresholdKeys[i * k + t]).high)
    }
    // Only points whose upper keys are below the widest band's top can precede any threshold.
    let relevant = countAtMost(upper, 0..<width, reach)
    if relevant == 0 { return }
    var (lowerValues, upperValues, length) = (lower, upper, width)
    if relevant * 4 <= width {
      // Compact the relevant points' keys (branch-free: always store, advance only when
      // kept), so that the thresholds below scan short contiguous arrays. Their positions
      // are only needed for the rare points inside a band, and are found again then.
      var gathered = 0
      l = 0
      while l < width {
        scratch.nearLower[gathered] = lower[l]
        scratch.nearUpper[gathered] = upper[l]
        gathered &+= upper[l] <= reach ? 1 : 0
        l &+= 1
      }
      (lowerValues, upperValues, length) = (scratch.nearLower, scratch.nearUpper, gathered)
    }
    for t in 0..<k {
      let threshold = state.thresholdKeys[i * k + t]
      let j = state.thresholdIndices[i * k + t]
      let (low, high) = band(of: i, threshold: threshold)
      let (certain, possible) = countBelowAndAtMost(lowerValues, upperValues, length, low, high)
      var total = certain
      // j itself always lies in the band and never precedes itself.
      let own = columns.contains(j) ? 1 : 0
      if possible - own > certain {
        forEachInBand(lower, upper, width, low, high) { l in
          let index = columns.lowerBound + l
          if index != j && precedes(i, index, threshold: threshold, index: j) { total += 1 }
        }
      }
      state.counts[i * k + t] += total
    }
  }

  /// Whether `(key(i, l), l)` orders before `(threshold, j)`.
  @inline(__always)
  func precedes(_ i: Int, _ l: Int, threshold: Double, index j: Int) -> Bool {
    let exact = key(i, l)
    return exact < threshold || (exact == threshold && l < j)
  }

  /// The exact `k` nearest neighbours of row `i` from its approximate candidates: re-keys them
  /// exactly, and falls back to a full exact scan of the row when the candidates cannot be
  /// proven to contain the true `k` nearest.
  ///
  /// Every non-candidate has approximate key at least the last candidate's, hence exact key
  /// above the `k`-th candidate's exact key whenever the band below the last candidate clears
  /// it; the fallback is needed only with many near-duplicates of `i`.
  func exactNeighbors(of i: Int, k: Int, candidates: SmallestList) -> [Int] {
    var exact: [(key: Double, index: Int)] = []
    for position in 0..<candidates.capacity where candidates.indices[position] >= 0 {
      exact.append((key(i, candidates.indices[position]), candidates.indices[position]))
    }
    exact.sort { $0.key < $1.key || ($0.key == $1.key && $0.index < $1.index) }
    let complete = candidates.capacity >= count - 1
    let margin = band[i] + maximumBand + 4 * Double(Element.ulpOfOne) * abs(candidates.worst)
    if complete || candidates.worst - margin > exact[k - 1].key {
      return exact.prefix(k).map(\.index)
    }
    return SmallestList.withTemporary(capacity: k) { best in
      for l in 0..<count where l != i {
        let value = key(i, l)
        if value < best.worst { best.insert(value, l) }
      }
      return (0..<k).map { best.indices[$0] }
    }
  }

  /// The exact `k` nearest neighbours of every row from the candidates of a finished scan.
  func exactNeighbors(_ state: ScanState, k: Int) -> [Int] {
    var result: [Int] = []
    result.reserveCapacity(count * k)
    for i in 0..<count {
      result += exactNeighbors(of: i, k: k, candidates: state.candidates(i))
    }
    return result
  }
}
