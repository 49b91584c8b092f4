// Classifier: the estimator/model protocols every downstream classifier conforms to.

import Tensor

/// A supervised classifier: a value holding hyperparameters whose non-mutating ``fit(_:labels:)``
/// returns a distinct fitted model (STYLE §3), so predicting before fitting cannot happen.
///
/// The four classifiers of the paper's Table 4 (Docs/Algorithm.md#presets) conform:
/// ``LogisticRegression``, ``MLPClassifier``, ``SupportVectorClassifier`` and
/// ``RandomForestClassifier`` (and ``DecisionTreeClassifier``, the forest's building block).
public protocol Classifier: Sendable {
  /// The fitted model ``fit(_:labels:)`` returns.
  associatedtype Model: ClassifierModel

  /// Fits the classifier to `x` with one integer label per row.
  ///
  /// Labels may be any integers; the model predicts the same values. Fitting twice with the
  /// same configuration (seed included) gives the same model.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Parameters:
  ///   - x: The training features, float32 or float64, on any backend.
  ///   - labels: `n` class labels with at least two distinct values.
  /// - Returns: The fitted model.
  /// - Throws: ``ClassifierError`` for an invalid configuration, an empty, non-finite or
  ///   non-matrix `x`, a label count other than `n`, or a single class.
  func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError) -> Model
}

/// A fitted classifier: predicts a label for every row of a feature matrix.
public protocol ClassifierModel: Sendable {
  /// The distinct training labels in increasing order; column `k` of any probability or
  /// decision output refers to `classes[k]`.
  var classes: [Int] { get }
  /// The number of features `d` the model was fitted with.
  var featureCount: Int { get }

  /// The predicted label of every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels taken from ``classes``.
  /// - Throws: ``ClassifierError`` when `x` is not a finite `[m, d]` matrix with `m ≥ 1`.
  func predict(_ x: Tensor) throws(ClassifierError) -> [Int]
}

/// A fitted classifier that also estimates class probabilities.
public protocol ProbabilisticClassifierModel: ClassifierModel {
  /// The estimated probability of every class for every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, classes.count]` tensor on
  /// `CPUBackend.shared` whose rows sum to 1, columns ordered as ``ClassifierModel/classes``.
  /// - Throws: ``ClassifierError`` when `x` is not a finite `[m, d]` matrix with `m ≥ 1`.
  func predictProbabilities(_ x: Tensor) throws(ClassifierError) -> Tensor
}

extension ClassifierModel {
  /// The accuracy of ``predict(_:)`` on `x` against `labels`: the fraction predicted exactly.
  ///
  /// Shape: `x` is `[m, d]`, `labels` has `m` entries.
  /// - Returns: A value in [0, 1].
  /// - Throws: ``ClassifierError`` as ``predict(_:)`` does, or `InputError.lengthMismatch` when
  ///   `labels` does not have one entry per row of `x`.
  public func score(_ x: Tensor, labels: [Int]) throws(ClassifierError) -> Double {
    let predicted = try predict(x)
    guard predicted.count == labels.count else {
      throw .input(
        .lengthMismatch(
          parameter: "labels", count: labels.count, other: "x", otherCount: predicted.count))
    }
    return accuracy(predicted, labels)
  }
}

/// The fraction of positions where `predicted` and `labels` agree (0 for empty input).
///
/// - Precondition: both have the same count.
public func accuracy(_ predicted: [Int], _ labels: [Int]) -> Double {
  precondition(
    predicted.count == labels.count,
    "accuracy: \(predicted.count) predictions for \(labels.count) labels")
  guard !labels.isEmpty else { return 0 }
  var correct = 0
  for (p, t) in zip(predicted, labels) where p == t { correct += 1 }
  return Double(correct) / Double(labels.count)
}
