// TSNE+Affinities: the input similarities P, by a per-point binary search to the perplexity.

import Foundation
import Tensor

/// `numpy.finfo(np.double).eps`, the floor scikit-learn puts under P and Q.
let machineEpsilon = Double.ulpOfOne

extension TSNE {
  /// The symmetric joint probabilities P over a kNN graph (scikit-learn's
  /// `_joint_probabilities_nn`).
  ///
  /// For each point a Gaussian precision β is found by binary search so that the conditional
  /// distribution `p_{j|i} ∝ exp(−β d²_ij)` over its graph neighbours has perplexity
  /// `perplexity` (``conditionalProbabilities(squaredDistances:excluding:perplexity:into:)``);
  /// then `P = (C + Cᵀ) / Σ(C + Cᵀ)`.
  ///
  /// - Parameters:
  ///   - graph: Neighbours of each point without the point itself; t-SNE uses
  ///     `min(n − 1, ⌊3·perplexity⌋ + 1)` of them.
  ///   - perplexity: The target perplexity.
  ///   - threads: Threads for the per-point searches; `nil` follows `CPUBackend.blasThreads`.
  /// - Returns: A symmetric `n × n` matrix summing to 1.
  /// - Throws: ``ManifoldError/input(_:)`` for a non-positive perplexity.
  public static func jointProbabilities(
    neighbors graph: KNNGraph, perplexity: Double, threads: Int? = nil
  ) throws(ManifoldError) -> SparseMatrix {
    try ManifoldError.require(
      perplexity > 0 && perplexity.isFinite, "perplexity", perplexity, "a float in (0, inf)")
    let (n, k) = (graph.count, graph.neighborCount)
    var conditional = [Double](repeating: 0, count: n * k)
    var order = [Int32](repeating: 0, count: n * k)
    conditional.withUnsafeMutableBufferPointer { out in
      order.withUnsafeMutableBufferPointer { columns in
        let (out, columns) = (out, columns)
        forEachChunk(of: n, chunkSize: 256, threads: resolvedThreadCount(threads)) { _, chunk in
          var squared = [Double](repeating: 0, count: k)
          for i in chunk {
            // Columns in increasing order, as SciPy's sort_indices() leaves them.
            let neighbors = graph.indices[i * k..<(i + 1) * k].enumerated().sorted {
              $0.element < $1.element
            }
            for (slot, pair) in neighbors.enumerated() {
              let distance = graph.distances[i * k + pair.offset]
              squared[slot] = distance * distance
              columns[i * k + slot] = Int32(pair.element)
            }
            squared.withUnsafeBufferPointer { d in
              _ = conditionalProbabilities(
                squaredDistances: d, excluding: nil, perplexity: perplexity,
                into: out.baseAddress! + i * k)
            }
          }
        }
      }
    }
    let offsets = (0...n).map { $0 * k }
    let c = SparseMatrix(
      rowCount: n, columnCount: n, rowOffsets: offsets, columnIndices: order, values: conditional)
    let joint = c + c.transposed()
    return joint.scaled(by: 1 / max(joint.sum, machineEpsilon))
  }

  /// The joint probabilities P over every pair (scikit-learn's `_joint_probabilities`, used by
  /// its exact method): conditional distributions over all other points, symmetrised,
  /// normalised, and floored at machine epsilon.
  ///
  /// - Parameters:
  ///   - data: The samples, one per row.
  ///   - perplexity: The target perplexity; must be below the number of samples.
  ///   - metric: The input distance (squared in the Gaussian).
  ///   - threads: Threads for the searches; `nil` follows `CPUBackend.blasThreads`.
  /// - Returns: An `n × n` matrix storing every off-diagonal entry.
  /// - Throws: ``ManifoldError`` for invalid data or `perplexity >= n` (RELIABILITY I14).
  /// - Complexity: O(n²·d) time and O(n²) memory.
  ///
  /// Shape: `data` is `[n, d]`; the result is `n × n`.
  public static func jointProbabilities(
    allPointsOf data: Tensor, perplexity: Double, metric: DistanceMetric = .euclidean,
    threads: Int? = nil
  ) throws(ManifoldError) -> SparseMatrix {
    let matrix = try HostMatrix(validating: data, parameter: "data")
    try checkPerplexity(perplexity, samples: matrix.rows)
    return allPointsJointProbabilities(
      matrix, perplexity: perplexity, metric: metric, threads: resolvedThreadCount(threads))
  }

  /// Throws unless `0 < perplexity < samples` (scikit-learn: "perplexity must be less than
  /// n_samples").
  static func checkPerplexity(_ perplexity: Double, samples: Int) throws(ManifoldError) {
    try ManifoldError.require(
      perplexity > 0 && perplexity.isFinite, "perplexity", perplexity, "a float in (0, inf)")
    guard perplexity < Double(samples) else {
      throw .tooFewSamples(
        samples: samples, parameter: "perplexity", value: "\(perplexity)",
        constraint: "less than n_samples")
    }
  }

  static func allPointsJointProbabilities(
    _ matrix: HostMatrix, perplexity: Double, metric: DistanceMetric, threads: Int
  ) -> SparseMatrix {
    let n = matrix.rows
    var p = allPairsSquaredDistances(matrix, metric: metric)
    p.withUnsafeMutableBufferPointer { buffer in
      let buffer = buffer
      forEachChunk(of: n, chunkSize: 64, threads: threads) { _, chunk in
        var row = [Double](repeating: 0, count: n)
        for i in chunk {
          let line = buffer.baseAddress! + i * n
          for j in 0..<n { row[j] = line[j] }
          row.withUnsafeBufferPointer { d in
            _ = conditionalProbabilities(
              squaredDistances: d, excluding: i, perplexity: perplexity, into: line)
          }
        }
      }
    }
    // Symmetrise in place, normalise, floor at machine epsilon (as scikit-learn does).
    var total = 0.0
    for i in 0..<n {
      for j in (i + 1)..<max(i + 1, n) {
        let value = p[i * n + j] + p[j * n + i]
        p[i * n + j] = value
        p[j * n + i] = value
        total += 2 * value
      }
    }
    let scale = 1 / max(total, machineEpsilon)
    var offsets = [0]
    var columns: [Int32] = []
    var values: [Double] = []
    columns.reserveCapacity(n * (n - 1))
    values.reserveCapacity(n * (n - 1))
    for i in 0..<n {
      for j in 0..<n where j != i {
        columns.append(Int32(j))
        values.append(max(p[i * n + j] * scale, machineEpsilon))
      }
      offsets.append(columns.count)
    }
    return SparseMatrix(
      rowCount: n, columnCount: n, rowOffsets: offsets, columnIndices: columns, values: values)
  }

  /// The conditional distribution `p_{j|i}` of one point: scikit-learn's
  /// `_binary_search_perplexity` step for step (β starts at 1, doubles or halves until
  /// bracketed, then bisects; entropy tolerance 10⁻⁵; at most 100 steps).
  ///
  /// With duplicate points (zero distances) the search still terminates: when the target
  /// entropy cannot be reached, β runs to its limit and the mass spreads evenly over the
  /// nearest ties (RELIABILITY I6).
  ///
  /// - Parameters:
  ///   - squaredDistances: Squared distances to the candidates.
  ///   - excluding: A candidate to leave out (the point itself in the all-points case); its
  ///     probability is set to 0.
  ///   - perplexity: The target perplexity `exp(H)`, H in nats.
  ///   - p: Where the probabilities go, one per candidate; they sum to 1.
  /// - Returns: The precision β found.
  @discardableResult
  public static func conditionalProbabilities(
    squaredDistances: UnsafeBufferPointer<Double>, excluding: Int?, perplexity: Double,
    into p: UnsafeMutablePointer<Double>
  ) -> Double {
    let count = squaredDistances.count
    let d = squaredDistances.baseAddress!
    let desiredEntropy = log(perplexity)
    var beta = 1.0
    var betaMin = -Double.infinity
    var betaMax = Double.infinity
    for _ in 0..<100 {
      var sumP = 0.0
      for j in 0..<count where j != excluding {
        p[j] = exp(-d[j] * beta)
        sumP += p[j]
      }
      if let excluded = excluding { p[excluded] = 0 }
      if sumP == 0 { sumP = Double(Float(1e-8)) }  // scikit-learn's float32 EPSILON_DBL
      var sumDistanceP = 0.0
      for j in 0..<count {
        p[j] /= sumP
        sumDistanceP += d[j] * p[j]
      }
      let entropy = log(sumP) + beta * sumDistanceP
      let difference = entropy - desiredEntropy
      if abs(difference) <= 1e-5 { break }
      if difference > 0 {
        betaMin = beta
        beta = betaMax == .infinity ? beta * 2 : (beta + betaMax) / 2
      } else {
        betaMax = beta
        beta = betaMin == -.infinity ? beta / 2 : (beta + betaMin) / 2
      }
    }
    return beta
  }
}

/// Every pairwise squared distance (squared correlation distance for ``DistanceMetric/correlation``),
/// as a dense row-major `n × n` float64 array, by row-blocked DGEMM on centred data.
func allPairsSquaredDistances(_ x: HostMatrix, metric: DistanceMetric) -> [Double] {
  let (n, d) = (x.rows, x.columns)
  var rows = [Double](repeating: 0, count: n * d)
  switch metric {
  case .euclidean:
    let means = x.columnMeans()
    for i in 0..<n {
      for c in 0..<d { rows[i * d + c] = x.value(i, c) - means[c] }
    }
  case .correlation:
    for i in 0..<n {
      var mean = 0.0
      for c in 0..<d { mean += x.value(i, c) }
      mean /= Double(d)
      var norm = 0.0
      for c in 0..<d { norm += (x.value(i, c) - mean) * (x.value(i, c) - mean) }
      norm = norm.squareRoot()
      if norm > 0 {
        for c in 0..<d { rows[i * d + c] = (x.value(i, c) - mean) / norm }
      }
    }
  }
  var out = [Double](repeating: 0, count: n * n)
  let norms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + rows[i * d + $1] * rows[i * d + $1] } }
  hostGEMM(transposeB: true, m: n, n: n, k: d, rows, lda: d, rows, ldb: d, &out, ldc: n)
  for i in 0..<n {
    for j in 0..<n {
      let g = out[i * n + j]
      var value: Double
      switch metric {
      case .euclidean: value = max(0, norms[i] + norms[j] - 2 * g)
      case .correlation:
        let zeroI = norms[i] == 0
        let zeroJ = norms[j] == 0
        value = zeroI || zeroJ ? (zeroI && zeroJ ? 0 : 1) : max(0, 1 - g)
        value *= value
      }
      out[i * n + j] = i == j ? 0 : value
    }
  }
  return out
}
