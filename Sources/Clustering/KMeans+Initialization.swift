// KMeans+Initialization: greedy k-means++ seeding (scikit-learn's variant), random samples and
// given centres.

import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LloydProblem {
  /// The initial centres of one run, in centred coordinates (`[k · d]`).
  func initialCenters(
    _ configuration: KMeans.Configuration, using rng: inout Xoshiro256
  ) -> [Double] {
    let k = configuration.clusters
    switch configuration.initialization {
    case .kMeansPlusPlus(let trials):
      return kMeansPlusPlus(k, localTrials: trials ?? 2 + Int(log(Double(k))), using: &rng)
    case .randomSamples:
      // The first k entries of a partial Fisher–Yates shuffle: k distinct uniform samples.
      var order = Array(0..<count)
      for position in 0..<k {
        let pick = position + Int(rng.next(upperBound: UInt64(count - position)))
        order.swapAt(position, pick)
      }
      return order.prefix(k).flatMap { row($0) }
    case .centers(let rows):
      return centred(rows.flatMap { $0 })
    }
  }

  /// Greedy k-means++ as scikit-learn's `_kmeans_plusplus`.
  ///
  /// The first centre is a sample drawn with probability proportional to its weight. Each
  /// further centre is chosen among `localTrials` candidates, each drawn with probability
  /// proportional to `w·D²` (`D` the distance to the nearest centre so far), as the one that
  /// most reduces the potential `Σ w·D²`. Squared distances to the candidates come from one
  /// GEMM per step.
  ///
  /// - Complexity: O(k · localTrials · n · d).
  func kMeansPlusPlus(_ k: Int, localTrials: Int, using rng: inout Xoshiro256) -> [Double] {
    var chosen = [sample(cumulative: runningSum(weights), using: &rng)]
    var closest = squaredDistances(from: chosen)[0]
    var potential = weightedSum(closest)
    while chosen.count < k {
      var weighted = closest
      for p in 0..<count { weighted[p] *= weights[p] }
      let cumulative = runningSum(weighted)
      let candidates = (0..<localTrials).map { _ in
        firstIndex(in: cumulative, reaching: rng.nextUnitDouble() * potential)
      }
      let distances = squaredDistances(from: candidates)
      var best = 0
      var bestPotential = Double.infinity
      var bestDistances: [Double] = []
      for (trial, row) in distances.enumerated() {
        var merged = row
        for p in 0..<count { merged[p] = Swift.min(merged[p], closest[p]) }
        let candidatePotential = weightedSum(merged)
        if candidatePotential < bestPotential {
          bestPotential = candidatePotential
          best = trial
          bestDistances = merged
        }
      }
      chosen.append(candidates[best])
      closest = bestDistances
      potential = bestPotential
    }
    return chosen.flatMap { row($0) }
  }

  /// `‖x_c − x_p‖²` for every chosen row `c` and every point `p`, clamped at 0, through one GEMM.
  func squaredDistances(from rows: [Int]) -> [[Double]] {
    if let columns { return squaredDistancesDirect(from: rows, columns: columns) }
    let products = matmul(data.gatheringRows(rows), data, transposeB: true)  // [rows, n]
    let g = T.elements(of: products.storage)
    return rows.enumerated().map { position, r in
      (0..<count).map { p in
        Swift.max(norms[r] + norms[p] - 2 * Double(g[position * count + p]), 0)
      }
    }
  }

  private func weightedSum(_ values: [Double]) -> Double {
    var total = 0.0
    for p in 0..<count { total += weights[p] * values[p] }
    return total
  }

  private func runningSum(_ values: [Double]) -> [Double] {
    var total = 0.0
    return values.map {
      total += $0
      return total
    }
  }

  /// A sample drawn with probability proportional to its weight.
  private func sample(cumulative: [Double], using rng: inout Xoshiro256) -> Int {
    firstIndex(in: cumulative, reaching: rng.nextUnitDouble() * cumulative[count - 1])
  }
}

/// The first index whose running sum reaches `value` (NumPy's `searchsorted(..., side="left")`),
/// clipped to the last index.
func firstIndex(in cumulative: [Double], reaching value: Double) -> Int {
  var low = 0
  var high = cumulative.count
  while low < high {
    let middle = (low + high) / 2
    if cumulative[middle] < value { low = middle + 1 } else { high = middle }
  }
  return Swift.min(low, cumulative.count - 1)
}
