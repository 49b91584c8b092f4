// ClusterRankAccuracy: whether the distance ordering among cluster centres survives the
// embedding (CRA, Docs/Algorithm.md#structure-metrics).

import Tensor

/// Cluster rank accuracy between two sets of corresponding centres.
///
/// Forms the `C × C` distance matrices of `inputCenters` (`a_1…a_C`) and `latentCenters`
/// (`b_1…b_C`), sorts each row ascending (`√max(d², 1e-8)`, ties by lower index) into `s^X_c`
/// and `s^Z_c`, and returns `(1/C²) Σ_c Σ_t 1[s^X_c(t) = s^Z_c(t)]`
/// (Docs/Algorithm.md#structure-metrics). The self
/// position is included, as in the authors' code, so the result is at least `1/C`; 1 means every
/// centre orders the others identically in both spaces.
///
/// Which centres to compare is the caller's choice (Docs/Algorithm.md#structure-metrics,
/// Docs/Algorithm.md#presets):
/// 1. ground-truth class means of `X` and `Z` (the recommended primary number, any method):
///    ``clusterRankAccuracy(_:_:labels:)`` with the true labels;
/// 2. predicted-cluster input means `v_c` against DCRL's learned centres `μ_c` (what `L_rank`
///    optimises): this function;
/// 3. predicted-cluster means of `X` and `Z`: ``clusterRankAccuracy(_:_:labels:)`` with the
///    predicted labels.
///
/// Shape: `inputCenters` is `[C, D]` and `latentCenters` is `[C, m]`, row `c` of each
/// describing the same cluster.
/// - Parameters:
///   - inputCenters: The centres in the input space.
///   - latentCenters: The corresponding centres in the embedding.
/// - Returns: CRA in `[1/C, 1]`. Higher is better.
/// - Throws: ``MetricsError`` when either is not a non-empty finite matrix or their numbers of
///   rows differ.
/// - Complexity: O(C²·(D + m + log C)).
public func clusterRankAccuracy(
  inputCenters: Tensor, latentCenters: Tensor
) throws(MetricsError) -> Double {
  let (a, b) = try validatedPair(
    inputCenters, latentCenters, names: ("inputCenters", "latentCenters"))
  let c = a.shape[0]
  let orderA = rowOrders(a.doubles, count: c, dimension: a.shape[1])
  let orderB = rowOrders(b.doubles, count: c, dimension: b.shape[1])
  let matches = zip(orderA, orderB).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
  return Double(matches) / Double(c * c)
}

/// Cluster rank accuracy between the per-label means of `x` and of `z`.
///
/// Each distinct label (in ascending order) defines one centre in each space: the mean of its
/// rows. Pass the true labels for Docs/Algorithm.md#presets's primary variant, the predicted labels
/// for
/// predicted-cluster means; see ``clusterRankAccuracy(inputCenters:latentCenters:)``.
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`, `labels` has `n` entries.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - labels: The label of each point (any integers).
/// - Returns: CRA in `[1/C, 1]` for `C` distinct labels.
/// - Throws: ``MetricsError`` for invalid matrices or when the counts of `x`, `z` and `labels`
///   differ.
/// - Complexity: O(n·(D + m) + C²·(D + m)).
public func clusterRankAccuracy(
  _ x: Tensor, _ z: Tensor, labels: [Int]
) throws(MetricsError) -> Double {
  let (x, z) = try validatedPair(x, z)
  guard labels.count == x.shape[0] else {
    throw .input(
      .lengthMismatch(parameter: "labels", count: labels.count, other: "x", otherCount: x.shape[0]))
  }
  return try clusterRankAccuracy(
    inputCenters: try labelMeans(x, labels: labels),
    latentCenters: try labelMeans(z, labels: labels))
}

/// The mean of the rows of `data` sharing each distinct label, in ascending label order.
///
/// Shape: `data` is `[n, d]`; the result is `[C, d]` in float64 on `data`'s backend, for `C`
/// distinct labels.
/// - Throws: ``MetricsError`` when `data` is not a non-empty finite matrix or `labels` has the
///   wrong length.
public func labelMeans(_ data: Tensor, labels: [Int]) throws(MetricsError) -> Tensor {
  let host = try MetricsError.requireMatrix(data, "data").tensor
  let (n, d) = (host.shape[0], host.shape[1])
  guard labels.count == n else {
    throw .input(
      .lengthMismatch(parameter: "labels", count: labels.count, other: "data", otherCount: n))
  }
  let (values, index) = denseLabels(labels)
  let elements = host.doubles
  var sums = [Double](repeating: 0, count: values.count * d)
  var sizes = [Int](repeating: 0, count: values.count)
  for i in 0..<n {
    sizes[index[i]] += 1
    for c in 0..<d { sums[index[i] * d + c] += elements[i * d + c] }
  }
  for r in 0..<values.count {
    for c in 0..<d { sums[r * d + c] /= Double(sizes[r]) }
  }
  return Tensor(sums, shape: [values.count, d], on: data.backend)
}

/// For each row `c` of the `count × dimension` matrix, the indices of all rows sorted by
/// `max(‖a_c − a_t‖², 1e-8)`, ties by index; concatenated.
private func rowOrders(_ points: [Double], count: Int, dimension: Int) -> [Int] {
  var result: [Int] = []
  result.reserveCapacity(count * count)
  for c in 0..<count {
    let keys = (0..<count).map { t in
      var sum = 0.0
      for f in 0..<dimension {
        let difference = points[c * dimension + f] - points[t * dimension + f]
        sum += difference * difference
      }
      return Swift.max(sum, squaredDistanceFloor)
    }
    result += (0..<count).sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
  }
  return result
}
