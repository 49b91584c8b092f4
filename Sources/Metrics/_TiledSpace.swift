// _TiledSpace: a point set whose pairwise distances are streamed as GEMM tiles over the upper
// triangle, with every rank decision made exact by re-checking near-ties directly.

import Tensor

/// A point set split into row blocks, with what the tiled passes need to turn GEMM results into
/// exact comparisons.
///
/// A tile of squared distances is `s_il = ‖p_i‖² + ‖p_l‖² − 2·g_il` with `g = P_I·P_Jᵀ` from one
/// GEMM, all in the points' dtype. Its error is at most about `(D + 12)·u·(‖p_i‖² + ‖p_l‖²)`
/// (the dot-product bound `γ_D Σ|p_ic·p_lc|` plus the three roundings forming `s`, `u` the
/// dtype's unit roundoff), so a comparison of `s_il` with an exact threshold is decided by `s`
/// unless it falls within that band, and only then redone with the exact key
/// `max(Σ_c (p_ic − p_lc)², floor)` in `Double`. Ranks therefore are those of the exact keys:
/// independent of BLAS, thread count and tile size.
struct TiledSpace<Element: HostFloat>: @unchecked Sendable {
  let count: Int
  let dimension: Int
  let data: Tensor
  let values: UnsafeMutablePointer<Element>
  /// `‖p_i‖²` in `Double`.
  let norms: DoubleBuffer
  /// `‖p_i‖²` rounded to `Element`, as the tile keys use it.
  let elementNorms: HostBuffer<Element>
  /// `c_i`, with `|s_il − key(i, l)| ≤ c_i + c_l` for every pair.
  let band: DoubleBuffer
  /// `c_i` rounded up to `Element`, for the lower and upper keys `s_l ± c_l`.
  let elementBand: HostBuffer<Element>
  let maximumBand: Double
  /// Row blocks of `data`, each a separate tensor so that tiles need no copies.
  let blocks: [(range: Range<Int>, rows: Tensor)]
  /// Threads for the row loops between GEMMs.
  let workers: Int

  /// - Precondition: `data` is a matrix of `Element`s on a `CPUBackend`.
  init(_ data: Tensor, blockSize: Int, workers: Int) {
    self.data = data
    self.workers = workers
    count = data.shape[0]
    dimension = data.shape[1]
    values = Element.elements(of: data.storage)
    var norms = [Double](repeating: 0, count: count)
    for i in 0..<count {
      var sum = 0.0
      for c in 0..<dimension {
        let value = Double(values[i * dimension + c])
        sum += value * value
      }
      norms[i] = sum
    }
    // γ_D for the GEMM and the roundings of the norms and of s in Element, plus those of the
    // direct Double keys (at most about 2(D + 2)·u_Double·‖p_i − p_l‖²
    // ≤ 4(D + 2)·u_Double·(‖p_i‖² + ‖p_l‖²)), with slack.
    let scale =
      Double(dimension + 12) * Double(Element.ulpOfOne) / 2
      + 4 * Double(dimension + 4) * Double.ulpOfOne / 2
    self.norms = DoubleBuffer(norms)
    elementNorms = HostBuffer(norms.map { Element($0) })
    band = DoubleBuffer(norms.map { scale * $0 })
    elementBand = HostBuffer(
      norms.map { Element(scale * $0 * (1 + 4 * Double(Element.ulpOfOne))).nextUp })
    maximumBand = scale * (norms.max() ?? 0)
    let size = Swift.max(1, Swift.min(blockSize, count))
    blocks = chunkRanges(count, chunkSize: size).map { ($0, data.rows($0)) }
  }

  /// The raw squared distance `Σ_c (p_ic − p_lc)²` in `Double`, summed in a fixed pattern of
  /// four running sums; it is bit-for-bit symmetric in `i` and `l`.
  func squaredDistance(_ i: Int, _ l: Int) -> Double {
    let a = values + i &* dimension
    let b = values + l &* dimension
    var sums = SIMD4<Double>()
    var c = 0
    while c &+ 4 <= dimension {
      let difference = SIMD4(
        Double(a[c]) - Double(b[c]), Double(a[c &+ 1]) - Double(b[c &+ 1]),
        Double(a[c &+ 2]) - Double(b[c &+ 2]), Double(a[c &+ 3]) - Double(b[c &+ 3]))
      sums += difference * difference
      c &+= 4
    }
    var sum = sums.sum()
    while c < dimension {
      let difference = Double(a[c]) - Double(b[c])
      sum += difference * difference
      c &+= 1
    }
    return sum
  }

  /// The exact rank key `max(‖p_i − p_l‖², floor)`.
  func key(_ i: Int, _ l: Int) -> Double {
    Swift.max(squaredDistance(i, l), squaredDistanceFloor)
  }
}

/// What one tiled pass accumulates for every point.
///
/// Row `i`'s entries are touched only by the
/// worker that owns row `i` in a tile.
final class ScanState: @unchecked Sendable {
  let count: Int
  /// Candidate nearest neighbours per row, sorted by approximate key (0 for none).
  let candidateCapacity: Int
  let candidateKeys: SharedPointer<Double>
  let candidateIndices: SharedPointer<Int>
  /// Per row, `thresholdsPerRow` exact thresholds `(key, index)` whose rank is wanted, and the
  /// running number of points ordered before each.
  let thresholdsPerRow: Int
  let thresholdKeys: SharedPointer<Double>
  let thresholdIndices: SharedPointer<Int>
  let counts: SharedPointer<Int>
  /// Per row, `Σ_l (d_X − d_Z)²` over the ordered pairs attributed to it (RMRE), when wanted.
  let squaredErrors: SharedPointer<Double>?

  init(
    count: Int, candidates: Int, thresholds: [(key: Double, index: Int)] = [],
    squaredErrors: Bool = false
  ) {
    self.count = count
    candidateCapacity = candidates
    candidateKeys = .allocate(count * candidates, .infinity)
    candidateIndices = .allocate(count * candidates, -1)
    thresholdsPerRow = thresholds.count / Swift.max(count, 1)
    thresholdKeys = .allocate(thresholds.count, 0)
    thresholdIndices = .allocate(thresholds.count, 0)
    for (position, threshold) in thresholds.enumerated() {
      thresholdKeys[position] = threshold.key
      thresholdIndices[position] = threshold.index
    }
    counts = .allocate(thresholds.count, 0)
    self.squaredErrors = squaredErrors ? .allocate(count, 0) : nil
  }

  deinit {
    candidateKeys.deallocate()
    candidateIndices.deallocate()
    thresholdKeys.deallocate()
    thresholdIndices.deallocate()
    counts.deallocate()
    squaredErrors?.deallocate()
  }

  /// The candidate list of row `i`.
  func candidates(_ i: Int) -> SmallestList {
    SmallestList(
      keys: candidateKeys.base + i * candidateCapacity,
      indices: candidateIndices.base + i * candidateCapacity, capacity: candidateCapacity)
  }

  /// `1 +` the number of points ordered before each threshold: its rank.
  var ranks: [Int] { (0..<(count * thresholdsPerRow)).map { counts[$0] + 1 } }

  /// `Σ_{i,j} (d_X − d_Z)²`, summed over rows in order (independent of the worker count).
  var squaredErrorSum: Double {
    guard let squaredErrors else { return 0 }
    return (0..<count).reduce(0) { $0 + squaredErrors[$1] }
  }
}

extension TiledSpace {
  /// One pass over every tile of the upper triangle of the distance matrix.
  ///
  /// Each tile `(I, J)`, `J ≥ I`, is one GEMM; its rows are then processed for `i ∈ I` against
  /// `l ∈ J` and, through the transposed tile, for `l ∈ J` against `i ∈ I`.
  ///
  /// - Parameters:
  ///   - state: Candidates, thresholds, counts and squared errors, updated in place.
  ///   - companion: The other space, whose distances RMRE compares with these (same points).
  /// - Complexity: O(n²·D/2) multiply-adds in GEMM and O(n²·k) in the scans; O(b²) scratch.
  func scan<Companion>(_ state: ScanState, companion: TiledSpace<Companion>?) {
    for (first, (rowRange, rowBlock)) in blocks.enumerated() {
      for (second, (columnRange, columnBlock)) in blocks.enumerated() where second >= first {
        let tile = matmul(rowBlock, columnBlock, transposeB: true)
        var companionTile: Tensor?
        if let companion, state.squaredErrors != nil {
          companionTile = matmul(
            companion.blocks[first].rows, companion.blocks[second].rows, transposeB: true)
        }
        let diagonal = first == second
        process(
          tile, rows: rowRange, columns: columnRange, state: state,
          companion: companionTile.map { (companion!, $0, diagonal ? 1.0 : 2.0) })
        if !diagonal {
          process(
            tile.transposed(), rows: columnRange, columns: rowRange, state: state,
            companion: nil as (space: TiledSpace<Companion>, tile: Tensor, weight: Double)?)
        }
      }
    }
  }

  private func process<Companion>(
    _ tile: Tensor, rows: Range<Int>, columns: Range<Int>, state: ScanState,
    companion: (space: TiledSpace<Companion>, tile: Tensor, weight: Double)? = nil
  ) {
    let products = SharedPointer(Element.elements(of: tile.storage))
    let companionProducts = companion.map { SharedPointer(Companion.elements(of: $0.tile.storage)) }
    forEachSlice(of: rows, workers: workers) { slice in
      let width = columns.count
      let scratch = RowScratch<Element>(width: width)
      defer { scratch.deallocate() }
      for i in slice {
        let offset = (i - rows.lowerBound) * width
        approximateKeys(i, products.base + offset, columns, into: scratch.keys)
        let own = columns.contains(i) ? i - columns.lowerBound : -1
        if let companion, let companionProducts {
          // RMRE: both spaces' squared distances of the same pairs; (i, i) contributes 0.
          var l = 0
          while l < width {
            scratch.wide[l] = Double(scratch.keys[l])
            l &+= 1
          }
          companion.space.widenedKeys(
            i, companionProducts.base + offset, columns, into: scratch.companion)
          if own >= 0 {
            scratch.wide[own] = 0
            scratch.companion[own] = 0
          }
          state.squaredErrors![i] +=
            companion.weight * squaredDistanceError(scratch.wide, scratch.companion, width)
        }
        if own >= 0 { scratch.keys[own] = .infinity }
        if state.candidateCapacity > 0 {
          state.candidates(i).offer(scratch.keys, 0..<width, base: columns.lowerBound)
        }
        if state.thresholdsPerRow > 0 {
          countPreceding(i, columns: columns, state: state, scratch: scratch)
        }
      }
    }
  }

  /// `s_il = ‖p_i‖² + ‖p_l‖² − 2·g_il` in `Double` for the columns of one tile row (RMRE).
  @inline(__always)
  func widenedKeys(
    _ i: Int, _ products: UnsafeMutablePointer<Element>, _ columns: Range<Int>,
    into keys: UnsafeMutablePointer<Double>
  ) {
    let columnNorms = norms.pointer + columns.lowerBound
    let ni = norms[i]
    var l = 0
    while l < columns.count {
      keys[l] = ni + columnNorms[l] - 2 * Double(products[l])
      l &+= 1
    }
  }

  /// `s_il = ‖p_i‖² + ‖p_l‖² − 2·g_il` in `Element` for the columns of one tile row.
  @inline(__always)
  func approximateKeys(
    _ i: Int, _ products: UnsafeMutablePointer<Element>, _ columns: Range<Int>,
    into keys: UnsafeMutablePointer<Element>
  ) {
    let columnNorms = elementNorms.pointer + columns.lowerBound
    let ni = elementNorms[i]
    var l = 0
    while l < columns.count {
      keys[l] = ni + columnNorms[l] - 2 * products[l]
      l &+= 1
    }
  }
}

/// `Σ_l (√max(a_l, floor) − √max(b_l, floor))²`, computed as `a + b − 2√(a·b)` (one square root
/// per pair; the cancellation it risks when the distances agree is far below the GEMM's own
/// rounding), with four running sums in a fixed pattern so that the loop vectorises and stays
/// deterministic.
@inline(__always)
func squaredDistanceError(
  _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ width: Int
) -> Double {
  @inline(__always) func term(_ l: Int) -> Double {
    let x = Swift.max(a[l], squaredDistanceFloor)
    let y = Swift.max(b[l], squaredDistanceFloor)
    return Swift.max(x + y - 2 * (x * y).squareRoot(), 0)
  }
  var sums = SIMD4<Double>()
  var l = 0
  while l &+ 4 <= width {
    sums += SIMD4(term(l), term(l &+ 1), term(l &+ 2), term(l &+ 3))
    l &+= 4
  }
  var sum = sums.sum()
  while l < width {
    sum += term(l)
    l &+= 1
  }
  return sum
}

/// Per-worker scratch for one tile row.
struct RowScratch<Element: HostFloat> {
  /// Approximate keys `s_l`.
  let keys: UnsafeMutablePointer<Element>
  /// The keys widened to `Double`, and the companion space's keys, for RMRE.
  let wide: UnsafeMutablePointer<Double>
  let companion: UnsafeMutablePointer<Double>
  /// Lower and upper keys `s_l ± c_l`.
  let lower: UnsafeMutablePointer<Element>
  let upper: UnsafeMutablePointer<Element>
  /// Lower and upper keys of the points near enough to matter for some threshold.
  let nearLower: UnsafeMutablePointer<Element>
  let nearUpper: UnsafeMutablePointer<Element>

  init(width: Int) {
    keys = .allocate(capacity: Swift.max(width, 1))
    wide = .allocate(capacity: Swift.max(width, 1))
    companion = .allocate(capacity: Swift.max(width, 1))
    lower = .allocate(capacity: Swift.max(width, 1))
    upper = .allocate(capacity: Swift.max(width, 1))
    nearLower = .allocate(capacity: Swift.max(width, 1))
    nearUpper = .allocate(capacity: Swift.max(width, 1))
  }

  func deallocate() {
    keys.deallocate()
    wide.deallocate()
    companion.deallocate()
    lower.deallocate()
    upper.deallocate()
    nearLower.deallocate()
    nearUpper.deallocate()
  }
}
