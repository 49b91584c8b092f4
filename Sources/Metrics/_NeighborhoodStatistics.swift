// _NeighborhoodStatistics: the streaming passes over X and Z that every structure metric is
// computed from: kNN lists in both spaces, the cross ranks of those neighbours, RMRE's sum.

import Tensor

/// Which quantities a metric needs, so that single-metric calls skip the passes they do not.
struct StatisticsNeeds: OptionSet {
  let rawValue: Int
  /// `N_Z^k` and `r_X` of those neighbours (trustworthiness, MRRE_ZX).
  static let latentNeighborRanks = StatisticsNeeds(rawValue: 1)
  /// `N_X^k` and `r_Z` of those neighbours (continuity, MRRE_XZ).
  static let inputNeighborRanks = StatisticsNeeds(rawValue: 2)
  /// `N_X^k` and the distances of those pairs in both spaces (LGD).
  static let inputNeighborDistances = StatisticsNeeds(rawValue: 4)
  /// `Σ_{i,j} (d_X − d_Z)²` (RMRE).
  static let squaredErrorSum = StatisticsNeeds(rawValue: 8)
  static let all: StatisticsNeeds = [
    .latentNeighborRanks, .inputNeighborRanks, .inputNeighborDistances, .squaredErrorSum,
  ]
}

/// Neighbour lists and ranks of every point for `k` neighbours in both spaces
/// (Docs/Algorithm.md#structure-metrics).
///
/// Ranks are 1-based among the other points (the point itself has rank 0) and exact: ties in
/// `max(d², 1e-8)` are broken by the lower index (RELIABILITY I6, M5).
struct NeighborhoodStatistics {
  let count: Int
  let inputDimension: Int
  let latentDimension: Int
  let k: Int
  /// `N_Z^k(i)`, nearest first, `[count · k]`.
  var latentNeighbors: [Int] = []
  /// `r_X(i, j)` for `j` in `latentNeighbors`.
  var inputRanksOfLatentNeighbors: [Int] = []
  /// `N_X^k(i)`, nearest first, `[count · k]`.
  var inputNeighbors: [Int] = []
  /// `r_Z(i, j)` for `j` in `inputNeighbors`.
  var latentRanksOfInputNeighbors: [Int] = []
  /// `‖x_i − x_j‖²` and `‖z_i − z_j‖²` for `j` in `inputNeighbors`.
  var inputNeighborSquaredDistances: (input: [Double], latent: [Double]) = ([], [])
  /// `Σ_{i,j} (d_X(i, j) − d_Z(i, j))²` over all ordered pairs.
  var squaredErrorSum = 0.0

  /// Runs the passes `needs` asks for.
  ///
  /// Order: a tiled pass over Z for `N_Z^k`; a tiled pass over X (kNN candidates, the X ranks
  /// of the Z neighbours, RMRE with the matching Z tiles); a tiled pass over Z for the Z ranks
  /// of the X neighbours. Every GEMM runs on OpenBLAS's threads; the row loops between them
  /// use as many workers, so there is one thread knob for the process (RELIABILITY R3). Each
  /// space computes its tiles in its own dtype (float32 GEMMs for float32 data).
  ///
  /// - Complexity: O(n²·(D + 2m)/2) multiply-adds in GEMM plus O(n²·k) in scans; O(b·(D + m) +
  ///   b² + n·k) memory beyond `x`, `z` and one blocked copy of each.
  init(x: Tensor, z: Tensor, k: Int, needs: StatisticsNeeds, blockSize: Int) {
    let workers = CPUBackend.blasThreads
    // Each space keeps its own dtype: its exact keys are those of the values as given.
    func space<T: HostFloat>(_ data: Tensor, _: T.Type) -> TiledSpace<T> {
      TiledSpace<T>(data, blockSize: blockSize, workers: workers)
    }
    switch (x.dtype, z.dtype) {
    case (.float32, .float32):
      self.init(space(x, Float.self), space(z, Float.self), k: k, needs: needs)
    case (.float32, .float64):
      self.init(space(x, Float.self), space(z, Double.self), k: k, needs: needs)
    case (.float64, .float32):
      self.init(space(x, Double.self), space(z, Float.self), k: k, needs: needs)
    case (.float64, .float64):
      self.init(space(x, Double.self), space(z, Double.self), k: k, needs: needs)
    }
  }

  private init<Element, Latent>(
    _ input: TiledSpace<Element>, _ latent: TiledSpace<Latent>, k: Int, needs: StatisticsNeeds
  ) {
    count = input.count
    inputDimension = input.dimension
    latentDimension = latent.dimension
    self.k = k
    // Eight spare candidates make the exact re-check of the k nearest almost never fall back.
    let candidates = Swift.min(k + 8, Swift.max(count - 1, 1))

    var thresholds: [(key: Double, index: Int)] = []
    if needs.contains(.latentNeighborRanks) {
      let state = ScanState(count: count, candidates: candidates)
      latent.scan(state, companion: nil as TiledSpace<Latent>?)
      latentNeighbors = latent.exactNeighbors(state, k: k)
      thresholds = latentNeighbors.enumerated().map {
        (input.key($0.offset / k, $0.element), $0.element)
      }
    }
    let wantsInputNeighbors = !needs.isDisjoint(with: [
      .inputNeighborRanks, .inputNeighborDistances,
    ])
    let state = ScanState(
      count: count, candidates: wantsInputNeighbors ? candidates : 0, thresholds: thresholds,
      squaredErrors: needs.contains(.squaredErrorSum))
    input.scan(state, companion: latent)
    squaredErrorSum = state.squaredErrorSum
    if needs.contains(.latentNeighborRanks) { inputRanksOfLatentNeighbors = state.ranks }
    if wantsInputNeighbors { inputNeighbors = input.exactNeighbors(state, k: k) }
    if needs.contains(.inputNeighborRanks) {
      let state = ScanState(
        count: count, candidates: 0,
        thresholds: inputNeighbors.enumerated().map {
          (latent.key($0.offset / k, $0.element), $0.element)
        })
      latent.scan(state, companion: nil as TiledSpace<Latent>?)
      latentRanksOfInputNeighbors = state.ranks
    }
    if needs.contains(.inputNeighborDistances) {
      inputNeighborSquaredDistances = (
        inputNeighbors.enumerated().map { input.squaredDistance($0.offset / k, $0.element) },
        inputNeighbors.enumerated().map { latent.squaredDistance($0.offset / k, $0.element) }
      )
    }
  }
}
