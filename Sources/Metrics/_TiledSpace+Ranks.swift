// _TiledSpace+Ranks: exact counting of the points ordered before given thresholds, and exact
// k-nearest-neighbour lists, from approximate GEMM keys.

extension TiledSpace {
  /// Adds to every threshold `(e, j)` of row `i` the number of tile columns `l ∉ {i, j}` whose
  /// exact key orders before it: `key(i, l) < e`, or `key(i, l) = e` with `l < j`.
  ///
  /// Points certainly below (`s_l + c_l < e − c_i`) are counted from the approximate keys;
  /// points in the band are re-keyed exactly. When only a few points lie below the largest
  /// threshold's band, they are gathered first and the thresholds are tested on them alone.
  @inline(__always)
  func countPreceding(_ i: Int, columns: Range<Int>, state: ScanState, scratch: RowScratch) {
    let width = columns.count
    let (keys, lower, upper) = (scratch.keys, scratch.lower, scratch.upper)
    let columnBand = band.pointer + columns.lowerBound
    var l = 0
    while l < width {
      lower[l] = keys[l] + columnBand[l]
      upper[l] = keys[l] - columnBand[l]
      l &+= 1
    }
    let k = state.thresholdsPerRow
    let ci = band[i]
    var reach = -Double.infinity
    for t in 0..<k { reach = Swift.max(reach, state.thresholdKeys[i * k + t] + ci) }
    // Only points with upper ≤ reach can precede any threshold.
    let relevant = countAtMost(upper, 0..<width, reach)
    if relevant == 0 { return }
    if relevant * 8 <= width {
      var gathered = 0
      forEachBelow(upper, 0..<width, reach.nextUp) { l in
        scratch.near[gathered] = l
        gathered += 1
      }
      for t in 0..<k {
        state.counts[i * k + t] += countPrecedingGathered(
          i, t: t, columns: columns, state: state, scratch: scratch, gathered: gathered)
      }
      return
    }
    for t in 0..<k {
      let threshold = state.thresholdKeys[i * k + t]
      let j = state.thresholdIndices[i * k + t]
      // At the floor nothing is strictly smaller: every tie there needs the exact key.
      let cut = threshold > squaredDistanceFloor ? threshold - ci : -Double.infinity
      let certain = countBelow(lower, 0..<width, cut)
      // j itself always lies in the band and never precedes itself.
      let own = columns.contains(j) ? j - columns.lowerBound : -1
      let possible = countAtMost(upper, 0..<width, threshold + ci) - (own >= 0 ? 1 : 0)
      var total = certain
      if possible > certain {
        forEachBelow(upper, 0..<width, (threshold + ci).nextUp) { l in
          if l != own && !(lower[l] < cut)
            && precedes(i, columns.lowerBound + l, threshold: threshold, index: j)
          {
            total += 1
          }
        }
      }
      state.counts[i * k + t] += total
    }
  }

  @inline(__always)
  private func countPrecedingGathered(
    _ i: Int, t: Int, columns: Range<Int>, state: ScanState, scratch: RowScratch, gathered: Int
  ) -> Int {
    let k = state.thresholdsPerRow
    let threshold = state.thresholdKeys[i * k + t]
    let j = state.thresholdIndices[i * k + t]
    let ci = band[i]
    let cut = threshold > squaredDistanceFloor ? threshold - ci : -Double.infinity
    var total = 0
    for position in 0..<gathered {
      let l = scratch.near[position]
      if scratch.lower[l] < cut {
        total += 1
      } else if scratch.upper[l] <= threshold + ci && columns.lowerBound + l != j
        && precedes(i, columns.lowerBound + l, threshold: threshold, index: j)
      {
        total += 1
      }
    }
    return total
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
    if complete || candidates.worst - band[i] - maximumBand > exact[k - 1].key {
      return exact.prefix(k).map(\.index)
    }
    let keys = UnsafeMutablePointer<Double>.allocate(capacity: k)
    let indices = UnsafeMutablePointer<Int>.allocate(capacity: k)
    defer {
      keys.deallocate()
      indices.deallocate()
    }
    keys.initialize(repeating: .infinity, count: k)
    indices.initialize(repeating: -1, count: k)
    let best = SmallestList(keys: keys, indices: indices, capacity: k)
    for l in 0..<count where l != i {
      let value = key(i, l)
      if value < best.worst { best.insert(value, l) }
    }
    return (0..<k).map { indices[$0] }
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
