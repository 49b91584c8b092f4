// SupportVectorClassifier: C-SVC with an RBF kernel, trained by libsvm's SMO, one-vs-one for
// several classes (scikit-learn's SVC).

import Tensor

/// A C-support vector classifier with the RBF kernel K(a, b) = exp(−γ‖a − b‖²), with libsvm's
/// algorithm and scikit-learn's `SVC` defaults (Docs/Algorithm.md#presets).
///
/// * Training: for every pair of classes (i < j, classes in increasing order) a binary
///   problem with class i as +1, solved by libsvm's SMO (with second-order
///   working-set selection, optional shrinking and an LRU cache of float32 kernel columns) to
///   the maximal-violation tolerance.
/// * Prediction: every pair votes for i when its decision value Σ y_s α_s K(x_s, x) − ρ is
///   positive and for j otherwise; the class with most votes wins, the smallest on ties
///   (libsvm's rule).
/// * γ: ``Configuration/Gamma/auto`` = 1/d (scikit-learn 0.21's default),
///   ``Configuration/Gamma/scale`` = 1/(d·Var(X)) with the variance over all entries of the
///   training matrix (scikit-learn ≥ 0.22; 1 when the variance is 0), or a fixed value.
///
/// The solver is deterministic; ``Configuration/seed`` has no effect. Probability estimates
/// (scikit-learn's `probability=True`, Platt scaling with internal cross-validation) are not
/// provided; ``SupportVectorClassifierModel/decisionValues(_:)`` gives the one-vs-one scores.
public struct SupportVectorClassifier: Classifier, PresetClassifier {
  /// The hyperparameters of ``SupportVectorClassifier``.
  public struct Configuration: Sendable, Codable, Hashable, PresetConfiguration {
    /// How the RBF width γ is chosen.
    public enum Gamma: Sendable, Codable, Hashable {
      /// γ = 1/d (scikit-learn 0.21's default, `gamma='auto'`).
      case auto
      /// γ = 1/(d·Var(X)) (scikit-learn ≥ 0.22's default, `gamma='scale'`).
      case scale
      /// A fixed γ > 0.
      case value(Double)
    }

    /// C, the penalty of margin violations (1).
    public var cost = 1.0
    /// The RBF width (`.scale`).
    public var gamma = Gamma.scale
    /// The stopping tolerance on the maximal KKT violation (10⁻³).
    public var tolerance = 1e-3
    /// Whether SMO shrinks the active set (true).
    public var shrinking = true
    /// The kernel cache budget in MiB per binary problem (200).
    public var cacheMegabytes = 200.0
    /// The most SMO iterations per binary problem; `nil` is libsvm's max(10⁷, 100·l).
    public var maxIterations: Int? = nil
    /// Unused, since SMO is deterministic.
    ///
    /// Kept so that every classifier configuration can be seeded alike.
    public var seed: UInt64 = 0

    /// scikit-learn ≥ 0.22's defaults: C = 1, γ = 'scale', tol 10⁻³, shrinking, 200 MiB.
    public init() {}

    /// scikit-learn 0.21's defaults: C = 1, γ = 1/d ('auto'), tol 10⁻³, shrinking, 200 MiB.
    public static let sklearn021: Configuration = {
      var configuration = Configuration()
      configuration.gamma = .auto
      return configuration
    }()

    /// scikit-learn ≥ 0.22's defaults; the same as ``init()``.
    public static let modern = Configuration()

    /// Checks every field (RELIABILITY I20).
    ///
    /// - Throws: ``ClassifierError/input(_:)`` with `InputError.invalidValue` naming the first
    ///   invalid field.
    public func validate() throws(ClassifierError) {
      let check = ClassifierError.require
      try check(cost > 0 && cost.isFinite, "cost", cost, "must be positive and finite")
      if case .value(let value) = gamma {
        try check(value > 0 && value.isFinite, "gamma", value, "must be positive and finite")
      }
      try check(tolerance > 0 && tolerance.isFinite, "tolerance", tolerance, "must be positive")
      try check(
        cacheMegabytes > 0 && cacheMegabytes.isFinite, "cacheMegabytes", cacheMegabytes,
        "must be positive")
      if let maxIterations {
        try check(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1 or nil")
      }
    }
  }

  /// The hyperparameters.
  public var configuration: Configuration

  /// Creates a support vector classifier with `configuration` (scikit-learn ≥ 0.22's by
  /// default).
  public init(configuration: Configuration = .modern) {
    self.configuration = configuration
  }

  /// Trains one binary C-SVC per pair of classes on `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Complexity: per pair, O(iterations · active set) plus O(d) per kernel entry computed;
  ///   memory O(cache + n·d).
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  public func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError)
    -> SupportVectorClassifierModel
  {
    try configuration.validate()
    let data = try hostDoubles(x)
    let encoding = try LabelEncoding(labels, samples: data.rows)
    let gamma = resolvedGamma(data)
    // Group the samples by class, keeping their order within each class (libsvm's grouping).
    var members = [[Int]](repeating: [], count: encoding.count)
    for (index, label) in encoding.encoded.enumerated() { members[label].append(index) }
    var isSupport = [Bool](repeating: false, count: data.rows)
    var pairs: [(first: Int, second: Int, coefficients: [Double], rho: Double)] = []
    var iterations: [Int] = []
    var converged = true
    let cacheBytes = Int(configuration.cacheMegabytes * 1_048_576)
    data.values.withUnsafeBufferPointer { values in
      for first in 0..<encoding.count {
        for second in (first + 1)..<encoding.count {
          let rows = members[first] + members[second]
          let y = members[first].map { _ in 1.0 } + members[second].map { _ in -1.0 }
          let solver = SMOSolver(
            x: values.baseAddress!, dimension: data.columns, rows: rows, labels: y,
            cost: configuration.cost, gamma: gamma, tolerance: configuration.tolerance,
            cacheBytes: cacheBytes)
          let result = solver.solve(
            shrinking: configuration.shrinking, maxIterations: configuration.maxIterations)
          for (position, row) in rows.enumerated() where result.coefficients[position] != 0 {
            isSupport[row] = true
          }
          pairs.append((first, second, result.coefficients, result.rho))
          iterations.append(result.iterations)
          converged = converged && result.converged
        }
      }
    }
    // Support vectors ordered by class, then by training index, as libsvm stores them.
    let support = members.flatMap { $0.filter { isSupport[$0] } }
    let position = Dictionary(uniqueKeysWithValues: support.enumerated().map { ($1, $0) })
    var dualCoefficients: [[Double]] = []
    for pair in pairs {
      var row = [Double](repeating: 0, count: support.count)
      let rows = members[pair.first] + members[pair.second]
      for (k, index) in rows.enumerated() where isSupport[index] {
        row[position[index]!] = pair.coefficients[k]
      }
      dualCoefficients.append(row)
    }
    var supportVectors: [Double] = []
    supportVectors.reserveCapacity(support.count * data.columns)
    for index in support {
      supportVectors += data.values[(index * data.columns)..<((index + 1) * data.columns)]
    }
    return SupportVectorClassifierModel(
      classes: encoding.classes, featureCount: data.columns, gamma: gamma,
      supportIndices: support, supportVectors: supportVectors,
      supportCounts: members.map { $0.filter { isSupport[$0] }.count },
      pairCoefficients: dualCoefficients, rho: pairs.map(\.rho), iterations: iterations,
      converged: converged)
  }

  /// γ for this training matrix.
  func resolvedGamma(_ x: HostValues<Double>) -> Double {
    switch configuration.gamma {
    case .auto: return 1 / Double(x.columns)
    case .value(let value): return value
    case .scale:
      let count = Double(x.values.count)
      let mean = x.values.reduce(0, +) / count
      var variance = 0.0
      for value in x.values { variance += (value - mean) * (value - mean) }
      variance /= count
      return variance == 0 ? 1 : 1 / (Double(x.columns) * variance)
    }
  }
}
