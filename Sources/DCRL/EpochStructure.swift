// EpochStructure: what DCRL fixes at the start of each epoch (Docs/Algorithm.md#training step 1):
// the target
// distribution, the predicted clusters, their input-space centres and the L_iso pairs.

import Clustering
import Manifold
import Tensor

/// The quantities computed from a full-data pass at the start of an epoch and held fixed for the
/// rest of it.
struct EpochStructure {
  /// P (equation 2), `[N, C]`; `nil` when the epoch does not train L_C.
  var target: Tensor?
  /// π = argmax Q per sample.
  var labels: [Int]
  /// |M_c| for every cluster.
  var counts: [Int]
  /// v_c, the input-space mean of each predicted cluster, `[C, D]`; an empty cluster keeps its
  /// previous centre (Docs/Algorithm.md#presets).
  var inputCenters: Tensor
  /// The L_iso pairs; `nil` when the epoch takes no structure step.
  var pairs: IsometryPairs?

  /// Clusters without members.
  var emptyClusters: Int { counts.filter { $0 == 0 }.count }
}

/// Per-cluster means of the rows of `x` under `labels`; rows of empty clusters come from
/// `fallback` (or are zero without one).
///
/// Shape: `x` is `[n, d]`; the result is `[clusters, d]`.
func clusterMeans(_ x: Tensor, labels: [Int], clusters: Int, fallback: Tensor?) -> Tensor {
  var counts = [Int](repeating: 0, count: clusters)
  for label in labels { counts[label] += 1 }
  let inverse = Tensor(
    converting: counts.map { $0 > 0 ? 1 / Double($0) : 0 }, shape: [clusters, 1], dtype: x.dtype,
    on: x.backend)
  let means = x.scatteringRows(labels, rowCount: clusters) * inverse
  guard let fallback, counts.contains(0) else { return means }
  let rows = (0..<clusters).map {
    counts[$0] > 0 ? means.rows($0..<$0 + 1) : fallback.rows($0..<$0 + 1)
  }
  return Tensor.concatenatingRows(rows)
}

/// The L_iso pairs of Docs/Algorithm.md#losses.
///
/// For every point: its `neighbors` nearest other members of its own cluster in latent space
/// (ties by index), with the input distance of each pair divided by √D. A cluster with fewer than
/// two members contributes nothing; one with ≤ k
/// members uses min(k, size − 1) neighbours (Docs/Algorithm.md#presets).
///
/// Shape: `latent` is `[n, m]`, `input` is `[n, D]`, `labels` has n entries.
func isometryPairs(
  latent: Tensor, input: Tensor, labels: [Int], clusters: Int, neighbors: Int,
  chunkSize: Int = 8192
) throws(DCRLError) -> IsometryPairs {
  let pairs = try withinClusterNeighbors(
    latent: latent, labels: labels, clusters: clusters, neighbors: neighbors)
  let (first, second) = (pairs.first, pairs.second)
  let scale = 1 / Double(input.shape[1]).squareRoot()
  let parts = chunkRanges(first.count, chunkSize: chunkSize).map { chunk in
    let a = input.gatheringRows(Array(first[chunk]))
    let b = input.gatheringRows(Array(second[chunk]))
    return ((a - b).squared().sum(axis: 1).clamped(lower: 1e-8).sqrt()) * scale
  }
  let distances =
    parts.isEmpty
    ? Tensor.zeros([0], dtype: input.dtype, on: input.backend) : Tensor.concatenatingRows(parts)
  return IsometryPairs(
    first: first, second: second, inputDistances: distances, skippedClusters: pairs.skipped,
    truncatedClusters: pairs.truncated)
}

/// Every point's `neighbors` nearest other members of its own cluster in latent space.
///
/// Ties go by index; the pairs come cluster by cluster in member order, for the points
/// `starting` accepts (all by default). `perCluster` counts the pairs of each cluster, `skipped`
/// the clusters with a single member, `truncated` those with too few members for k (which use
/// min(k, size − 1)).
func withinClusterNeighbors(
  latent: Tensor, labels: [Int], clusters: Int, neighbors: Int,
  starting: (Int) -> Bool = { _ in true }
) throws(DCRLError) -> (
  first: [Int], second: [Int], perCluster: [Int], skipped: Int, truncated: Int
) {
  var members = [[Int]](repeating: [], count: clusters)
  for (index, label) in labels.enumerated() { members[label].append(index) }
  var perCluster = [Int](repeating: 0, count: clusters)
  var first: [Int] = []
  var second: [Int] = []
  var skipped = 0
  var truncated = 0
  for (cluster, group) in members.enumerated() {
    guard group.count >= 2 else {
      if !group.isEmpty { skipped += 1 }
      continue
    }
    let k = min(neighbors, group.count - 1)
    if k < neighbors { truncated += 1 }
    let positions = group.indices.filter { starting(group[$0]) }
    guard !positions.isEmpty else { continue }
    let graph = try manifold { () throws(ManifoldError) in
      try KNNGraph(
        exact: latent.gatheringRows(group), neighbors: k, metric: .euclidean, includeSelf: false)
    }
    for position in positions {
      for neighbor in graph.neighbors(of: position) {
        first.append(group[position])
        second.append(group[neighbor])
      }
      perCluster[cluster] += graph.neighbors(of: position).count
    }
  }
  return (first, second, perCluster, skipped, truncated)
}

extension EpochStructure {
  /// Computes the structure of one epoch from the start-of-epoch latent codes.
  ///
  /// With `warmUpPartition`, L_C's target is that partition, label-smoothed by
  /// ``DCRLConfiguration/partitionWarmUp``, instead of P.
  static func compute(
    input x: Tensor, latent: Tensor, centers: Tensor, previousInputCenters: Tensor?,
    weights: EpochWeights, configuration c: DCRLConfiguration, warmUpPartition: [Int]? = nil
  ) throws(DCRLError) -> EpochStructure {
    let q = softAssignment(latent, centers: centers, degreesOfFreedom: c.degreesOfFreedom)
    let labels = q.argmax(axis: 1)
    var counts = [Int](repeating: 0, count: c.clusters)
    for label in labels { counts[label] += 1 }
    var target: Tensor?
    if weights.alpha > 0 {
      if let warmUpPartition, let smoothing = c.partitionWarmUp?.smoothing {
        target = smoothedOneHot(warmUpPartition, classes: c.clusters, smoothing: smoothing, like: q)
      } else {
        target = targetDistribution(q)
      }
    }
    let inputCenters = clusterMeans(
      x, labels: labels, clusters: c.clusters, fallback: previousInputCenters)
    let pairs =
      weights.fullDataStep
      ? try isometryPairs(
        latent: latent, input: x, labels: labels, clusters: c.clusters,
        neighbors: c.isometryNeighbors)
      : nil
    return EpochStructure(
      target: target, labels: labels, counts: counts, inputCenters: inputCenters, pairs: pairs)
  }
}

/// Rows `1 − ε + ε/C` at each label and `ε/C` elsewhere, `[labels.count, classes]`, with the
/// dtype and backend of `like`.
func smoothedOneHot(_ labels: [Int], classes: Int, smoothing: Double, like: Tensor) -> Tensor {
  let off = smoothing / Double(classes)
  var values = [Double](repeating: off, count: labels.count * classes)
  for (row, label) in labels.enumerated() { values[row * classes + label] += 1 - smoothing }
  return Tensor(
    converting: values, shape: [labels.count, classes], dtype: like.dtype, on: like.backend)
}
