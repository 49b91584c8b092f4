// Classifier reliability: bad inputs throw typed errors naming the value (RELIABILITY I1–I4,
// I16, I17), and every classifier is reproducible, subset- and order-invariant (D11, D14–D16).

import Classifiers
import Foundation
import Tensor
import Testing
import _TestSupport

/// Fits one of the five classifiers with small, fast settings.
private func fitSmall(_ name: String, _ x: Tensor, _ labels: [Int], seed: UInt64 = 0)
  throws(ClassifierError) -> any ClassifierModel
{
  switch name {
  case "lr-liblinear":
    return try LogisticRegression(configuration: .sklearn021).fit(x, labels: labels)
  case "lr-lbfgs":
    return try LogisticRegression(configuration: .modern).fit(x, labels: labels)
  case "mlp":
    var c = MLPClassifier.Configuration()
    c.hiddenLayerSizes = [8]
    c.learningRate = 1e-2
    c.maxIterations = 40
    c.seed = seed
    return try MLPClassifier(configuration: c).fit(x, labels: labels)
  case "svm":
    return try SupportVectorClassifier(configuration: .modern).fit(x, labels: labels)
  case "tree":
    var c = DecisionTreeClassifier.Configuration()
    c.maxFeatures = .sqrt
    c.seed = seed
    return try DecisionTreeClassifier(configuration: c).fit(x, labels: labels)
  default:
    var c = RandomForestClassifier.Configuration.sklearn021
    c.seed = seed
    return try RandomForestClassifier(configuration: c).fit(x, labels: labels)
  }
}

private let names = ["lr-liblinear", "lr-lbfgs", "mlp", "svm", "tree", "forest"]

@Suite("Classifier reliability")
struct ClassifierReliabilityTests {
  /// Three well separated blobs in 4-D, 30 points.
  static func blobs() -> (Tensor, [Int]) {
    var rng = Xoshiro256(seed: 42)
    var values: [Double] = []
    var labels: [Int] = []
    for i in 0..<30 {
      let label = [7, -2, 4][i % 3]
      for j in 0..<4 { values.append(Double(i % 3 == j ? 3 : 0) + 0.5 * rng.nextStandardNormal()) }
      labels.append(label)
    }
    return (Tensor(values, shape: [30, 4]), labels)
  }

  @Test("I1, I2: empty data throws empty or noFeatures", arguments: names)
  func emptyData(_ name: String) {
    #expect(throws: ClassifierError.input(.empty(parameter: "x"))) {
      _ = try fitSmall(name, Tensor.zeros([0, 4], dtype: .float64), [])
    }
    #expect(throws: ClassifierError.input(.noFeatures(parameter: "x"))) {
      _ = try fitSmall(name, Tensor.zeros([3, 0], dtype: .float64), [0, 1, 0])
    }
  }

  @Test("I3: a 1-D or 3-D input throws wrongRank", arguments: names)
  func wrongRank(_ name: String) {
    #expect(
      throws: ClassifierError.input(
        .wrongRank(parameter: "x", shape: [6], expected: "a matrix [samples, features]"))
    ) {
      _ = try fitSmall(name, Tensor([1, 2, 3, 4, 5, 6] as [Double]), [0, 1, 0, 1, 0, 1])
    }
    #expect(
      throws: ClassifierError.input(
        .wrongRank(parameter: "x", shape: [2, 2, 2], expected: "a matrix [samples, features]"))
    ) {
      _ = try fitSmall(name, Tensor.zeros([2, 2, 2], dtype: .float64), [0, 1])
    }
  }

  @Test("I4: NaN or ±∞ in fit or predict throws, naming row and column", arguments: names)
  func nonFinite(_ name: String) throws {
    let (x, labels) = Self.blobs()
    var values = x.doubles
    values[2 * 4 + 3] = .infinity
    #expect(
      throws: ClassifierError.input(.nonFinite(parameter: "x", row: 2, column: 3, value: .infinity))
    ) {
      _ = try fitSmall(name, Tensor(values, shape: [30, 4]), labels)
    }
    let model = try fitSmall(name, x, labels)
    var probe = x.rows(0..<5).doubles
    probe[1 * 4 + 0] = .nan
    do {
      _ = try model.predict(Tensor(probe, shape: [5, 4]))
      Issue.record("\(name): NaN at predict did not throw")
    } catch {
      guard case .input(.nonFinite(_, let row, let column, _)) = error else {
        Issue.record("\(name): \(error)")
        return
      }
      #expect(row == 1 && column == 0)
    }
  }

  @Test("I16: a feature-count mismatch at predict throws", arguments: names)
  func featureMismatch(_ name: String) throws {
    let (x, labels) = Self.blobs()
    let model = try fitSmall(name, x, labels)
    #expect(
      throws: ClassifierError.input(.featureMismatch(parameter: "x", features: 3, expected: 4))
    ) {
      _ = try model.predict(Tensor.zeros([2, 3], dtype: .float64))
    }
  }

  @Test("I17: a label count other than n, or a single class, throws", arguments: names)
  func labels(_ name: String) {
    let (x, labels) = Self.blobs()
    #expect(
      throws: ClassifierError.input(
        .lengthMismatch(parameter: "labels", count: 29, other: "x", otherCount: 30))
    ) {
      _ = try fitSmall(name, x, Array(labels.dropLast()))
    }
    #expect(throws: ClassifierError.singleClass(label: 5)) {
      _ = try fitSmall(name, x, [Int](repeating: 5, count: 30))
    }
  }

  @Test(
    "separable blobs are learnt; labels come back as given (negative included)",
    arguments: names)
  func separable(_ name: String) throws {
    let (x, labels) = Self.blobs()
    let model = try fitSmall(name, x, labels)
    #expect(model.classes == [-2, 4, 7])
    #expect(try model.score(x, labels: labels) >= 0.95)
  }

  @Test("D11, D14: fitting twice with the same seed gives the same model", arguments: names)
  func reproducible(_ name: String) throws {
    let ((x, labels), (test, _)) = EmbeddingGolden.shared.split("small")
    let sample = x.rows(0..<300)
    let sampleLabels = Array(labels[0..<300])
    let first = try fitSmall(name, sample, sampleLabels, seed: 3)
    let second = try fitSmall(name, sample, sampleLabels, seed: 3)
    #expect(try first.predict(test) == second.predict(test))
    if let a = first as? any ProbabilisticClassifierModel,
      let b = second as? any ProbabilisticClassifierModel
    {
      #expect(try a.predictProbabilities(test).doubles == b.predictProbabilities(test).doubles)
    }
  }

  @Test(
    "D15, D16: predicting a subset or a permutation gives the matching predictions",
    arguments: names)
  func subsetAndOrder(_ name: String) throws {
    let ((x, labels), (test, _)) = EmbeddingGolden.shared.split("small")
    let model = try fitSmall(name, x.rows(0..<300), Array(labels[0..<300]))
    let probe = test.rows(0..<200)
    let full = try model.predict(probe)
    #expect(try model.predict(probe.rows(50..<120)) == Array(full[50..<120]))
    var rng = Xoshiro256(seed: 8)
    let order = randomPermutation(200, using: &rng)
    #expect(try model.predict(probe.gatheringRows(order)) == order.map { full[$0] })
  }

  @Test("I7 float32 and float64 inputs give the same predictions", arguments: names)
  func dtypes(_ name: String) throws {
    let ((x, labels), (test, _)) = EmbeddingGolden.shared.split("small")
    // The fixture has 4 decimals, exactly representable enough that float32 keeps the order.
    let model = try fitSmall(name, x.rows(0..<300), Array(labels[0..<300]))
    let probe = test.rows(0..<200)
    let a = try model.predict(probe)
    let b = try model.predict(probe.converted(to: .float32))
    let agreement = zip(a, b).filter { $0 == $1 }.count
    #expect(agreement >= 198, "\(name): \(agreement)/200 agree")
  }
}
