// TSNE+Gradient: the KL objective, its attractive term over P, and the exact repulsive term.

import Foundation
import Tensor

/// The repulsive half of the t-SNE gradient: `Σ_{j≠i} w_ij² (y_i − y_j)` for every point and
/// the normaliser `Z = Σ_{i≠j} w_ij`, with `w_ij = 1 / (1 + ‖y_i − y_j‖²)`.
struct RepulsiveForces {
  /// `[n · dimensions]` forces, row-major.
  var forces: [Double]
  /// The (possibly approximated) normaliser Z.
  var normalizer: Double
}

/// The t-SNE objective at fixed P: KL(P‖Q) and its gradient.
///
/// The gradient `∂C/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j)` (van der Maaten and Hinton
/// 2008, equation 5) is split into an attractive sum over the stored entries of P and a repulsive sum over all pairs.
struct TSNEObjective {
  let count: Int
  let dimensions: Int
  let p: SparseMatrix
  let threads: Int
  var repulsion: any RepulsionMethod

  /// Writes the gradient for `positions` with P multiplied by `exaggeration` into `gradient`,
  /// and returns KL(P‖Q) for the unexaggerated P when `computeKL` is set (NaN otherwise).
  mutating func evaluate(
    _ positions: [Double], gradient: inout [Double], exaggeration: Double, computeKL: Bool
  ) -> Double {
    let repulsive = repulsion.forces(
      positions, count: count, dimensions: dimensions, threads: threads)
    let z = repulsive.normalizer
    let dims = dimensions
    let klTerms = positions.withUnsafeBufferPointer { y in
      gradient.withUnsafeMutableBufferPointer { g in
        repulsive.forces.withUnsafeBufferPointer { rep in
          p.rowOffsets.withUnsafeBufferPointer { offsets in
            p.columnIndices.withUnsafeBufferPointer { columns in
              p.values.withUnsafeBufferPointer { values in
                let kernel = AttractionKernel(
                  y: y.baseAddress!, gradient: g.baseAddress!, repulsion: rep.baseAddress!,
                  offsets: offsets.baseAddress!, columns: columns.baseAddress!,
                  values: values.baseAddress!, dimensions: dims, z: z, exaggeration: exaggeration)
                return deterministicSum(count, chunkSize: 512, threads: threads) { range in
                  dims == 2
                    ? kernel.rows2D(range, computeKL: computeKL)
                    : kernel.rows(range, computeKL: computeKL)
                }
              }
            }
          }
        }
      }
    }
    return computeKL ? klTerms : .nan
  }
}

/// The attractive sum over the stored entries of P combined with the repulsive forces into the
/// gradient, with the KL terms `p log(p / q)` when asked for (Q floored at machine epsilon, as
/// scikit-learn does).
private struct AttractionKernel {
  let y: UnsafePointer<Double>
  let gradient: UnsafeMutablePointer<Double>
  let repulsion: UnsafePointer<Double>
  let offsets: UnsafePointer<Int>
  let columns: UnsafePointer<Int32>
  let values: UnsafePointer<Double>
  let dimensions: Int
  let z: Double
  let exaggeration: Double

  @inline(__always)
  func klTerm(_ p: Double, _ w: Double) -> Double {
    p * log(max(p, machineEpsilon) / max(w / z, machineEpsilon))
  }

  /// Rows `range` for a 2-D embedding.
  func rows2D(_ range: Range<Int>, computeKL: Bool) -> Double {
    var kl = 0.0
    for i in range {
      let (xi, yi) = (y[2 * i], y[2 * i + 1])
      var (ax, ay) = (0.0, 0.0)
      for k in offsets[i]..<offsets[i + 1] {
        let j = Int(columns[k])
        let (dx, dy) = (xi - y[2 * j], yi - y[2 * j + 1])
        let w = 1 / (1 + dx * dx + dy * dy)
        let pw = values[k] * w
        ax += pw * dx
        ay += pw * dy
        if computeKL { kl += klTerm(values[k], w) }
      }
      gradient[2 * i] = 4 * (exaggeration * ax - repulsion[2 * i] / z)
      gradient[2 * i + 1] = 4 * (exaggeration * ay - repulsion[2 * i + 1] / z)
    }
    return kl
  }

  /// Rows `range` for any dimension.
  func rows(_ range: Range<Int>, computeKL: Bool) -> Double {
    let dims = dimensions
    var kl = 0.0
    var attraction = [Double](repeating: 0, count: dims)
    for i in range {
      for c in 0..<dims { attraction[c] = 0 }
      for k in offsets[i]..<offsets[i + 1] {
        let j = Int(columns[k])
        var squared = 0.0
        for c in 0..<dims {
          let difference = y[i * dims + c] - y[j * dims + c]
          squared += difference * difference
        }
        let w = 1 / (1 + squared)
        let pw = values[k] * w
        for c in 0..<dims { attraction[c] += pw * (y[i * dims + c] - y[j * dims + c]) }
        if computeKL { kl += klTerm(values[k], w) }
      }
      for c in 0..<dims {
        gradient[i * dims + c] = 4 * (exaggeration * attraction[c] - repulsion[i * dims + c] / z)
      }
    }
    return kl
  }
}

/// A way of computing ``RepulsiveForces``.
protocol RepulsionMethod {
  mutating func forces(
    _ positions: [Double], count: Int, dimensions: Int, threads: Int
  ) -> RepulsiveForces
}

/// Every pair, O(n²): the reference the approximations are tested against.
struct ExactRepulsion: RepulsionMethod {
  mutating func forces(
    _ positions: [Double], count n: Int, dimensions dims: Int, threads: Int
  ) -> RepulsiveForces {
    var forces = [Double](repeating: 0, count: n * dims)
    let z = positions.withUnsafeBufferPointer { y in
      forces.withUnsafeMutableBufferPointer { f in
        let (y, f) = (y.baseAddress!, f.baseAddress!)
        return deterministicSum(n, chunkSize: 64, threads: threads) { range in
          var partial = 0.0
          if dims == 2 {
            for i in range { partial += exactRow2D(i, y, n, f) }
          } else {
            for i in range {
              for j in 0..<n where j != i {
                var squared = 0.0
                for c in 0..<dims {
                  let difference = y[i * dims + c] - y[j * dims + c]
                  squared += difference * difference
                }
                let w = 1 / (1 + squared)
                partial += w
                for c in 0..<dims { f[i * dims + c] += w * w * (y[i * dims + c] - y[j * dims + c]) }
              }
            }
          }
          return partial
        }
      }
    }
    return RepulsiveForces(forces: forces, normalizer: z)
  }
}

/// One row of the exact 2-D repulsion, four pairs at a time; returns `Σ_{j≠i} w_ij`.
@inline(__always)
private func exactRow2D(
  _ i: Int, _ y: UnsafePointer<Double>, _ n: Int, _ f: UnsafeMutablePointer<Double>
) -> Double {
  let (xi, yi) = (y[2 * i], y[2 * i + 1])
  var sumW = SIMD4<Double>.zero
  var fx = SIMD4<Double>.zero
  var fy = SIMD4<Double>.zero
  var j = 0
  while j + 4 <= n {
    let dx = SIMD4(xi - y[2 * j], xi - y[2 * j + 2], xi - y[2 * j + 4], xi - y[2 * j + 6])
    let dy = SIMD4(
      yi - y[2 * j + 1], yi - y[2 * j + 3], yi - y[2 * j + 5], yi - y[2 * j + 7])
    var w = 1 / (1 + dx * dx + dy * dy)
    if i >= j && i < j + 4 { w[i - j] = 0 }
    sumW += w
    let w2 = w * w
    fx += w2 * dx
    fy += w2 * dy
    j += 4
  }
  var total = sumW.sum()
  var (rx, ry) = (fx.sum(), fy.sum())
  while j < n {
    if j != i {
      let (dx, dy) = (xi - y[2 * j], yi - y[2 * j + 1])
      let w = 1 / (1 + dx * dx + dy * dy)
      total += w
      rx += w * w * dx
      ry += w * w * dy
    }
    j += 1
  }
  f[2 * i] = rx
  f[2 * i + 1] = ry
  return total
}

extension TSNE {
  /// KL(P‖Q) and its gradient with respect to the embedding, as the optimiser sees them.
  ///
  /// With ``TSNE/Configuration/GradientMethod/exact`` this is scikit-learn's `_kl_divergence`
  /// (Q floored at machine epsilon in the KL); the approximate methods replace the repulsive
  /// sum and Z with their estimates, as scikit-learn's `_kl_divergence_bh` and openTSNE do.
  ///
  /// - Parameters:
  ///   - embedding: The points.
  ///   - affinities: P, e.g. from ``jointProbabilities(neighbors:perplexity:threads:)``.
  ///   - method: How the repulsive term is computed.
  ///   - threads: Threads for the loops; `nil` follows `CPUBackend.blasThreads`.
  /// - Returns: The KL divergence and the gradient (float64).
  /// - Throws: ``ManifoldError`` when the shapes disagree or the method does not support the
  ///   embedding's dimension.
  ///
  /// Shape: `embedding` is `[n, c]`, `affinities` is `n × n`; the gradient is `[n, c]`.
  public static func klDivergenceAndGradient(
    embedding: Tensor, affinities: SparseMatrix, method: Configuration.GradientMethod = .exact,
    threads: Int? = nil
  ) throws(ManifoldError) -> (klDivergence: Double, gradient: Tensor) {
    let points = try HostMatrix(validating: embedding, parameter: "embedding")
    guard affinities.rowCount == points.rows, affinities.columnCount == points.rows else {
      throw .input(
        .invalidValue(
          parameter: "affinities", value: "\(affinities.rowCount)×\(affinities.columnCount)",
          constraint: "must be a \(points.rows)×\(points.rows) matrix for \(points.rows) points"))
    }
    var configuration = Configuration()
    configuration.components = points.columns
    configuration.gradientMethod = method
    try configuration.validate()
    let positions = (0..<points.rows * points.columns).map {
      points.value($0 / points.columns, $0 % points.columns)
    }
    var objective = TSNEObjective(
      count: points.rows, dimensions: points.columns, p: affinities,
      threads: resolvedThreadCount(threads), repulsion: repulsionMethod(for: method))
    var gradient = [Double](repeating: 0, count: positions.count)
    let kl = objective.evaluate(positions, gradient: &gradient, exaggeration: 1, computeKL: true)
    return (kl, Tensor(gradient, shape: [points.rows, points.columns]))
  }

  /// The repulsion implementation for `method`.
  static func repulsionMethod(for method: Configuration.GradientMethod) -> any RepulsionMethod {
    switch method {
    case .exact: return ExactRepulsion()
    case .barnesHut(let angle): return BarnesHutRepulsion(angle: angle)
    case .fftInterpolation(let points, let intervals, let perUnit):
      return FFTRepulsion(
        pointsPerInterval: points, minimumIntervals: intervals, intervalsPerUnit: perUnit)
    }
  }
}
