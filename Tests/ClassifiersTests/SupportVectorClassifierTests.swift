// SupportVectorClassifier: SMO against libsvm (through scikit-learn) on small sets, accuracy on
// the MNIST-PCA-10 embedding, γ rules and validation.

import Classifiers
import Tensor
import Testing
import _TestSupport

@Suite("SupportVectorClassifier")
struct SupportVectorClassifierTests {
  static func configuration(gamma: Double) -> SupportVectorClassifier.Configuration {
    var c = SupportVectorClassifier.Configuration()
    c.gamma = .value(gamma)
    return c
  }

  @Test(
    "separable 2-class set: SVs, dual coefficients, ρ and decisions equal libsvm's", .tags(.golden))
  func binary() throws {
    let golden = exactGolden.object("svm").object("binary")
    let model = try SupportVectorClassifier(configuration: Self.configuration(gamma: 0.5))
      .fit(matrix(golden.doubles("x"), columns: 2), labels: golden.ints("labels"))
    #expect(model.supportIndices == golden.ints("support"))
    // scikit-learn flips libsvm's signs for two classes so that positive means classes[1].
    expectClose(
      model.pairCoefficients[0].map { -$0 }, golden.doubles("dual_coef"), rtol: 1e-6, atol: 1e-9)
    expectClose([model.rho[0]], [golden.double("intercept")], rtol: 1e-6, atol: 1e-9)
    let probe = matrix(golden.doubles("probe"), columns: 2)
    let decisions = try model.decisionValues(probe).doubles.map { -$0 }
    expectClose(decisions, golden.doubles("decision"), rtol: 1e-6, atol: 1e-9)
    #expect(model.converged)
  }

  @Test(
    "overlapping 3-class set: one-vs-one decisions, votes and SV counts equal libsvm's",
    .tags(.golden), arguments: [true, false])
  func threeClasses(shrinking: Bool) throws {
    let golden = exactGolden.object("svm").object("three")
    var c = Self.configuration(gamma: 0.5)
    c.shrinking = shrinking
    let model = try SupportVectorClassifier(configuration: c)
      .fit(matrix(golden.doubles("x"), columns: 2), labels: golden.ints("labels"))
    #expect(model.classes == [3, 5, 7])
    #expect(model.supportCounts == golden.ints("n_support"))
    #expect(model.supportIndices == golden.ints("support"))
    expectClose(model.rho.map { -$0 }, golden.doubles("intercept"), rtol: 1e-5, atol: 1e-7)
    let probe = matrix(golden.doubles("probe"), columns: 2)
    expectClose(
      try model.decisionValues(probe).doubles, golden.doubles("decision"), rtol: 1e-5, atol: 1e-7)
    #expect(try model.predict(probe) == golden.ints("predict"))
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
    let c: SupportVectorClassifier.Configuration = preset == "modern" ? .modern : .sklearn021
    let model = try SupportVectorClassifier(configuration: c).fit(trainX, labels: trainY)
    let accuracy = try model.score(testX, labels: testY)
    let reference = golden.accuracies["\(subset)/\(preset)/svm"]!
    #expect(abs(accuracy - reference) <= 0.01, "ours \(accuracy), scikit-learn \(reference)")
    #expect(model.converged)
  }

  @Test("γ: 'auto' is 1/d, 'scale' is 1/(d·Var(X)) over all entries")
  func gammaRules() throws {
    let x = Tensor([0, 1, 2, 3, 4, 5, 6, 8] as [Double], shape: [4, 2])
    let labels = [0, 0, 1, 1]
    let auto = try SupportVectorClassifier(configuration: .sklearn021).fit(x, labels: labels)
    #expect(auto.gamma == 0.5)
    let mean = 29.0 / 8
    let variance = [0.0, 1, 2, 3, 4, 5, 6, 8].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
    let scale = try SupportVectorClassifier(configuration: .modern).fit(x, labels: labels)
    expectClose([scale.gamma], [1 / (2 * variance)], rtol: 1e-14, atol: 0)
  }

  @Test("I20: out-of-range hyperparameters throw, naming the field")
  func validation() {
    let cases: [(String, (inout SupportVectorClassifier.Configuration) -> Void)] = [
      ("cost", { $0.cost = 0 }),
      ("gamma", { $0.gamma = .value(-1) }),
      ("tolerance", { $0.tolerance = 0 }),
      ("cacheMegabytes", { $0.cacheMegabytes = 0 }),
      ("maxIterations", { $0.maxIterations = 0 }),
    ]
    expectInvalidConfigurations(SupportVectorClassifier.Configuration(), cases) {
      c throws(ClassifierError) in
      try c.validate()
    }
  }
}
