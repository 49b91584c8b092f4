// GaussianMixture+EM: the E-step, M-step and Cholesky algebra of the Gaussian mixture, in
// Double, following scikit-learn's _gaussian_mixture.py.

import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The parameters of a Gaussian mixture with `k` components in `d` dimensions.
struct MixtureParameters: Sendable {
  let covariance: GaussianMixture.CovarianceType
  let dimension: Int
  /// `[k]`, summing to 1.
  var weights: [Double]
  /// `[k · d]`.
  var means: [Double]
  /// `[k · d · d]` (full) or `[k · d]` (diagonal).
  var covariances: [Double]
  /// The precision's Cholesky factor `U` with `Σ⁻¹ = U·Uᵀ`, upper triangular, `[k · d · d]`
  /// (full); or `1/√σ²`, `[k · d]` (diagonal).
  var precisionCholesky: [Double]

  var components: Int { weights.count }

  /// Fills ``precisionCholesky`` from the covariances.
  ///
  /// - Throws: ``ClusteringError/input(_:)`` with `InputError.invalidValue` when a covariance is
  ///   not positive definite.
  mutating func factorize(regularization: Double) throws(ClusteringError) {
    let d = dimension
    precisionCholesky = []
    for component in 0..<components {
      switch covariance {
      case .diagonal:
        for c in 0..<d {
          let variance = covariances[component * d + c]
          guard variance > 0 else { throw illDefined(component, regularization) }
          precisionCholesky.append(1 / variance.squareRoot())
        }
      case .full:
        let block = Array(covariances[(component * d * d)..<((component + 1) * d * d)])
        guard let lower = choleskyFactor(block, d) else {
          throw illDefined(component, regularization)
        }
        precisionCholesky += transposedInverseOfLowerTriangular(lower, d)
      }
    }
  }

  /// `Σ_c log U_cc` of every component: half the log-determinant of its precision.
  var logDeterminants: [Double] {
    let d = dimension
    return (0..<components).map { component in
      (0..<d).reduce(0.0) { total, c in
        switch covariance {
        case .diagonal: return total + log(precisionCholesky[component * d + c])
        case .full: return total + log(precisionCholesky[component * d * d + c * d + c])
        }
      }
    }
  }
}

private func illDefined(_ component: Int, _ regularization: Double) -> ClusteringError {
  .input(
    .invalidValue(
      parameter: "covariance of component \(component)", value: "not positive definite",
      constraint: "an ill-defined empirical covariance (singleton or collapsed samples); "
        + "decrease components, increase regularization (now \(regularization)) or scale "
        + "the data"))
}

/// The lower-triangular `L` with `A = L·Lᵀ` for a symmetric `d × d` row-major `A`, or `nil` if
/// `A` is not positive definite.
func choleskyFactor(_ a: [Double], _ d: Int) -> [Double]? {
  var l = [Double](repeating: 0, count: d * d)
  for row in 0..<d {
    for column in 0...row {
      var sum = a[row * d + column]
      for p in 0..<column { sum -= l[row * d + p] * l[column * d + p] }
      if row == column {
        guard sum > 0 else { return nil }
        l[row * d + row] = sum.squareRoot()
      } else {
        l[row * d + column] = sum / l[column * d + column]
      }
    }
  }
  return l
}

/// `(L⁻¹)ᵀ` for a lower-triangular `L`, by forward substitution on the identity.
func transposedInverseOfLowerTriangular(_ l: [Double], _ d: Int) -> [Double] {
  var inverse = [Double](repeating: 0, count: d * d)  // L⁻¹, lower triangular
  for column in 0..<d {
    for row in column..<d {
      var sum = row == column ? 1.0 : 0.0
      for p in column..<row { sum -= l[row * d + p] * inverse[p * d + column] }
      inverse[row * d + column] = sum / l[row * d + row]
    }
  }
  var transposed = [Double](repeating: 0, count: d * d)
  for row in 0..<d {
    for column in 0..<d { transposed[column * d + row] = inverse[row * d + column] }
  }
  return transposed
}

/// The data of a mixture fit and its EM steps.
struct MixtureProblem {
  let values: [Double]
  let count: Int
  let dimension: Int
  let configuration: GaussianMixture.Configuration
  /// `values` as a float64 tensor on the CPU backend, for the GEMMs.
  let data: Tensor

  init(values: [Double], count: Int, dimension: Int, configuration: GaussianMixture.Configuration) {
    self.values = values
    self.count = count
    self.dimension = dimension
    self.configuration = configuration
    data = Tensor(values, shape: [count, dimension], on: CPUBackend.shared)
  }

  /// The first parameters of run `run`: from k-means labels, a given partition, or as given.
  func initialParameters(run: Int, seed: UInt64, data original: Tensor) throws(ClusteringError)
    -> MixtureParameters
  {
    let k = configuration.components
    let d = dimension
    switch configuration.initialization {
    case .kMeans:
      let labels = try KMeans(clusters: k, runs: 1, seed: seed).fit(original).labels
      return try parameters(fromLabels: labels)
    case .partitions(let partitions):
      let labels = partitions[run]
      if labels.count != count {
        throw .input(
          .lengthMismatch(
            parameter: "initialization.partitions[\(run)]", count: labels.count, other: "x",
            otherCount: count))
      }
      return try parameters(fromLabels: labels)
    case .parameters(let weights, let means, let covariances):
      let width = configuration.covariance == .full ? d * d : d
      if let bad = means.first(where: { $0.count != d }) {
        throw .input(
          .featureMismatch(parameter: "initialization.means", features: bad.count, expected: d))
      }
      if let bad = covariances.first(where: { $0.count != width }) {
        throw .input(
          .invalidValue(
            parameter: "initialization.covariances", value: "rows of \(bad.count)",
            constraint: "need \(width) values per component"))
      }
      var parameters = MixtureParameters(
        covariance: configuration.covariance, dimension: d, weights: weights,
        means: means.flatMap { $0 }, covariances: covariances.flatMap { $0 },
        precisionCholesky: [])
      try parameters.factorize(regularization: configuration.regularization)
      return parameters
    }
  }

  /// The parameters estimated from the hard responsibilities of `labels`.
  func parameters(fromLabels labels: [Int]) throws(ClusteringError) -> MixtureParameters {
    let k = configuration.components
    var responsibilities = [Double](repeating: 0, count: count * k)
    for (i, label) in labels.enumerated() { responsibilities[i * k + label] = 1 }
    return try estimate(responsibilities)
  }

  /// EM from `parameters` until the mean log-likelihood changes by less than the tolerance.
  func expectationMaximization(from initial: MixtureParameters) throws(ClusteringError)
    -> (parameters: MixtureParameters, lowerBound: Double, iterations: Int, converged: Bool)
  {
    var parameters = initial
    var lowerBound = -Double.infinity
    var iterations = 0
    var converged = false
    for iteration in 1...configuration.maxIterations {
      iterations = iteration
      let previous = lowerBound
      let (responsibilities, meanLogLikelihood) = expectation(parameters)
      parameters = try estimate(responsibilities)
      lowerBound = meanLogLikelihood
      if abs(lowerBound - previous) < configuration.tolerance {
        converged = true
        break
      }
    }
    return (parameters, lowerBound, iterations, converged)
  }

  /// The E-step: responsibilities `[n · k]` and the mean log-likelihood.
  func expectation(_ parameters: MixtureParameters) -> (responsibilities: [Double], mean: Double) {
    let k = parameters.components
    var logProbabilities = weightedLogProbabilities(parameters)
    var total = 0.0
    for i in 0..<count {
      let row = i * k
      let normalizer = rowLogSumExp(logProbabilities, start: row, width: k)
      total += normalizer
      for j in 0..<k { logProbabilities[row + j] = exp(logProbabilities[row + j] - normalizer) }
    }
    return (logProbabilities, total / Double(count))
  }

  /// The responsibilities of `parameters` and each sample's most responsible component.
  func responsibilities(_ parameters: MixtureParameters) -> (values: [Double], labels: [Int]) {
    let (values, _) = expectation(parameters)
    let k = parameters.components
    let labels = (0..<count).map { i in
      var best = 0
      for j in 1..<k where values[i * k + j] > values[i * k + best] { best = j }
      return best
    }
    return (values, labels)
  }

  /// `log π_k + log N(x_i | μ_k, Σ_k)`, `[n · k]`.
  func weightedLogProbabilities(_ parameters: MixtureParameters) -> [Double] {
    mixtureLogProbabilities(data, values, count, parameters)
  }

  /// The M-step: weights (the counts `n_k`, normalised), means and regularised covariances, with
  /// the precisions' Cholesky factors.
  func estimate(_ responsibilities: [Double]) throws(ClusteringError) -> MixtureParameters {
    let k = configuration.components
    let d = dimension
    let r = Tensor(responsibilities, shape: [count, k], on: CPUBackend.shared)
    // n_k gets 10·ε, as scikit-learn adds, so that an empty component does not divide by 0.
    let counts = r.sum(axis: 0).doubles.map { $0 + 10 * Double.ulpOfOne }
    let sums = matmul(r, data, transposeA: true).doubles  // [k, d]
    let means = (0..<(k * d)).map { sums[$0] / counts[$0 / d] }
    var covariances: [Double] = []
    for component in 0..<k {
      var weighted = [Double](repeating: 0, count: count * d)
      var centred = [Double](repeating: 0, count: count * d)
      for i in 0..<count {
        let responsibility = responsibilities[i * k + component]
        for c in 0..<d {
          let difference = values[i * d + c] - means[component * d + c]
          centred[i * d + c] = difference
          weighted[i * d + c] = responsibility * difference
        }
      }
      switch configuration.covariance {
      case .full:
        let product = matmul(
          Tensor(weighted, shape: [count, d], on: CPUBackend.shared),
          Tensor(centred, shape: [count, d], on: CPUBackend.shared), transposeA: true
        ).doubles
        for row in 0..<d {
          for column in 0..<d {
            let value = product[row * d + column] / counts[component]
            covariances.append(value + (row == column ? configuration.regularization : 0))
          }
        }
      case .diagonal:
        for c in 0..<d {
          var sum = 0.0
          for i in 0..<count { sum += weighted[i * d + c] * centred[i * d + c] }
          covariances.append(sum / counts[component] + configuration.regularization)
        }
      }
    }
    let total = counts.reduce(0, +)
    var parameters = MixtureParameters(
      covariance: configuration.covariance, dimension: d, weights: counts.map { $0 / total },
      means: means, covariances: covariances, precisionCholesky: [])
    try parameters.factorize(regularization: configuration.regularization)
    return parameters
  }
}

/// `log Σ_j exp(values[start + j])` over `j < width` (`width ≥ 1`), shifted by the row's
/// maximum so that it does not overflow.
///
/// By index rather than through a slice: a slice of an array that is still alive when the
/// caller then writes into that array makes the write copy the whole array (copy on write),
/// which a profile of a 70,000-point fit showed as 95 % of its time.
func rowLogSumExp(_ values: [Double], start: Int, width: Int) -> Double {
  var maximum = values[start]
  for j in 1..<width where values[start + j] > maximum { maximum = values[start + j] }
  var sum = 0.0
  for j in 0..<width { sum += exp(values[start + j] - maximum) }
  return maximum + log(sum)
}

/// `log π_k + log N(x_i | μ_k, Σ_k)` for every sample of `data` (`[n, d]` float64 on the CPU,
/// `values` its elements) and component, `[n · k]`.
///
/// `log N = −½(d·log 2π + ‖(x − μ)ᵀU‖²) + Σ log U_cc`, with `U` the precision's Cholesky
/// factor (one `[n, d]·[d, d]` GEMM per full component).
func mixtureLogProbabilities(
  _ data: Tensor, _ values: [Double], _ n: Int, _ parameters: MixtureParameters
) -> [Double] {
  let k = parameters.components
  let d = parameters.dimension
  let logDeterminants = parameters.logDeterminants
  let constant = Double(d) * log(2 * Double.pi)
  var result = [Double](repeating: 0, count: n * k)
  for component in 0..<k {
    let mean = Array(parameters.means[(component * d)..<((component + 1) * d)])
    var squares = [Double](repeating: 0, count: n)
    switch parameters.covariance {
    case .full:
      let factor = Tensor(
        Array(parameters.precisionCholesky[(component * d * d)..<((component + 1) * d * d)]),
        shape: [d, d], on: CPUBackend.shared)
      let projected = matmul(data, factor).doubles  // [n, d]
      let shift = matmul(Tensor(mean, shape: [1, d], on: CPUBackend.shared), factor).doubles
      for i in 0..<n {
        var sum = 0.0
        for c in 0..<d {
          let y = projected[i * d + c] - shift[c]
          sum += y * y
        }
        squares[i] = sum
      }
    case .diagonal:
      let precision = Array(parameters.precisionCholesky[(component * d)..<((component + 1) * d)])
      for i in 0..<n {
        var sum = 0.0
        for c in 0..<d {
          let y = (values[i * d + c] - mean[c]) * precision[c]
          sum += y * y
        }
        squares[i] = sum
      }
    }
    let offset = log(parameters.weights[component]) + logDeterminants[component]
    for i in 0..<n { result[i * k + component] = -0.5 * (constant + squares[i]) + offset }
  }
  return result
}
