// MLPClassifier: scikit-learn's trajectory from fixed weights, accuracy on the MNIST-PCA-10
// embedding, loss behaviour, dtypes and validation.

import Classifiers
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("MLPClassifier")
struct MLPClassifierTests {
  /// hidden [5], batch 8, no shuffling, α = 10⁻², lr = 10⁻², 6 epochs (the golden's settings).
  static var goldenConfiguration: MLPClassifier.Configuration {
    var c = MLPClassifier.Configuration()
    c.hiddenLayerSizes = [5]
    c.batchSize = 8
    c.shuffle = false
    c.maxIterations = 6
    c.l2Penalty = 1e-2
    c.learningRate = 1e-2
    c.tolerance = 0
    return c
  }

  @Test(
    "loss curve and weights equal scikit-learn's from the same initial weights (float64)",
    .tags(.golden), arguments: ["mlp3", "mlp2"])
  func trajectory(_ name: String) throws {
    let golden = exactGolden.object(name)
    let x = matrix(golden.doubles("x"), columns: 4)
    let initial = golden.data["init_coefs"] as! [Any]
    let initialBiases = golden.data["init_intercepts"] as! [Any]
    let fixture = { (key: String, index: Int) -> [Double] in element(golden, key, index) }
    let model = try MLPClassifier(configuration: Self.goldenConfiguration).fit(
      x, labels: golden.ints("labels"),
      initialWeights: initial.indices.map { fixture("init_coefs", $0) },
      initialBiases: initialBiases.indices.map { fixture("init_intercepts", $0) })
    expectClose(model.lossCurve, golden.doubles("loss_curve"), rtol: 1e-12, atol: 0)
    for layer in 0..<2 {
      expectClose(model.weights[layer].doubles, fixture("coefs", layer), rtol: 1e-10, atol: 1e-13)
      expectClose(
        model.biases[layer].doubles, fixture("intercepts", layer), rtol: 1e-10, atol: 1e-13)
    }
    let probabilities = try model.predictProbabilities(x.rows(0..<4))
    expectClose(probabilities.doubles, golden.doubles("proba"), rtol: 1e-10, atol: 1e-13)
  }

  @Test("the training loss falls and training stops when it plateaus", .tags(.behaviour))
  func lossDecreases() throws {
    let (x, labels) = EmbeddingGolden.shared.rows(0..<300)
    var c = MLPClassifier.Configuration()
    c.seed = 3
    c.learningRate = 3e-3
    c.tolerance = 1e-3
    let model = try MLPClassifier(configuration: c).fit(x, labels: labels)
    let curve = model.lossCurve
    #expect(model.converged && curve.count >= 12 && curve.count < 200)
    #expect(curve.last! < 0.5 * curve.first!)
    for epoch in 1..<min(curve.count, 20) { #expect(curve[epoch] < curve[epoch - 1]) }
    // scikit-learn's rule: an epoch whose loss is not below (best so far − tol) counts; training
    // stops at the first epoch where more than 10 consecutive epochs counted.
    var best = Double.infinity
    var count = 0
    for (epoch, loss) in curve.enumerated() {
      count = loss > best - c.tolerance ? count + 1 : 0
      best = min(best, loss)
      #expect((count > c.iterationsWithoutImprovement) == (epoch == curve.count - 1))
    }
  }

  // scikit-learn's accuracy varies with the seed (sd 0.5 pp over 10 seeds on the small split),
  // so its 10-seed mean is compared with ours over 2 seeds (10 in the slow test).
  @Test(
    "mean accuracy over 2 seeds within ±1 pp of scikit-learn's 10-seed mean (1000 train)",
    .tags(.golden))
  func smallAccuracy() throws {
    try checkAccuracy(subset: "small", seeds: 0..<2)
  }

  @Test(
    "mean accuracy over 10 seeds within ±1 pp of scikit-learn's on the 4000/2000 split",
    .tags(.golden, .slow), .enabled(if: slowTestsEnabled))
  func fullAccuracy() throws {
    try checkAccuracy(subset: "full", seeds: 0..<10)
  }

  func checkAccuracy(subset: String, seeds: Range<UInt64>) throws {
    let golden = EmbeddingGolden.shared
    let ((trainX, trainY), (testX, testY)) = golden.split(subset)
    var total = 0.0
    for seed in seeds {
      var c = MLPClassifier.Configuration.modern
      c.seed = seed
      total += try MLPClassifier(configuration: c).fit(trainX, labels: trainY)
        .score(testX, labels: testY)
    }
    let accuracy = total / Double(seeds.count)
    let reference = golden.accuracies["\(subset)/modern/mlp"]!
    #expect(abs(accuracy - reference) <= 0.01, "ours \(accuracy), scikit-learn \(reference)")
  }

  @Test("float32 input trains in float32 and agrees with float64 training", .tags(.behaviour))
  func float32() throws {
    let ((x, labels), (testX, testY)) = EmbeddingGolden.shared.split("small")
    var c = MLPClassifier.Configuration()
    c.maxIterations = 30
    let single = try MLPClassifier(configuration: c).fit(x.converted(to: .float32), labels: labels)
    let double = try MLPClassifier(configuration: c).fit(x, labels: labels)
    #expect(single.weights[0].dtype == .float32)
    expectClose(single.lossCurve, double.lossCurve, rtol: 1e-3, atol: 0)
    let a = try single.score(testX, labels: testY)
    let b = try double.score(testX, labels: testY)
    #expect(abs(a - b) <= 0.01)
  }

  @Test("round-trips through JSON with identical predictions")
  func codable() throws {
    let ((x, labels), _) = EmbeddingGolden.shared.split("small")
    var c = MLPClassifier.Configuration()
    c.maxIterations = 3
    let model = try MLPClassifier(configuration: c).fit(x, labels: labels)
    let decoded = try JSONDecoder().decode(
      MLPClassifierModel.self, from: JSONEncoder().encode(model))
    #expect(try decoded.predict(x) == model.predict(x))
    #expect(decoded.lossCurve == model.lossCurve)
  }

  @Test("I20: out-of-range hyperparameters throw, naming the field")
  func validation() {
    let cases: [(String, (inout MLPClassifier.Configuration) -> Void)] = [
      ("hiddenLayerSizes", { $0.hiddenLayerSizes = [] }),
      ("hiddenLayerSizes", { $0.hiddenLayerSizes = [10, 0] }),
      ("l2Penalty", { $0.l2Penalty = -1 }),
      ("batchSize", { $0.batchSize = 0 }),
      ("learningRate", { $0.learningRate = 0 }),
      ("maxIterations", { $0.maxIterations = 0 }),
      ("tolerance", { $0.tolerance = -1 }),
      ("iterationsWithoutImprovement", { $0.iterationsWithoutImprovement = 0 }),
      ("beta1", { $0.beta1 = 1 }),
      ("beta2", { $0.beta2 = -0.1 }),
      ("epsilon", { $0.epsilon = 0 }),
    ]
    expectInvalidConfigurations(MLPClassifier.Configuration(), cases) { c throws(ClassifierError) in
      try c.validate()
    }
  }
}
