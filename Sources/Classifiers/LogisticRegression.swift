// LogisticRegression: L2-regularised logistic regression, multinomial by L-BFGS (scikit-learn
// ≥ 0.22) or one-vs-rest by liblinear's trust-region Newton method (scikit-learn 0.21).

import Tensor

/// L2-regularised logistic regression with scikit-learn's two historical defaults
/// (Docs/Algorithm.md#presets).
///
/// * ``Configuration/Solver/lbfgs`` (``Configuration/modern``, scikit-learn ≥ 0.22): one
///   multinomial model, minimising
///   (1/n)·Σ_i −log softmax(W x_i + b)_{y_i} + ‖W‖²/(2·C·n) by L-BFGS; the intercepts are not
///   penalised. With two classes it is the binomial model with one weight vector, as
///   scikit-learn fits it.
/// * ``Configuration/Solver/liblinear`` (``Configuration/sklearn021``, scikit-learn 0.21):
///   one binary problem per class (one-vs-rest; a single one for two classes), each minimising
///   ½‖w̃‖² + C·Σ_i log(1 + exp(−y_i w̃·[x_i, s])) with liblinear's trust-region Newton method
///   (`L2R_LR`). **The intercept is the weight of a constant feature s
///   (``Configuration/interceptScaling``) and is penalised like every other weight**, exactly
///   as liblinear does; a larger s weakens that penalty. Scores are the binary decision
///   values; probabilities are the per-class sigmoids renormalised to sum to 1.
///
/// Both solvers are deterministic; ``Configuration/seed`` has no effect.
///
/// ```swift
/// let model = try LogisticRegression(configuration: .sklearn021).fit(train, labels: y)
/// let accuracy = try model.score(test, labels: yTest)
/// ```
public struct LogisticRegression: Classifier, PresetClassifier {
  /// The hyperparameters of ``LogisticRegression``.
  public struct Configuration: Sendable, Codable, Hashable, PresetConfiguration {
    /// How the model is parameterised and optimised.
    public enum Solver: String, Sendable, Codable, Hashable, CaseIterable {
      /// Multinomial (softmax) model by L-BFGS, intercept unpenalised (scikit-learn ≥ 0.22).
      case lbfgs
      /// One-vs-rest binary models by liblinear's trust-region Newton method, intercept
      /// penalised (scikit-learn 0.21).
      case liblinear
    }

    /// The solver and model form (default `.lbfgs`).
    public var solver = Solver.lbfgs
    /// C, the inverse of the L2 regularisation strength (1).
    public var inverseRegularization = 1.0
    /// Whether to fit intercepts (true).
    public var fitIntercept = true
    /// s, the value of the constant feature whose weight is the intercept under liblinear (1).
    ///
    /// Ignored by L-BFGS, whose intercepts are separate, unpenalised parameters.
    public var interceptScaling = 1.0
    /// The most iterations: L-BFGS iterations, or Newton steps per binary problem (100).
    public var maxIterations = 100
    /// The stopping tolerance (10⁻⁴): L-BFGS stops when max|∇f| ≤ tolerance; liblinear when
    /// ‖∇f‖ ≤ tolerance·max(min(#pos, #neg), 1)/n·‖∇f(0)‖.
    public var tolerance = 1e-4
    /// The number of correction pairs L-BFGS keeps (10, scipy's `maxcor`).
    public var memory = 10
    /// Unused, since both solvers are deterministic.
    ///
    /// Kept so that every classifier configuration can be seeded alike.
    public var seed: UInt64 = 0

    /// scikit-learn ≥ 0.22's defaults: L-BFGS, multinomial, C = 1, 100 iterations, tol 10⁻⁴.
    public init() {}

    /// scikit-learn 0.21's defaults: liblinear, one-vs-rest, C = 1, penalised intercept
    /// (intercept_scaling 1), 100 iterations, tol 10⁻⁴.
    public static let sklearn021: Configuration = {
      var configuration = Configuration()
      configuration.solver = .liblinear
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
      try check(
        inverseRegularization > 0 && inverseRegularization.isFinite, "inverseRegularization",
        inverseRegularization, "must be positive and finite")
      try check(
        interceptScaling > 0 && interceptScaling.isFinite, "interceptScaling", interceptScaling,
        "must be positive and finite")
      try check(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
      try check(
        tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, "must be non-negative")
      try check(memory >= 1, "memory", memory, "must be ≥ 1")
    }
  }

  /// The hyperparameters.
  public var configuration: Configuration

  /// Creates a logistic regression with `configuration` (scikit-learn ≥ 0.22's by default).
  public init(configuration: Configuration = .modern) {
    self.configuration = configuration
  }

  /// Fits the model to `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Complexity: O(n·d·K) per objective evaluation, K the number of classes.
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  public func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError) -> LogisticRegressionModel {
    try configuration.validate()
    let data = try hostDoubles(x)
    let encoding = try LabelEncoding(labels, samples: data.rows)
    switch configuration.solver {
    case .liblinear: return fitLiblinear(data, encoding)
    case .lbfgs: return fitLBFGS(data, encoding)
    }
  }

  /// One binary TRON problem per class (one for two classes), positives = that class.
  private func fitLiblinear(_ x: HostValues<Double>, _ encoding: LabelEncoding)
    -> LogisticRegressionModel
  {
    let c = configuration
    let problems = encoding.count == 2 ? [1] : Array(0..<encoding.count)
    var coefficients: [Double] = []
    var intercepts: [Double] = []
    var iterations: [Int] = []
    var converged = true
    for positive in problems {
      let y = encoding.encoded.map { $0 == positive ? 1.0 : -1.0 }
      let positives = y.filter { $0 > 0 }.count
      let smaller = max(min(positives, x.rows - positives), 1)
      var objective = BinaryLogisticObjective(
        x: x, y: y, sampleWeights: [Double](repeating: c.inverseRegularization, count: x.rows),
        regularization: 1, interceptColumn: c.fitIntercept ? c.interceptScaling : nil,
        penalizeIntercept: true)
      let result = minimizeTrustRegionNewton(
        &objective, tolerance: c.tolerance * Double(smaller) / Double(x.rows),
        maxIterations: c.maxIterations)
      coefficients += result.weights[0..<x.columns]
      intercepts.append(c.fitIntercept ? c.interceptScaling * result.weights[x.columns] : 0)
      iterations.append(result.iterations)
      converged = converged && result.converged
    }
    return LogisticRegressionModel(
      classes: encoding.classes, featureCount: x.columns, coefficients: coefficients,
      intercepts: intercepts, form: encoding.count == 2 ? .binary : .oneVsRest,
      iterations: iterations, converged: converged)
  }

  /// One multinomial (or, for two classes, binomial) model by L-BFGS.
  private func fitLBFGS(_ x: HostValues<Double>, _ encoding: LabelEncoding)
    -> LogisticRegressionModel
  {
    let c = configuration
    let lambda = 1 / (c.inverseRegularization * Double(x.rows))
    let stride = x.columns + (c.fitIntercept ? 1 : 0)
    func minimize(
      _ dimension: Int, _ evaluate: ([Double]) -> (value: Double, gradient: [Double])
    ) -> LBFGSResult {
      minimizeLBFGS(
        start: [Double](repeating: 0, count: dimension), memory: c.memory,
        maxIterations: c.maxIterations, gradientTolerance: c.tolerance,
        reductionTolerance: 64 * Double.ulpOfOne, evaluate)
    }
    let result: LBFGSResult
    if encoding.count == 2 {
      var objective = BinaryLogisticObjective(
        x: x, y: encoding.encoded.map { $0 == 1 ? 1.0 : -1.0 },
        sampleWeights: [Double](repeating: 1 / Double(x.rows), count: x.rows),
        regularization: lambda, interceptColumn: c.fitIntercept ? 1 : nil,
        penalizeIntercept: false)
      result = minimize(stride) { objective.valueAndGradient($0) }
    } else {
      let objective = MultinomialLogisticObjective(
        x: x, labels: encoding.encoded, classCount: encoding.count, regularization: lambda,
        fitIntercept: c.fitIntercept)
      result = minimize(objective.dimension) { objective.valueAndGradient($0) }
    }
    let weights = result.x
    var coefficients: [Double] = []
    var intercepts: [Double] = []
    for row in 0..<(weights.count / stride) {
      coefficients += weights[(row * stride)..<(row * stride + x.columns)]
      intercepts.append(c.fitIntercept ? weights[row * stride + x.columns] : 0)
    }
    return LogisticRegressionModel(
      classes: encoding.classes, featureCount: x.columns, coefficients: coefficients,
      intercepts: intercepts, form: encoding.count == 2 ? .binary : .multinomial,
      iterations: [result.iterations], converged: result.converged)
  }
}

extension LogisticRegression {
  /// The objective ``fit(_:labels:)`` minimises and its gradient at `weights`.
  ///
  /// * `.lbfgs`, three or more classes: the multinomial objective
  ///   (1/n)·Σ_i [log Σ_k exp(z_ik) − z_{i,y_i}] + ‖W‖²/(2·C·n), `weights` laid out class by
  ///   class as `[W_0 (d), b_0, W_1 (d), b_1, …]` (no `b_k` without an intercept).
  /// * `.lbfgs`, two classes: (1/n)·Σ_i log(1 + exp(−y_i (w·x_i + b))) + ‖w‖²/(2·C·n), with
  ///   y_i = +1 for `classes[1]`; `weights` is `[w (d), b]`.
  /// * `.liblinear`: binary problem `problem` (the class `classes[problem]` against the rest;
  ///   with two classes the only problem has `classes[1]` positive),
  ///   ½‖w̃‖² + C·Σ_i log(1 + exp(−y_i w̃·[x_i, s])); `weights` is `[w (d), w_s]`, whose
  ///   intercept is s·w_s.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Returns: The objective and its gradient, laid out as `weights`.
  /// - Throws: ``ClassifierError`` for invalid input or configuration.
  /// - Precondition: `weights` has the documented length.
  public func objective(
    _ x: Tensor, labels: [Int], weights: [Double], problem: Int = 0
  ) throws(ClassifierError) -> (value: Double, gradient: [Double]) {
    try configuration.validate()
    let data = try hostDoubles(x)
    let encoding = try LabelEncoding(labels, samples: data.rows)
    let c = configuration
    if c.solver == .lbfgs && encoding.count > 2 {
      let objective = MultinomialLogisticObjective(
        x: data, labels: encoding.encoded, classCount: encoding.count,
        regularization: 1 / (c.inverseRegularization * Double(data.rows)),
        fitIntercept: c.fitIntercept)
      precondition(weights.count == objective.dimension, "objective: wrong weight count")
      return objective.valueAndGradient(weights)
    }
    let positive = encoding.count == 2 ? 1 : problem
    let liblinear = c.solver == .liblinear
    var objective = BinaryLogisticObjective(
      x: data, y: encoding.encoded.map { $0 == positive ? 1.0 : -1.0 },
      sampleWeights: [Double](
        repeating: liblinear ? c.inverseRegularization : 1 / Double(data.rows), count: data.rows),
      regularization: liblinear ? 1 : 1 / (c.inverseRegularization * Double(data.rows)),
      interceptColumn: c.fitIntercept ? (liblinear ? c.interceptScaling : 1) : nil,
      penalizeIntercept: liblinear)
    precondition(weights.count == objective.dimension, "objective: wrong weight count")
    return objective.valueAndGradient(weights)
  }
}
