// _Goldens: the scikit-learn fixtures, loaded once, and helpers shared by the test suites.

import Classifiers
import Foundation
import Tensor
import Testing
import _TestSupport

/// The fixed MNIST-PCA-10 embedding and scikit-learn's accuracies on it
/// (Scripts/golden/sklearn_classifiers.py).
struct EmbeddingGolden: Sendable {
  let x: [Double]
  let labels: [Int]
  /// scikit-learn's mean accuracy per "subset/preset/classifier", such as "small/modern/rf".
  let accuracies: [String: Double]
  let perSeed: [String: [Double]]
  let ranges: [String: Range<Int>]

  static let shared: EmbeddingGolden = {
    let fixture = try! loadFixture("sklearn_classifiers.json", in: .module)
    var accuracies: [String: Double] = [:]
    var perSeed: [String: [Double]] = [:]
    for subset in ["small", "full"] {
      for preset in ["sklearn021", "modern"] {
        for name in ["lr", "svm", "rf", "mlp"] {
          let entry = fixture.object(subset).object(preset).object(name)
          accuracies["\(subset)/\(preset)/\(name)"] = entry.double("mean")
          perSeed["\(subset)/\(preset)/\(name)"] = entry.doubles("accuracies")
        }
      }
    }
    func range(_ key: String) -> Range<Int> {
      let bounds = fixture.ints(key)
      return bounds[0]..<bounds[1]
    }
    return EmbeddingGolden(
      x: fixture.doubles("x"), labels: fixture.ints("labels"), accuracies: accuracies,
      perSeed: perSeed,
      ranges: [
        "full/train": range("train"), "full/test": range("test"),
        "small/train": range("small_train"), "small/test": range("small_test"),
      ])
  }()

  /// Features and labels of rows `range`, as a float64 tensor.
  func rows(_ range: Range<Int>) -> (Tensor, [Int]) {
    let values = Array(x[(range.lowerBound * 10)..<(range.upperBound * 10)])
    return (Tensor(values, shape: [range.count, 10]), Array(labels[range]))
  }

  /// The train and test split of `subset` ("small" or "full").
  func split(_ subset: String) -> (train: (Tensor, [Int]), test: (Tensor, [Int])) {
    (rows(ranges["\(subset)/train"]!), rows(ranges["\(subset)/test"]!))
  }
}

/// The small deterministic cases of Scripts/golden/sklearn_classifiers.py.
nonisolated(unsafe) let exactGolden: Fixture = try! loadFixture(
  "sklearn_classifiers_exact.json", in: .module)

/// Whether the slow tests are enabled.
let slowTestsEnabled = ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil

/// A float64 `[rows, columns]` tensor from a flat array.
func matrix(_ values: [Double], columns: Int) -> Tensor {
  Tensor(values, shape: [values.count / columns, columns])
}

/// Central finite differences of `f` at `x`.
func numericGradient(_ f: ([Double]) -> Double, at x: [Double], epsilon: Double = 1e-6)
  -> [Double]
{
  var point = x
  return x.indices.map { j in
    point[j] = x[j] + epsilon
    let plus = f(point)
    point[j] = x[j] - epsilon
    let minus = f(point)
    point[j] = x[j]
    return (plus - minus) / (2 * epsilon)
  }
}

/// The numbers in a JSON value (nested arrays, numbers or repr strings), flattened.
func flatten(_ value: Any?) -> [Double] {
  if let number = value as? NSNumber { return [number.doubleValue] }
  if let array = value as? [Any] { return array.flatMap { flatten($0) } }
  if let string = value as? String, let number = Double(string) { return [number] }
  return []
}

/// Element `index` of the array stored under `key` in `fixture`, flattened.
func element(_ fixture: Fixture, _ key: String, _ index: Int) -> [Double] {
  flatten((fixture.data[key] as! [Any])[index])
}
