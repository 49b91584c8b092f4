// StructureMetrics: trustworthiness, continuity, RRE, RMRE and LGD of an embedding, all from one
// streaming pass over the data, for every neighbourhood size at once.

import Tensor

/// How well an embedding `Z` preserves the geometry of its input `X`: the representation metrics
/// of the DCRL paper (Docs/Algorithm.md#structure-metrics), for each neighbourhood size and
/// averaged over them.
///
/// Produced by ``structureMetrics(_:_:neighbors:classLabels:blockSize:)``. The averages are the
/// numbers the paper reports (k = 3…7).
public struct StructureMetrics: Sendable, Hashable, Codable {
  /// The metrics that depend on the neighbourhood size, for one `k`.
  public struct Neighborhood: Sendable, Hashable, Codable {
    /// The neighbourhood size `k`.
    public var neighbors: Int
    /// Trust(k): whether the embedding's neighbours are true neighbours
    /// (Docs/Algorithm.md#structure-metrics).
    public var trustworthiness: Double
    /// Cont(k): whether true neighbours stay neighbours in the embedding
    /// (Docs/Algorithm.md#structure-metrics).
    public var continuity: Double
    /// MRRE_XZ(k): rank errors over the input-space neighbourhoods, relative to `r_X`
    /// (Docs/Algorithm.md#structure-metrics).
    public var mrreXZ: Double
    /// MRRE_ZX(k): rank errors over the embedding neighbourhoods, relative to `r_Z`.
    public var mrreZX: Double
    /// LGD(k): RMS of the √dim-normalised distance differences over the input-space
    /// neighbourhoods (Docs/Algorithm.md#structure-metrics).
    public var localGeometricDistortion: Double

    /// The relative rank error for this `k` alone: `(MRRE_XZ(k) + MRRE_ZX(k)) / 2`.
    public var relativeRankError: Double { (mrreXZ + mrreZX) / 2 }
  }

  /// One entry per neighbourhood size, in increasing order.
  public var neighborhoods: [Neighborhood]
  /// RMRE: the RMS difference of all pairwise distances (Docs/Algorithm.md#structure-metrics).
  ///
  /// Lower is better.
  public var rootMeanReconstructionError: Double
  /// CRA between the class means of `X` and `Z`, when class labels were given
  /// (Docs/Algorithm.md#structure-metrics).
  public var clusterRankAccuracy: Double?

  /// The mean of Trust(k) over the neighbourhood sizes.
  ///
  /// Higher is better.
  public var trustworthiness: Double { mean(\.trustworthiness) }
  /// The mean of Cont(k) over the neighbourhood sizes.
  ///
  /// Higher is better.
  public var continuity: Double { mean(\.continuity) }
  /// RRE = (mean MRRE_XZ + mean MRRE_ZX) / 2 (Docs/Algorithm.md#structure-metrics).
  ///
  /// Lower is better.
  public var relativeRankError: Double { (mean(\.mrreXZ) + mean(\.mrreZX)) / 2 }
  /// The mean of LGD(k) over the neighbourhood sizes.
  ///
  /// Lower is better.
  public var localGeometricDistortion: Double { mean(\.localGeometricDistortion) }

  private func mean(_ value: KeyPath<Neighborhood, Double>) -> Double {
    neighborhoods.reduce(0) { $0 + $1[keyPath: value] } / Double(neighborhoods.count)
  }
}

/// Computes every representation metric of the DCRL paper for an embedding, for each
/// neighbourhood size in `neighbors`, in one streaming pass.
///
/// The definitions are Docs/Algorithm.md#structure-metrics, following the authors' evaluation code:
/// - ranks: for point `i`, every other point sorted by `max(d², 1e-8)` ascending, ties by lower
///   index, the nearest at rank 1; `N^k(i)` holds ranks 1…k;
/// - `Trust(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_Z^k(i) \ N_X^k(i)} (r_X(i, j) − k)`,
///   and `Cont(k)` with the spaces swapped (scikit-learn's `trustworthiness` is `Trust(k)`);
/// - `MRRE_ZX(k) = (1/H_k) Σ_i Σ_{j ∈ N_Z^k(i)} |r_X − r_Z| / r_Z`, `MRRE_XZ` with the spaces
///   swapped, `H_k = n · Σ_{l=1}^{k} |2l − n| / l`;
/// - `RMRE = √((1/n²) Σ_{i,j} (d_X − d_Z)²)` with `d = √max(d², 1e-8)`, raw distances;
/// - `LGD(k) = √((1/(k·n)) Σ_i Σ_{j ∈ N_X^k(i)} (‖x_i − x_j‖/√D − ‖z_i − z_j‖/√m)²)`, with the
///   unclamped distances of the authors' code.
///
/// No `n × n` matrix is formed, so n = 70 000 fits in a few hundred megabytes (RELIABILITY R4).
/// Distances in `X` come from GEMM tiles over the upper triangle in `x`'s dtype; every rank is
/// nevertheless exact (comparisons closer than GEMM's rounding bound are redone with directly
/// computed `Double` distances), so the results do not depend on BLAS, threads or `blockSize`.
/// RMRE alone uses the GEMM distances, a relative error of about `D·u` per pair. Distances in
/// `Z` are computed directly in `Double`.
///
/// ```swift
/// let report = try structureMetrics(images, codes, neighbors: 3...7)
/// print(report.trustworthiness, report.continuity, report.relativeRankError)
/// ```
///
/// Shape: `x` is `[n, D]` and `z` is `[n, m]`, either dtype, on any backend (they are read on
/// the host; a `CPUBackend` tensor is not copied).
/// - Parameters:
///   - x: The input points.
///   - z: Their embedding.
///   - neighbors: The neighbourhood sizes; the paper averages over 3…7.
///   - classLabels: When given, CRA is computed between the class means of `x` and `z`
///     (Docs/Algorithm.md#presets's primary choice).
///   - blockSize: Rows per GEMM tile; memory grows as its square.
/// - Returns: The metrics for every `k` and their averages.
/// - Throws: ``MetricsError`` for empty or non-matrix inputs, differing sample counts, NaN/∞,
///   `neighbors` outside `1..<n/2`, or labels of the wrong length.
/// - Complexity: O(n²·(D/2 + m + k)) time: for n = 70 000, D = 784, m = 10 about 4·10¹² flops
///   of GEMM. O(n·(k + m) + b² + b·D) memory beyond a blocked copy of `x`.
public func structureMetrics(
  _ x: Tensor, _ z: Tensor, neighbors: ClosedRange<Int> = 3...7, classLabels: [Int]? = nil,
  blockSize: Int = 1024
) throws(MetricsError) -> StructureMetrics {
  let (x, z) = try validatedPair(x, z)
  let n = x.shape[0]
  try validateNeighbors(neighbors, samples: n)
  try validateBlockSize(blockSize)
  var cra: Double?
  if let classLabels {
    cra = try clusterRankAccuracy(x, z, labels: classLabels)
  }
  let statistics = NeighborhoodStatistics(
    x: x, z: z, k: neighbors.upperBound, needs: .all, blockSize: blockSize)
  return StructureMetrics(
    neighborhoods: neighbors.map { statistics.neighborhood($0) },
    rootMeanReconstructionError: statistics.rootMeanReconstructionError,
    clusterRankAccuracy: cra)
}

func validateBlockSize(_ blockSize: Int) throws(MetricsError) {
  try MetricsError.require(blockSize >= 1, "blockSize", blockSize, "must be at least 1")
}

extension NeighborhoodStatistics {
  /// `2/(n·k·(2n − 3k − 1))`, the normaliser of trustworthiness and continuity.
  private func trustScale(_ k: Int) -> Double {
    let n = Double(count)
    let k = Double(k)
    return 2 / (n * k * (2 * n - 3 * k - 1))
  }

  /// `H_k = n · Σ_{l=1}^{k} |2l − n| / l`.
  private func mrreScale(_ k: Int) -> Double {
    Double(count) * (1...k).reduce(0.0) { $0 + abs(Double(2 * $1 - count)) / Double($1) }
  }

  /// `1 − scale · Σ_i Σ_{t < k} max(0, rank_it − k)` over the first `k` neighbours of each row.
  private func trust(ranks: [Int], k: Int) -> Double {
    var sum = 0
    for i in 0..<count {
      for t in 0..<k where ranks[i * self.k + t] > k { sum += ranks[i * self.k + t] - k }
    }
    return 1 - trustScale(k) * Double(sum)
  }

  /// `(1/H_k) Σ_i Σ_{t < k} |r_other − r_own| / r_own`, where the neighbour at position `t` of
  /// a row has rank `r_own = t + 1` in its own space and `r_other` from `ranks` in the other.
  private func mrre(ranks: [Int], k: Int) -> Double {
    var sum = 0.0
    for i in 0..<count {
      for t in 0..<k {
        let own = Double(t + 1)
        let other = Double(ranks[i * self.k + t])
        sum += abs(other - own) / own
      }
    }
    return sum / mrreScale(k)
  }

  private func lgd(_ k: Int) -> Double {
    let (input, latent) = inputNeighborSquaredDistances
    let scaleX = 1 / Double(inputDimension).squareRoot()
    let scaleZ = 1 / Double(latentDimension).squareRoot()
    var sum = 0.0
    for i in 0..<count {
      for t in 0..<k {
        let difference =
          input[i * self.k + t].squareRoot() * scaleX - latent[i * self.k + t].squareRoot() * scaleZ
        sum += difference * difference
      }
    }
    return (sum / Double(k * count)).squareRoot()
  }

  var rootMeanReconstructionError: Double {
    (squaredErrorSum / (Double(count) * Double(count))).squareRoot()
  }

  /// Every `k`-dependent metric for `k ≤ self.k`.
  func neighborhood(_ k: Int) -> StructureMetrics.Neighborhood {
    StructureMetrics.Neighborhood(
      neighbors: k, trustworthiness: trustworthiness(k), continuity: continuity(k),
      mrreXZ: mrreXZ(k), mrreZX: mrreZX(k), localGeometricDistortion: lgd(k))
  }

  func trustworthiness(_ k: Int) -> Double { trust(ranks: inputRanksOfLatentNeighbors, k: k) }
  func continuity(_ k: Int) -> Double { trust(ranks: latentRanksOfInputNeighbors, k: k) }
  /// MRRE_XZ: over `N_X^k`, divided by `r_X`.
  func mrreXZ(_ k: Int) -> Double { mrre(ranks: latentRanksOfInputNeighbors, k: k) }
  /// MRRE_ZX: over `N_Z^k`, divided by `r_Z`.
  func mrreZX(_ k: Int) -> Double { mrre(ranks: inputRanksOfLatentNeighbors, k: k) }
  func localGeometricDistortion(_ k: Int) -> Double { lgd(k) }
}
