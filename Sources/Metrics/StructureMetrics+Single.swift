// StructureMetrics+Single: each structure metric on its own, for one neighbourhood size or
// averaged over a range, running only the passes it needs.

import Tensor

/// Runs the passes `needs` asks for, after validating the inputs.
private func statistics(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int>, needs: StatisticsNeeds,
  blockSize: Int
) throws(MetricsError) -> NeighborhoodStatistics {
  let (x, z) = try validatedPair(x, z)
  try validateNeighbors(neighbors, samples: x.shape[0])
  try validateBlockSize(blockSize)
  return NeighborhoodStatistics(
    x: x, z: z, k: neighbors.upperBound, needs: needs, blockSize: blockSize)
}

private func average(_ range: ClosedRange<Int>, _ value: (Int) -> Double) -> Double {
  range.reduce(0.0) { $0 + value($1) } / Double(range.count)
}

/// Trustworthiness: to what extent the embedding's `k` nearest neighbours are also near in
/// the input space (Venna and Kaski 2001; Docs/Algorithm.md#structure-metrics).
///
/// `Trust(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_Z^k(i) \ N_X^k(i)} (r_X(i, j) − k)`;
/// equal to scikit-learn's `trustworthiness(X, Z, n_neighbors=k)` with ties broken by index.
/// Streams over the data without an `n × n` matrix; see
/// ``structureMetrics(_:_:neighbors:classLabels:blockSize:)`` for the method.
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - neighbors: `k`, with `1 ≤ k < n/2`.
///   - blockSize: Rows per GEMM tile.
/// - Returns: Trust(k) in `[0, 1]`; 1 for an isometry.
/// - Throws: ``MetricsError`` for invalid inputs or `k`.
/// - Complexity: O(n²·(D/2 + m + k)) time, O(n·(k + m) + b²) memory beyond a copy of `x`.
public func trustworthiness(
  _ x: Tensor, _ z: Tensor, neighbors: Int, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  try trustworthiness(x, z, neighbors: neighbors...neighbors, blockSize: blockSize)
}

/// The mean of Trust(k) over `neighbors` (the paper reports k = 3…7), from one pass.
///
/// - Throws: ``MetricsError`` for invalid inputs or neighbourhood sizes.
public func trustworthiness(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int>, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  let s = try statistics(
    x, z, neighbors: neighbors, needs: .latentNeighborRanks, blockSize: blockSize)
  return average(neighbors) { s.trustworthiness($0) }
}

/// Continuity: to what extent the input space's `k` nearest neighbours stay near in the
/// embedding (Venna and Kaski 2001; Docs/Algorithm.md#structure-metrics): trustworthiness with the
/// spaces swapped.
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - neighbors: `k`, with `1 ≤ k < n/2`.
///   - blockSize: Rows per GEMM tile.
/// - Returns: Cont(k) in `[0, 1]`.
/// - Throws: ``MetricsError`` for invalid inputs or `k`.
/// - Complexity: as ``trustworthiness(_:_:neighbors:blockSize:)-(_,_,Int,_)``.
public func continuity(
  _ x: Tensor, _ z: Tensor, neighbors: Int, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  try continuity(x, z, neighbors: neighbors...neighbors, blockSize: blockSize)
}

/// The mean of Cont(k) over `neighbors`, from one pass.
///
/// - Throws: ``MetricsError`` for invalid inputs or neighbourhood sizes.
public func continuity(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int>, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  let s = try statistics(
    x, z, neighbors: neighbors, needs: .inputNeighborRanks, blockSize: blockSize)
  return average(neighbors) { s.continuity($0) }
}

/// The relative rank error for one `k`: `(MRRE_XZ(k) + MRRE_ZX(k)) / 2` (Lee and Verleysen
/// 2007, as in the authors' code; Docs/Algorithm.md#structure-metrics).
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - neighbors: `k`, with `1 ≤ k < n/2`.
///   - blockSize: Rows per GEMM tile.
/// - Returns: The error, `≥ 0`; 0 when all ranks agree. Lower is better.
/// - Throws: ``MetricsError`` for invalid inputs or `k`.
public func relativeRankError(
  _ x: Tensor, _ z: Tensor, neighbors: Int, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  try relativeRankError(x, z, neighbors: neighbors...neighbors, blockSize: blockSize)
}

/// RRE as the paper reports it: `(mean_k MRRE_XZ(k) + mean_k MRRE_ZX(k)) / 2` over `neighbors`.
///
/// - Throws: ``MetricsError`` for invalid inputs or neighbourhood sizes.
public func relativeRankError(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int>, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  let s = try statistics(
    x, z, neighbors: neighbors, needs: [.latentNeighborRanks, .inputNeighborRanks],
    blockSize: blockSize)
  return (average(neighbors) { s.mrreXZ($0) } + average(neighbors) { s.mrreZX($0) }) / 2
}

/// Local geometric distortion for one `k`: the RMS difference of √dim-normalised distances to
/// each point's `k` nearest input-space neighbours (Docs/Algorithm.md#structure-metrics).
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - neighbors: `k`, with `1 ≤ k < n/2`.
///   - blockSize: Rows per GEMM tile.
/// - Returns: LGD(k), `≥ 0`. Lower is better.
/// - Throws: ``MetricsError`` for invalid inputs or `k`.
public func localGeometricDistortion(
  _ x: Tensor, _ z: Tensor, neighbors: Int, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  try localGeometricDistortion(x, z, neighbors: neighbors...neighbors, blockSize: blockSize)
}

/// The mean of LGD(k) over `neighbors` (the paper: k = 3…7).
///
/// - Throws: ``MetricsError`` for invalid inputs or neighbourhood sizes.
public func localGeometricDistortion(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int>, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  let s = try statistics(
    x, z, neighbors: neighbors, needs: .inputNeighborDistances, blockSize: blockSize)
  return average(neighbors) { s.localGeometricDistortion($0) }
}

/// RMRE: the root mean square difference between all pairwise distances in the two spaces,
/// `√((1/n²) Σ_{i,j} (d_X(i, j) − d_Z(i, j))²)` with `d = √max(d², 1e-8)`
/// (Docs/Algorithm.md#structure-metrics).
///
/// Distances are raw, not normalised by dimension, as in the authors' code (key `RMSE` there);
/// despite its name it is not an autoencoder's reconstruction error. `X`'s distances come from
/// GEMM tiles in `x`'s dtype (relative error about `D·u` per pair), summed in `Double`.
///
/// Shape: `x` is `[n, D]`, `z` is `[n, m]`.
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - blockSize: Rows per GEMM tile.
/// - Returns: RMRE, `≥ 0`. Lower is better.
/// - Throws: ``MetricsError`` for invalid inputs.
/// - Complexity: O(n²·(D/2 + m)) time, O(b² + n·m) memory beyond a copy of `x`.
public func rootMeanReconstructionError(
  _ x: Tensor, _ z: Tensor, blockSize: Int = 1024
) throws(MetricsError) -> Double {
  let (x, z) = try validatedPair(x, z)
  try validateBlockSize(blockSize)
  let n = x.shape[0]
  // The neighbour lists are not used; k = 1 keeps the candidate bookkeeping minimal.
  let s = NeighborhoodStatistics(
    x: x, z: z, k: Swift.min(1, n - 1), needs: .squaredErrorSum, blockSize: blockSize)
  return s.rootMeanReconstructionError
}
