// UMAP+FuzzySimplicialSet: smooth kNN distances, membership strengths and the fuzzy union.

import Foundation
import Tensor

extension UMAP {
  /// Per-point `σ` and `ρ` of umap-learn's `smooth_knn_dist`: `ρ_i` is the distance to the
  /// `localConnectivity`-th nearest non-zero neighbour (interpolated), and `σ_i` solves
  /// `Σ_{j ≥ 1} exp(−max(0, d_ij − ρ_i) / σ_i) = log₂ k` by bisection (64 steps, tolerance
  /// 10⁻⁵), floored at 10⁻³ times the mean neighbour distance.
  ///
  /// As in umap-learn, the first column is left out of the sum (it is the point itself in a
  /// fit, and the nearest training point in a transform).
  ///
  /// - Parameters:
  ///   - distances: Row-major `[n, k]` neighbour distances, nearest first.
  ///   - k: The neighbour count `k` in the target `log₂ k`.
  ///   - localConnectivity: The number of neighbours assumed connected.
  /// - Returns: `(sigmas, rhos)`, one each per row.
  static func smoothNeighborDistances(
    _ distances: [Double], rows n: Int, k: Int, localConnectivity: Double
  ) -> (sigmas: [Double], rhos: [Double]) {
    let tolerance = 1e-5
    let minimumScale = 1e-3
    let target = log2(Double(k))
    let meanDistance = distances.reduce(0, +) / Double(max(1, distances.count))
    var sigmas = [Double](repeating: 0, count: n)
    var rhos = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let row = distances[i * k..<(i + 1) * k]
      let nonZero = row.filter { $0 > 0 }
      var rho = 0.0
      if Double(nonZero.count) >= localConnectivity {
        let index = Int(localConnectivity.rounded(.down))
        let interpolation = localConnectivity - Double(index)
        if index > 0 {
          rho = nonZero[index - 1]
          if interpolation > tolerance {
            rho += interpolation * (nonZero[index] - nonZero[index - 1])
          }
        } else {
          rho = interpolation * nonZero[0]
        }
      } else if !nonZero.isEmpty {
        rho = nonZero.max()!
      }
      var (low, high, middle) = (0.0, Double.greatestFiniteMagnitude, 1.0)
      for _ in 0..<64 {
        var sum = 0.0
        for d in row.dropFirst() {
          let excess = d - rho
          sum += excess > 0 ? exp(-(excess / middle)) : 1
        }
        if abs(sum - target) < tolerance { break }
        if sum > target {
          high = middle
          middle = (low + high) / 2
        } else {
          low = middle
          middle = high >= .greatestFiniteMagnitude ? middle * 2 : (low + high) / 2
        }
      }
      let floor = minimumScale * (rho > 0 ? row.reduce(0, +) / Double(k) : meanDistance)
      sigmas[i] = max(middle, floor)
      rhos[i] = rho
    }
    return (sigmas, rhos)
  }

  /// The directed membership strengths `exp(−max(0, d_ij − ρ_i) / σ_i)` as an `n × columns`
  /// matrix (umap-learn's `compute_membership_strengths`); a point's entry for itself is 0 and
  /// dropped unless `bipartite`.
  static func membershipStrengths(
    indices: [Int], distances: [Double], rows n: Int, k: Int, columns: Int, sigmas: [Double],
    rhos: [Double], bipartite: Bool
  ) -> SparseMatrix {
    var rows: [[(column: Int, value: Double)]] = []
    rows.reserveCapacity(n)
    for i in 0..<n {
      var row: [(column: Int, value: Double)] = []
      for slot in 0..<k {
        let j = indices[i * k + slot]
        let d = distances[i * k + slot]
        let value: Double =
          if !bipartite && j == i {
            0
          } else if d - rhos[i] <= 0 || sigmas[i] == 0 {
            1
          } else {
            exp(-((d - rhos[i]) / sigmas[i]))
          }
        if value != 0 { row.append((j, value)) }
      }
      rows.append(row)
    }
    return SparseMatrix(rowCount: n, columnCount: columns, rows: rows)
  }

  /// The fuzzy simplicial set of a kNN graph that includes each point as its own first
  /// neighbour: membership strengths combined with their transpose as
  /// `mix · (A + Aᵀ − A∘Aᵀ) + (1 − mix) · A∘Aᵀ` (fuzzy union for `mix = 1`).
  ///
  /// - Returns: The symmetric graph and the per-point `σ`, `ρ`.
  static func fuzzySimplicialSet(
    _ graph: KNNGraph, localConnectivity: Double, mixRatio: Double
  ) -> (graph: SparseMatrix, sigmas: [Double], rhos: [Double]) {
    let (n, k) = (graph.count, graph.neighborCount)
    let (sigmas, rhos) = smoothNeighborDistances(
      graph.distances, rows: n, k: k, localConnectivity: localConnectivity)
    let directed = membershipStrengths(
      indices: graph.indices, distances: graph.distances, rows: n, k: k, columns: n,
      sigmas: sigmas, rhos: rhos, bipartite: false)
    let union = directed.merging(directed.transposed()) { a, b in
      mixRatio * (a + b - a * b) + (1 - mixRatio) * a * b
    }
    return (union.droppingZeros(), sigmas, rhos)
  }
}

extension SparseMatrix {
  /// This matrix without its stored zeros (SciPy's `eliminate_zeros`).
  func droppingZeros() -> SparseMatrix {
    var offsets = [0]
    var columns: [Int32] = []
    var kept: [Double] = []
    for row in 0..<rowCount {
      for k in rowOffsets[row]..<rowOffsets[row + 1] where values[k] != 0 {
        columns.append(columnIndices[k])
        kept.append(values[k])
      }
      offsets.append(columns.count)
    }
    return SparseMatrix(
      rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets, columnIndices: columns,
      values: kept)
  }
}
