// SMOSolver: libsvm's sequential minimal optimisation for the C-SVC dual with an RBF kernel:
// second-order working-set selection (WSS3), shrinking, gradient reconstruction, and ρ.

import Foundation

/// The result of one binary C-SVC solve.
struct SMOResult {
  /// y_i·α_i for every training point, in the caller's order.
  var coefficients: [Double]
  /// ρ: the decision function is Σ_i y_i α_i K(x_i, x) − ρ.
  var rho: Double
  /// SMO iterations (pairs updated).
  var iterations: Int
  /// Whether the maximal violation fell below the tolerance before the iteration limit.
  var converged: Bool
}

/// Solves min_α ½ αᵀQα − eᵀα subject to yᵀα = 0, 0 ≤ α_i ≤ C, with Q_ij = y_i y_j K(x_i, x_j)
/// and the RBF kernel K(a, b) = exp(−γ‖a − b‖²): libsvm's `Solver` for `solve_c_svc`
/// (Fan, Chen & Lin, JMLR 6, 2005).
///
/// * Working set: i maximises −y_i∇f_i over I_up, j minimises the second-order decrease
///   −(−y_i∇f_i + y_j∇f_j)²/(K_ii + K_jj − 2K_ij) over I_low (WSS3; τ = 10⁻¹² for
///   non-positive curvature); stop when the maximal violation m(α) − M(α) < `tolerance`.
/// * Shrinking every min(l, 1000) iterations: bounded variables whose gradient shows they will
///   stay bounded leave the active set; the full gradient is rebuilt from Ḡ (the bound
///   variables' contribution) once the violation falls below 10·tolerance and before stopping.
/// * Q columns come from a ``KernelCache`` of float32 values, as libsvm's `Qfloat`.
///
/// The variables are kept in libsvm's order and swapped as libsvm swaps them, so the sequence
/// of working sets — and therefore the solution — follows libsvm's.
final class SMOSolver {
  private let dimension: Int
  private let gamma: Double
  private let l: Int
  // Per-variable state, indexed by the variable's current position (libsvm swaps positions
  // when shrinking).
  /// The points, row `i` at `points + i·dimension`, moved along with their variables so that
  /// a kernel column reads the active points contiguously.
  private let points: UnsafeMutablePointer<Double>
  private let squaredNorms: UnsafeMutablePointer<Double>
  private let y: UnsafeMutablePointer<Double>
  private let alpha: UnsafeMutablePointer<Double>
  private let gradient: UnsafeMutablePointer<Double>
  private let boundGradient: UnsafeMutablePointer<Double>
  private let status: UnsafeMutablePointer<Status>
  private let activeSet: UnsafeMutablePointer<Int>
  /// Scratch for the squared distances of one kernel column.
  private let distances: UnsafeMutablePointer<Double>
  private var activeSize: Int
  private let cost: Double
  private let tolerance: Double
  private let cache: KernelCache
  private var unshrink = false

  private enum Status: UInt8 { case lower, upper, free }

  /// A solver for the points `rows` of the row-major `[*, dimension]` matrix `x`, labelled
  /// `labels` (±1), with penalty `cost` (C) and kernel width `gamma`.
  init(
    x: UnsafePointer<Double>, dimension: Int, rows: [Int], labels: [Double], cost: Double,
    gamma: Double, tolerance: Double, cacheBytes: Int
  ) {
    let l = rows.count
    self.l = l
    self.dimension = dimension
    self.gamma = gamma
    points = .allocate(capacity: l * dimension)
    squaredNorms = .allocate(capacity: l)
    for (position, row) in rows.enumerated() {
      var sum = 0.0
      for k in 0..<dimension {
        let value = x[row * dimension + k]
        points[position * dimension + k] = value
        sum += value * value
      }
      squaredNorms[position] = sum
    }
    y = .allocate(capacity: l)
    y.initialize(from: labels, count: l)
    alpha = .allocate(capacity: l)
    alpha.initialize(repeating: 0, count: l)
    // ∇f(0) = p = −e; Ḡ = 0 since no variable is at its upper bound.
    gradient = .allocate(capacity: l)
    gradient.initialize(repeating: -1, count: l)
    boundGradient = .allocate(capacity: l)
    boundGradient.initialize(repeating: 0, count: l)
    status = .allocate(capacity: l)
    status.initialize(repeating: .lower, count: l)
    activeSet = .allocate(capacity: l)
    activeSet.initialize(from: Array(0..<l), count: l)
    distances = .allocate(capacity: l)
    activeSize = l
    self.cost = cost
    self.tolerance = tolerance
    cache = KernelCache(count: l, bytes: cacheBytes)
  }

  deinit {
    activeSet.deallocate()
    for buffer in [points, squaredNorms, y, alpha, gradient, boundGradient, distances] {
      buffer.deallocate()
    }
    status.deallocate()
  }

  /// Runs SMO to the tolerance or `maxIterations` (libsvm's max(10⁷, 100·l) by default).
  func solve(shrinking: Bool, maxIterations: Int?) -> SMOResult {
    let limit =
      maxIterations ?? max(10_000_000, l > Int(Int32.max) / 100 ? Int(Int32.max) : 100 * l)
    var iteration = 0
    var counter = min(l, 1000) + 1
    while iteration < limit {
      counter -= 1
      if counter == 0 {
        counter = min(l, 1000)
        if shrinking { shrink() }
      }
      var pair = selectWorkingSet()
      if pair == nil {
        // Optimal on the active set: rebuild the whole gradient and check all variables.
        reconstructGradient()
        activeSize = l
        pair = selectWorkingSet()
        if pair == nil { break }
        counter = 1
      }
      iteration += 1
      update(pair!.i, pair!.j)
    }
    if iteration >= limit && activeSize < l {
      reconstructGradient()
      activeSize = l
    }
    let rho = computeRho()
    var coefficients = [Double](repeating: 0, count: l)
    for position in 0..<l { coefficients[activeSet[position]] = alpha[position] * y[position] }
    return SMOResult(
      coefficients: coefficients, rho: rho, iterations: iteration, converged: iteration < limit)
  }

  // MARK: Kernel columns

  /// Q[i][0..<length] as float32, computed where the cache lacks it.
  private func column(_ i: Int, length: Int) -> UnsafeMutablePointer<Float> {
    let (data, start) = cache.column(i, length: length)
    if start < length {
      let xi = points + i * dimension
      let yi = y[i]
      let normI = squaredNorms[i]
      for j in start..<length {
        let xj = points + j * dimension
        var dot = 0.0
        for k in 0..<dimension { dot += xi[k] * xj[k] }
        distances[j] = normI + squaredNorms[j] - 2 * dot
      }
      for j in start..<length {
        data[j] = Float(yi * y[j] * exp(-gamma * distances[j]))
      }
    }
    return data
  }

  // MARK: Working set

  /// The WSS3 pair, or `nil` when the maximal violation is below the tolerance.
  private func selectWorkingSet() -> (i: Int, j: Int)? {
    var gMax = -Double.infinity
    var gMax2 = -Double.infinity
    var best = -1
    for t in 0..<activeSize {
      if y[t] > 0 {
        if status[t] != .upper && -gradient[t] >= gMax {
          gMax = -gradient[t]
          best = t
        }
      } else if status[t] != .lower && gradient[t] >= gMax {
        gMax = gradient[t]
        best = t
      }
    }
    let i = best
    // K_ii = 1 for the RBF kernel, so QD = 1 everywhere.
    let qi: UnsafeMutablePointer<Float>? = i == -1 ? nil : column(i, length: activeSize)
    var bestJ = -1
    var smallest = Double.infinity
    for j in 0..<activeSize {
      if y[j] > 0 {
        guard status[j] != .lower else { continue }
        let difference = gMax + gradient[j]
        if gradient[j] >= gMax2 { gMax2 = gradient[j] }
        if difference > 0 {
          let curvature = 2 - 2 * y[i] * Double(qi![j])
          let decrease = -(difference * difference) / (curvature > 0 ? curvature : 1e-12)
          if decrease <= smallest {
            bestJ = j
            smallest = decrease
          }
        }
      } else {
        guard status[j] != .upper else { continue }
        let difference = gMax - gradient[j]
        if -gradient[j] >= gMax2 { gMax2 = -gradient[j] }
        if difference > 0 {
          let curvature = 2 + 2 * y[i] * Double(qi![j])
          let decrease = -(difference * difference) / (curvature > 0 ? curvature : 1e-12)
          if decrease <= smallest {
            bestJ = j
            smallest = decrease
          }
        }
      }
    }
    if gMax + gMax2 < tolerance || bestJ == -1 { return nil }
    return (i, bestJ)
  }

  // MARK: Update

  /// Solves the two-variable subproblem in (α_i, α_j) analytically, clips it to the box and
  /// updates ∇f and Ḡ.
  private func update(_ i: Int, _ j: Int) {
    let qi = column(i, length: activeSize)
    let qj = column(j, length: activeSize)
    let c = cost
    let oldI = alpha[i]
    let oldJ = alpha[j]
    if y[i] != y[j] {
      var curvature = 2 + 2 * Double(qi[j])
      if curvature <= 0 { curvature = 1e-12 }
      let delta = (-gradient[i] - gradient[j]) / curvature
      let difference = alpha[i] - alpha[j]
      alpha[i] += delta
      alpha[j] += delta
      if difference > 0 {
        if alpha[j] < 0 { (alpha[j], alpha[i]) = (0, difference) }
      } else if alpha[i] < 0 {
        (alpha[i], alpha[j]) = (0, -difference)
      }
      if difference > 0 {  // C_i − C_j = 0
        if alpha[i] > c { (alpha[i], alpha[j]) = (c, c - difference) }
      } else if alpha[j] > c {
        (alpha[j], alpha[i]) = (c, c + difference)
      }
    } else {
      var curvature = 2 - 2 * Double(qi[j])
      if curvature <= 0 { curvature = 1e-12 }
      let delta = (gradient[i] - gradient[j]) / curvature
      let sum = alpha[i] + alpha[j]
      alpha[i] -= delta
      alpha[j] += delta
      if sum > c {
        if alpha[i] > c { (alpha[i], alpha[j]) = (c, sum - c) }
      } else if alpha[j] < 0 {
        (alpha[j], alpha[i]) = (0, sum)
      }
      if sum > c {
        if alpha[j] > c { (alpha[j], alpha[i]) = (c, sum - c) }
      } else if alpha[i] < 0 {
        (alpha[i], alpha[j]) = (0, sum)
      }
    }
    let deltaI = alpha[i] - oldI
    let deltaJ = alpha[j] - oldJ
    for k in 0..<activeSize { gradient[k] += Double(qi[k]) * deltaI + Double(qj[k]) * deltaJ }
    let wasUpperI = status[i] == .upper
    let wasUpperJ = status[j] == .upper
    status[i] = boxStatus(alpha[i])
    status[j] = boxStatus(alpha[j])
    updateBoundGradient(i, wasUpper: wasUpperI)
    updateBoundGradient(j, wasUpper: wasUpperJ)
  }

  /// Ḡ ± C·Q_i when variable `i` reached or left its upper bound.
  private func updateBoundGradient(_ i: Int, wasUpper: Bool) {
    guard wasUpper != (status[i] == .upper) else { return }
    let q = column(i, length: l)
    let change = wasUpper ? -cost : cost
    for k in 0..<l { boundGradient[k] += change * Double(q[k]) }
  }

  private func boxStatus(_ value: Double) -> Status {
    value >= cost ? .upper : (value <= 0 ? .lower : .free)
  }

  // MARK: Shrinking

  /// Whether variable `i` is bounded and its gradient shows it will stay bounded.
  private func canShrink(_ i: Int, _ gMax1: Double, _ gMax2: Double) -> Bool {
    switch status[i] {
    case .upper: return y[i] > 0 ? -gradient[i] > gMax1 : -gradient[i] > gMax2
    case .lower: return y[i] > 0 ? gradient[i] > gMax2 : gradient[i] > gMax1
    case .free: return false
    }
  }

  private func shrink() {
    var gMax1 = -Double.infinity  // max −y_i∇f_i over I_up
    var gMax2 = -Double.infinity  // max y_i∇f_i over I_low
    for i in 0..<activeSize {
      if y[i] > 0 {
        if status[i] != .upper { gMax1 = max(gMax1, -gradient[i]) }
        if status[i] != .lower { gMax2 = max(gMax2, gradient[i]) }
      } else {
        if status[i] != .upper { gMax2 = max(gMax2, -gradient[i]) }
        if status[i] != .lower { gMax1 = max(gMax1, gradient[i]) }
      }
    }
    if !unshrink && gMax1 + gMax2 <= tolerance * 10 {
      unshrink = true
      reconstructGradient()
      activeSize = l
    }
    var i = 0
    while i < activeSize {
      if canShrink(i, gMax1, gMax2) {
        activeSize -= 1
        while activeSize > i {
          if !canShrink(activeSize, gMax1, gMax2) {
            swapVariables(i, activeSize)
            break
          }
          activeSize -= 1
        }
      }
      i += 1
    }
  }

  private func swapVariables(_ i: Int, _ j: Int) {
    cache.swapIndices(i, j)
    for k in 0..<dimension {
      (points[i * dimension + k], points[j * dimension + k]) =
        (points[j * dimension + k], points[i * dimension + k])
    }
    (squaredNorms[i], squaredNorms[j]) = (squaredNorms[j], squaredNorms[i])
    (y[i], y[j]) = (y[j], y[i])
    (gradient[i], gradient[j]) = (gradient[j], gradient[i])
    (status[i], status[j]) = (status[j], status[i])
    (alpha[i], alpha[j]) = (alpha[j], alpha[i])
    (activeSet[i], activeSet[j]) = (activeSet[j], activeSet[i])
    (boundGradient[i], boundGradient[j]) = (boundGradient[j], boundGradient[i])
  }

  /// Rebuilds ∇f of the inactive variables from Ḡ and the free variables.
  private func reconstructGradient() {
    guard activeSize < l else { return }
    for j in activeSize..<l { gradient[j] = boundGradient[j] - 1 }
    var free = 0
    for j in 0..<activeSize where status[j] == .free { free += 1 }
    if free * l > 2 * activeSize * (l - activeSize) {
      for i in activeSize..<l {
        let qi = column(i, length: activeSize)
        for j in 0..<activeSize where status[j] == .free { gradient[i] += alpha[j] * Double(qi[j]) }
      }
    } else {
      for i in 0..<activeSize where status[i] == .free {
        let qi = column(i, length: l)
        let a = alpha[i]
        for j in activeSize..<l { gradient[j] += a * Double(qi[j]) }
      }
    }
  }

  /// ρ: the mean of y_i∇f_i over free variables, else the midpoint of the feasible interval.
  private func computeRho() -> Double {
    var free = 0
    var upper = Double.infinity
    var lower = -Double.infinity
    var sum = 0.0
    for i in 0..<activeSize {
      let yg = y[i] * gradient[i]
      switch status[i] {
      case .upper:
        if y[i] < 0 { upper = min(upper, yg) } else { lower = max(lower, yg) }
      case .lower:
        if y[i] > 0 { upper = min(upper, yg) } else { lower = max(lower, yg) }
      case .free:
        free += 1
        sum += yg
      }
    }
    return free > 0 ? sum / Double(free) : (upper + lower) / 2
  }
}
