// LogisticRegressionModel: a fitted logistic regression's weights, decision values and class
// probabilities.

import Foundation
import Tensor

/// A fitted ``LogisticRegression``: one weight vector and intercept per decision row.
public struct LogisticRegressionModel: ProbabilisticClassifierModel, Codable, Hashable {
  /// How the decision rows turn into labels and probabilities.
  public enum Form: String, Sendable, Codable, Hashable {
    /// Two classes, one row: `classes[1]` when its decision value is positive;
    /// P(classes[1]) = σ(z).
    case binary
    /// One row per class: argmax; probabilities are the softmax of the rows.
    case multinomial
    /// One binary row per class: argmax; probabilities are the per-row sigmoids renormalised to
    /// sum to 1 (liblinear / scikit-learn 0.21).
    case oneVsRest
  }

  /// The distinct training labels, in increasing order.
  public let classes: [Int]
  /// The number of features d.
  public let featureCount: Int
  /// The weights, `[rows, d]` row-major: one row for ``Form/binary``, one per class otherwise.
  public let coefficients: [Double]
  /// One intercept per row (already multiplied by the intercept scaling under liblinear).
  public let intercepts: [Double]
  /// The model form.
  public let form: Form
  /// Iterations of each optimisation: one entry for L-BFGS, one per binary problem for
  /// liblinear.
  public let iterations: [Int]
  /// Whether every optimisation met its tolerance within the iteration limit.
  public let converged: Bool

  /// The number of decision rows.
  public var rowCount: Int { intercepts.count }

  /// The decision values `x·Wᵀ + b`.
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, 1]` tensor for ``Form/binary`` and
  /// `[m, classes.count]` otherwise, on `CPUBackend.shared`.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func decisionFunction(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let data = try hostDoubles(x, expectedFeatures: featureCount)
    return probabilityTensor(decisionValues(data), rows: data.rows, columns: rowCount)
  }

  /// The predicted label of every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predict(_ x: Tensor) throws(ClassifierError) -> [Int] {
    let data = try hostDoubles(x, expectedFeatures: featureCount)
    let scores = decisionValues(data)
    let rows = rowCount
    return (0..<data.rows).map { i in
      if form == .binary { return scores[i] > 0 ? classes[1] : classes[0] }
      return scores.withUnsafeBufferPointer {
        classes[argmax($0.baseAddress! + i * rows, count: rows)]
      }
    }
  }

  /// The class probabilities of every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, classes.count]` tensor on
  /// `CPUBackend.shared`.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predictProbabilities(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let data = try hostDoubles(x, expectedFeatures: featureCount)
    let scores = decisionValues(data)
    let k = classes.count
    var probabilities = [Double](repeating: 0, count: data.rows * k)
    for i in 0..<data.rows {
      switch form {
      case .binary:
        let p = 1 / (1 + exp(-scores[i]))
        probabilities[i * 2] = 1 - p
        probabilities[i * 2 + 1] = p
      case .multinomial:
        var largest = -Double.infinity
        for c in 0..<k { largest = max(largest, scores[i * k + c]) }
        var total = 0.0
        for c in 0..<k {
          probabilities[i * k + c] = exp(scores[i * k + c] - largest)
          total += probabilities[i * k + c]
        }
        for c in 0..<k { probabilities[i * k + c] /= total }
      case .oneVsRest:
        var total = 0.0
        for c in 0..<k {
          probabilities[i * k + c] = 1 / (1 + exp(-scores[i * k + c]))
          total += probabilities[i * k + c]
        }
        for c in 0..<k { probabilities[i * k + c] /= total }
      }
    }
    return probabilityTensor(probabilities, rows: data.rows, columns: k)
  }

  /// `x·Wᵀ + b`, row-major `[m, rows]`.
  func decisionValues(_ x: HostValues<Double>) -> [Double] {
    let d = featureCount
    let rows = rowCount
    var scores = [Double](repeating: 0, count: x.rows * rows)
    x.values.withUnsafeBufferPointer { values in
      coefficients.withUnsafeBufferPointer { w in
        for i in 0..<x.rows {
          let row = values.baseAddress! + i * d
          for r in 0..<rows {
            let weights = w.baseAddress! + r * d
            var z = intercepts[r]
            for j in 0..<d { z += weights[j] * row[j] }
            scores[i * rows + r] = z
          }
        }
      }
    }
    return scores
  }
}
