// DataParallelStructure: the start-of-epoch structure (P, labels, input centres, L_iso pairs)
// of data-parallel DCRL, computed on shards and combined so that every rank holds what the
// single-process EpochStructure holds, or its own rows of it.

import Clustering
import Distributed
import Tensor

extension EpochStructure {
  /// The structure of one epoch on one rank of a data-parallel run.
  ///
  /// `target` holds this rank's rows of P (or of the warm-up target); `labels`, `counts`,
  /// `inputCenters` and `pairs` are those of all rows, the same on every rank (the pairs in the
  /// single-process order).
  ///
  /// Communication: an all-gather of the `N` labels, an all-reduce of the `C` column sums of Q
  /// and of the `C × D` cluster sums; with pairs, an all-gather of the `N × m` codes, one
  /// all-to-all of the rows other ranks hold that this rank's pairs reach (at most `n_r·k`
  /// rows of `D`), and an all-gather of the pairs and their input distances.
  static func computeSharded(
    input x: Tensor, latent: Tensor, centers: Tensor, previousInputCenters: Tensor?,
    weights: EpochWeights, configuration c: DCRLConfiguration, warmUpPartition: [Int]?,
    context: ShardContext
  ) throws(DCRLError) -> EpochStructure {
    let q = softAssignment(latent, centers: centers, degreesOfFreedom: c.degreesOfFreedom)
    let localLabels = q.argmax(axis: 1)
    let labels = try context.gather(localLabels)
    var counts = [Int](repeating: 0, count: c.clusters)
    for label in labels { counts[label] += 1 }
    var target: Tensor?
    if weights.alpha > 0 {
      if let warmUpPartition, let smoothing = c.partitionWarmUp?.smoothing {
        target = smoothedOneHot(
          Array(warmUpPartition[context.shard.range]), classes: c.clusters,
          smoothing: smoothing, like: q)
      } else {
        let frequencies = try context.sum(q.sum(axis: 0).doubles)
        target = targetDistribution(q, frequencies: frequencies)
      }
    }
    let inputCenters = try globalClusterMeans(
      x, localLabels: localLabels, counts: counts, fallback: previousInputCenters,
      context: context)
    var pairs: IsometryPairs?
    if weights.fullDataStep {
      pairs = try shardedIsometryPairs(
        latent: try context.gatherRows(latent), input: x, labels: labels, clusters: c.clusters,
        neighbors: c.isometryNeighbors, context: context)
    }
    return EpochStructure(
      target: target, labels: labels, counts: counts, inputCenters: inputCenters, pairs: pairs)
  }
}

/// DEC's target distribution of this rank's rows of Q, given the column sums of all of Q.
func targetDistribution(_ q: Tensor, frequencies: [Double]) -> Tensor {
  let tiny = q.dtype == .float32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
  let f = Tensor(
    converting: frequencies.map { max($0, tiny) }, shape: [q.shape[1]], dtype: q.dtype,
    on: q.backend)
  let sharpened = q.squared() / f
  return sharpened / sharpened.sum(axis: 1).reshaped([q.shape[0], 1])
}

/// The input-space mean of every cluster over all ranks' rows, `[C, D]`; an empty cluster keeps
/// its `fallback` row (or zeros).
func globalClusterMeans(
  _ x: Tensor, localLabels: [Int], counts: [Int], fallback: Tensor?, context: ShardContext
) throws(DCRLError) -> Tensor {
  let clusters = counts.count
  let d = x.shape[1]
  let sums = try context.sum(x.scatteringRows(localLabels, rowCount: clusters).doubles)
  var means = [Double](repeating: 0, count: clusters * d)
  let previous = fallback?.doubles
  for cluster in 0..<clusters {
    for column in 0..<d {
      let index = cluster * d + column
      if counts[cluster] > 0 {
        means[index] = sums[index] / Double(counts[cluster])
      } else if let previous {
        means[index] = previous[index]
      }
    }
  }
  return Tensor(converting: means, shape: [clusters, d], dtype: x.dtype, on: x.backend)
}

/// The L_iso pairs of all rows in the single-process order, with each rank computing the input
/// distances of the pairs that start at its own rows.
///
/// The within-cluster neighbour search runs on the gathered codes (`[N, m]`, small), exactly as
/// one process runs it; the input rows a pair reaches on another rank are fetched, not
/// replicated.
func shardedIsometryPairs(
  latent: Tensor, input x: Tensor, labels: [Int], clusters: Int, neighbors: Int,
  context: ShardContext
) throws(DCRLError) -> IsometryPairs {
  let range = context.shard.range
  // This rank's pairs, cluster by cluster, in member order.
  let pairs = try withinClusterNeighbors(
    latent: latent, labels: labels, clusters: clusters, neighbors: neighbors,
    starting: { range.contains($0) })
  let (first, second, perCluster) = (pairs.first, pairs.second, pairs.perCluster)
  // The other ranks' rows these pairs reach, fetched once each.
  let remote = Array(Set(second.filter { !range.contains($0) })).sorted()
  let fetched = try context.fetchRows(remote, from: x)
  var slot: [Int: Int] = [:]
  for (index, row) in remote.enumerated() { slot[row] = x.shape[0] + index }
  let rows = remote.isEmpty ? x : Tensor.concatenatingRows([x, fetched])
  let base = range.lowerBound
  let scale = 1 / Double(x.shape[1]).squareRoot()
  let chunkSize = 8192
  var distances: [Double] = []
  for chunk in chunkRanges(first.count, chunkSize: chunkSize) {
    let a = x.gatheringRows(first[chunk].map { $0 - base })
    let b = rows.gatheringRows(second[chunk].map { slot[$0] ?? ($0 - base) })
    distances += (((a - b).squared().sum(axis: 1).clamped(lower: 1e-8).sqrt()) * scale).doubles
  }
  // Every rank's pairs, then the single-process order: cluster by cluster, rank by rank.
  let counts = try context.gather(perCluster)
  let firsts = try context.gather(first)
  let seconds = try context.gather(second)
  let allDistances = try collective { () throws(DistributedError) in
    try context.communicator.allGather(distances)
  }
  let ranks = context.shards.count
  var rankStarts: [Int] = []
  var total = 0
  for rank in 0..<ranks {
    rankStarts.append(total)
    total += counts[(rank * clusters)..<((rank + 1) * clusters)].reduce(0, +)
  }
  var cursor = [Int](repeating: 0, count: ranks)
  var orderedFirst: [Int] = []
  var orderedSecond: [Int] = []
  var orderedDistances: [Double] = []
  orderedFirst.reserveCapacity(total)
  orderedSecond.reserveCapacity(total)
  orderedDistances.reserveCapacity(total)
  for cluster in 0..<clusters {
    for rank in 0..<ranks {
      let count = counts[rank * clusters + cluster]
      let from = rankStarts[rank] + cursor[rank]
      orderedFirst += firsts[from..<(from + count)]
      orderedSecond += seconds[from..<(from + count)]
      orderedDistances += allDistances[rank][cursor[rank]..<(cursor[rank] + count)]
      cursor[rank] += count
    }
  }
  return IsometryPairs(
    first: orderedFirst, second: orderedSecond,
    inputDistances: Tensor(
      converting: orderedDistances, shape: [orderedDistances.count], dtype: x.dtype,
      on: x.backend),
    skippedClusters: pairs.skipped, truncatedClusters: pairs.truncated)
}
