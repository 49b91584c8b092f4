// MLPClassifierModel: a trained MLP classifier's weights, loss curve and predictions.

import Foundation
import Tensor

/// A trained ``MLPClassifier``.
///
/// Weights keep the training data's dtype and backend; inputs to ``predict(_:)`` are converted
/// to them. Encodes its weights as float64 values (with the dtype), so a decoded model lives on
/// the default backend.
public struct MLPClassifierModel: ProbabilisticClassifierModel, Codable {
  /// The distinct training labels, in increasing order.
  public let classes: [Int]
  /// The number of input features d.
  public let featureCount: Int
  /// The hidden activation.
  public let activation: MLPClassifier.Configuration.Activation
  /// The weight matrix of every layer, `[fanIn, fanOut]` (scikit-learn's `coefs_` layout).
  public let weights: [Tensor]
  /// The bias of every layer, `[1, fanOut]`.
  public let biases: [Tensor]
  /// The training loss of every epoch (scikit-learn's `loss_curve_`), penalty included.
  public let lossCurve: [Double]
  /// Whether training stopped because the loss stopped improving (rather than at the epoch
  /// limit).
  public let converged: Bool

  /// The number of epochs run.
  public var iterations: Int { lossCurve.count }

  /// The predicted label of every row of `x`: the most probable class (for two classes,
  /// `classes[1]` when its probability exceeds 0.5).
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predict(_ x: Tensor) throws(ClassifierError) -> [Int] {
    let (probabilities, rows) = try probabilityValues(x)
    let k = classes.count
    return probabilities.withUnsafeBufferPointer { p in
      (0..<rows).map { i in
        k == 2
          ? (p[i * 2 + 1] > 0.5 ? classes[1] : classes[0])
          : classes[argmax(p.baseAddress! + i * k, count: k)]
      }
    }
  }

  /// The class probabilities of every row of `x` (softmax, or [1 − σ, σ] for two classes).
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, classes.count]` tensor on
  /// `CPUBackend.shared`.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predictProbabilities(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let (probabilities, rows) = try probabilityValues(x)
    return probabilityTensor(probabilities, rows: rows, columns: classes.count)
  }

  private func probabilityValues(_ x: Tensor) throws(ClassifierError) -> ([Double], Int) {
    _ = try hostDoubles(x, expectedFeatures: featureCount)
    let reference = weights[0]
    let input = x.converted(to: reference.dtype).moved(to: reference.backend)
    let logits = forwardPass(input, weights: weights, biases: biases, activation: activation)
      .last!.doubles
    let rows = x.shape[0]
    let k = classes.count
    var probabilities = [Double](repeating: 0, count: rows * k)
    for i in 0..<rows {
      outputProbabilities(logits, row: i, outputs: k == 2 ? 1 : k, into: &probabilities)
    }
    return (probabilities, rows)
  }
}

// MARK: Codable

extension MLPClassifierModel {
  private enum CodingKeys: String, CodingKey {
    case classes, featureCount, activation, dtype, shapes, weights, biases, lossCurve, converged
  }

  /// Decodes a model written by ``encode(to:)``; its tensors live on the default backend.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    classes = try container.decode([Int].self, forKey: .classes)
    featureCount = try container.decode(Int.self, forKey: .featureCount)
    activation = try container.decode(
      MLPClassifier.Configuration.Activation.self, forKey: .activation)
    let dtype = try container.decode(DType.self, forKey: .dtype)
    let shapes = try container.decode([[Int]].self, forKey: .shapes)
    let weightValues = try container.decode([[Double]].self, forKey: .weights)
    let biasValues = try container.decode([[Double]].self, forKey: .biases)
    guard shapes.count == weightValues.count, shapes.count == biasValues.count,
      zip(shapes, weightValues).allSatisfy({ $0.0.count == 2 && $0.0[0] * $0.0[1] == $0.1.count }),
      zip(shapes, biasValues).allSatisfy({ $0.0[1] == $0.1.count })
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .shapes, in: container, debugDescription: "weight shapes and values disagree")
    }
    weights = zip(shapes, weightValues).map { Tensor(converting: $1, shape: $0, dtype: dtype) }
    biases = zip(shapes, biasValues).map {
      Tensor(converting: $1, shape: [1, $0[1]], dtype: dtype)
    }
    lossCurve = try container.decode([Double].self, forKey: .lossCurve)
    converged = try container.decode(Bool.self, forKey: .converged)
  }

  /// Encodes the model, its weights as float64 values with their dtype and shapes.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(classes, forKey: .classes)
    try container.encode(featureCount, forKey: .featureCount)
    try container.encode(activation, forKey: .activation)
    try container.encode(weights[0].dtype, forKey: .dtype)
    try container.encode(weights.map(\.shape), forKey: .shapes)
    try container.encode(weights.map(\.doubles), forKey: .weights)
    try container.encode(biases.map(\.doubles), forKey: .biases)
    try container.encode(lossCurve, forKey: .lossCurve)
    try container.encode(converged, forKey: .converged)
  }
}
