// LogisticRegression: objectives (gradient checks), weights against scikit-learn, accuracy on
// the MNIST-PCA-10 embedding, presets and validation.

import Classifiers
import Tensor
import Testing
import _TestSupport

@Suite("LogisticRegression")
struct LogisticRegressionTests {
  let data = exactGolden.object("logistic")
  var x: Tensor { matrix(data.doubles("x"), columns: 4) }

  func configuration(_ solver: LogisticRegression.Configuration.Solver, tolerance: Double)
    -> LogisticRegression.Configuration
  {
    var c = LogisticRegression.Configuration()
    c.solver = solver
    c.tolerance = tolerance
    c.maxIterations = 1000
    return c
  }

  @Test(
    "every objective's gradient matches central differences (float64)",
    .tags(.gradient), arguments: ["three", "two"], LogisticRegression.Configuration.Solver.allCases)
  func objectiveGradient(_ name: String, _ solver: LogisticRegression.Configuration.Solver) throws {
    let labels = data.object(name).ints("y")
    var c = configuration(solver, tolerance: 1e-4)
    c.inverseRegularization = 0.7
    c.interceptScaling = 1.5
    let estimator = LogisticRegression(configuration: c)
    let classes = Set(labels).count
    let count = solver == .lbfgs && classes > 2 ? classes * 5 : 5
    var rng = Xoshiro256(seed: 11)
    let weights = (0..<count).map { _ in rng.nextStandardNormal() * 0.5 }
    for problem in 0..<(solver == .liblinear && classes > 2 ? classes : 1) {
      let (_, analytic) = try estimator.objective(
        x, labels: labels, weights: weights, problem: problem)
      let numeric = numericGradient(
        { try! estimator.objective(x, labels: labels, weights: $0, problem: problem).value },
        at: weights)
      expectClose(analytic, numeric, rtol: 1e-5, atol: 1e-7, "\(name) \(solver) \(problem)")
    }
  }

  @Test(
    "liblinear one-vs-rest weights match scikit-learn's (penalised intercept)", .tags(.golden),
    arguments: ["three", "two"])
  func liblinearWeights(_ name: String) throws {
    let labels = data.object(name).ints("y")
    let model = try LogisticRegression(configuration: configuration(.liblinear, tolerance: 1e-10))
      .fit(x, labels: labels)
    #expect(model.form == (name == "two" ? .binary : .oneVsRest))
    expectClose(
      model.coefficients, data.object(name).doubles("liblinear_coef"), rtol: 1e-6, atol: 1e-8)
    expectClose(
      model.intercepts, data.object(name).doubles("liblinear_intercept"), rtol: 1e-6, atol: 1e-8)
    let probabilities = try model.predictProbabilities(x.rows(0..<5))
    expectClose(
      probabilities.doubles, data.object(name).doubles("liblinear_proba"), rtol: 1e-6, atol: 1e-9)
  }

  @Test(
    "L-BFGS multinomial and binomial weights match scikit-learn's", .tags(.golden),
    arguments: ["three", "two"])
  func lbfgsWeights(_ name: String) throws {
    let labels = data.object(name).ints("y")
    let model = try LogisticRegression(configuration: configuration(.lbfgs, tolerance: 1e-10))
      .fit(x, labels: labels)
    #expect(model.form == (name == "two" ? .binary : .multinomial))
    expectClose(model.coefficients, data.object(name).doubles("lbfgs_coef"), rtol: 1e-5, atol: 1e-6)
    // Unpenalised multinomial intercepts are unique only up to a common shift: compare centred.
    func centred(_ values: [Double]) -> [Double] {
      let mean = values.reduce(0, +) / Double(values.count)
      return name == "two" ? values : values.map { $0 - mean }
    }
    expectClose(
      centred(model.intercepts), centred(data.object(name).doubles("lbfgs_intercept")),
      rtol: 1e-5, atol: 1e-6)
    let probabilities = try model.predictProbabilities(x.rows(0..<5))
    expectClose(
      probabilities.doubles, data.object(name).doubles("lbfgs_proba"), rtol: 1e-6, atol: 1e-8)
  }

  @Test("the fitted weights are a stationary point of the objective", .tags(.behaviour))
  func stationarity() throws {
    let labels = data.object("three").ints("y")
    let estimator = LogisticRegression(configuration: configuration(.lbfgs, tolerance: 1e-9))
    let model = try estimator.fit(x, labels: labels)
    var weights: [Double] = []
    for row in 0..<3 {
      weights += model.coefficients[(row * 4)..<(row * 4 + 4)]
      weights.append(model.intercepts[row])
    }
    let gradient = try estimator.objective(x, labels: labels, weights: weights).gradient
    #expect(gradient.map(abs).max()! <= 1e-7)
  }

  @Test(
    "accuracy within ±1 pp of scikit-learn on the small MNIST-PCA-10 split", .tags(.golden),
    arguments: ["sklearn021", "modern"])
  func smallAccuracy(_ preset: String) throws {
    try checkAccuracy(subset: "small", preset: preset)
  }

  @Test(
    "accuracy within ±1 pp of scikit-learn on the 4000/2000 MNIST-PCA-10 split",
    .tags(.golden, .slow), .enabled(if: slowTestsEnabled), arguments: ["sklearn021", "modern"])
  func fullAccuracy(_ preset: String) throws {
    try checkAccuracy(subset: "full", preset: preset)
  }

  func checkAccuracy(subset: String, preset: String) throws {
    let golden = EmbeddingGolden.shared
    let ((trainX, trainY), (testX, testY)) = golden.split(subset)
    let configuration: LogisticRegression.Configuration =
      preset == "modern" ? .modern : .sklearn021
    let model = try LogisticRegression(configuration: configuration).fit(trainX, labels: trainY)
    let accuracy = try model.score(testX, labels: testY)
    if preset == "sklearn021" { #expect(model.converged) }
    let reference = golden.accuracies["\(subset)/\(preset)/lr"]!
    #expect(abs(accuracy - reference) <= 0.01, "ours \(accuracy), scikit-learn \(reference)")
  }

  @Test("presets: 0.21 is liblinear one-vs-rest, modern is L-BFGS; both C = 1, 100 iterations")
  func presets() throws {
    #expect(LogisticRegression.Configuration.sklearn021.solver == .liblinear)
    #expect(LogisticRegression.Configuration.modern.solver == .lbfgs)
    for c in [LogisticRegression.Configuration.sklearn021, .modern] {
      #expect(c.inverseRegularization == 1 && c.maxIterations == 100 && c.tolerance == 1e-4)
      try c.validate()
    }
  }

  @Test("I20: out-of-range hyperparameters throw, naming the field")
  func validation() {
    let cases: [(String, (inout LogisticRegression.Configuration) -> Void)] = [
      ("inverseRegularization", { $0.inverseRegularization = 0 }),
      ("interceptScaling", { $0.interceptScaling = -1 }),
      ("maxIterations", { $0.maxIterations = 0 }),
      ("tolerance", { $0.tolerance = .nan }),
      ("memory", { $0.memory = 0 }),
    ]
    for (field, mutate) in cases {
      var c = LogisticRegression.Configuration()
      mutate(&c)
      #expect(throws: ClassifierError.self, "\(field)") {
        _ = try LogisticRegression(configuration: c).fit(x, labels: data.object("two").ints("y"))
      }
    }
    expectInvalidConfigurations(LogisticRegression.Configuration(), cases) {
      c throws(ClassifierError) in try c.validate()
    }
  }
}
