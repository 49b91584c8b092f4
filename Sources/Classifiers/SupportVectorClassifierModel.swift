// SupportVectorClassifierModel: a trained one-vs-one RBF SVM: support vectors, dual
// coefficients, decision values and libsvm's voting.

import Foundation
import Tensor

/// A trained ``SupportVectorClassifier``.
///
/// Support vectors are stored once, grouped by class (then by training index) as libsvm stores
/// them; each pair of classes has a coefficient y_s·α_s for every support vector (zero for
/// vectors of other classes or unused by that pair) and an offset ρ.
public struct SupportVectorClassifierModel: ClassifierModel, Codable, Hashable {
  /// The distinct training labels, in increasing order.
  public let classes: [Int]
  /// The number of features d.
  public let featureCount: Int
  /// The RBF width γ used in training.
  public let gamma: Double
  /// The training-set index of every support vector (scikit-learn's `support_`).
  public let supportIndices: [Int]
  /// The support vectors, `[supportIndices.count, d]` row-major.
  public let supportVectors: [Double]
  /// The number of support vectors of each class (scikit-learn's `n_support_`).
  public let supportCounts: [Int]
  /// For every pair (i, j), i < j in the order (0,1), (0,2), …, (1,2), …: y_s·α_s of every
  /// support vector.
  public let pairCoefficients: [[Double]]
  /// ρ of every pair; the pair's decision value is Σ_s y_s α_s K(x_s, x) − ρ
  /// (scikit-learn's `intercept_` is −ρ).
  public let rho: [Double]
  /// SMO iterations of every pair.
  public let iterations: [Int]
  /// Whether every pair reached the tolerance within its iteration limit.
  public let converged: Bool

  /// The class pairs (i, j), i < j, in the order of ``rho``.
  public var pairs: [(Int, Int)] {
    (0..<classes.count).flatMap { i in ((i + 1)..<classes.count).map { (i, $0) } }
  }

  /// The one-vs-one decision values of every row of `x`: positive values vote for the pair's
  /// first class (libsvm's sign; scikit-learn negates it for two classes).
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, K(K−1)/2]` tensor on
  /// `CPUBackend.shared`, columns in the order of ``pairs``.
  /// - Complexity: O(m · #SV · d) kernel work.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func decisionValues(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let data = try hostDoubles(x, expectedFeatures: featureCount)
    return probabilityTensor(pairDecisions(data), rows: data.rows, columns: rho.count)
  }

  /// The class with most one-vs-one votes for every row of `x` (the smallest class on ties).
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predict(_ x: Tensor) throws(ClassifierError) -> [Int] {
    let data = try hostDoubles(x, expectedFeatures: featureCount)
    let decisions = pairDecisions(data)
    let pairs = self.pairs
    var votes = [Int](repeating: 0, count: classes.count)
    return (0..<data.rows).map { row in
      for k in votes.indices { votes[k] = 0 }
      for (p, (i, j)) in pairs.enumerated() {
        votes[decisions[row * pairs.count + p] > 0 ? i : j] += 1
      }
      var winner = 0
      for k in 1..<votes.count where votes[k] > votes[winner] { winner = k }
      return classes[winner]
    }
  }

  /// `[m, pairs]` decision values, computing each kernel row K(x, ·) once for all pairs.
  func pairDecisions(_ x: HostValues<Double>) -> [Double] {
    let d = featureCount
    let count = supportIndices.count
    var starts = [0]
    for c in supportCounts { starts.append(starts.last! + c) }
    let pairs = self.pairs
    var result = [Double](repeating: 0, count: x.rows * pairs.count)
    var kernel = [Double](repeating: 0, count: count)
    x.values.withUnsafeBufferPointer { values in
      supportVectors.withUnsafeBufferPointer { vectors in
        for row in 0..<x.rows {
          let point = values.baseAddress! + row * d
          for s in 0..<count {
            let vector = vectors.baseAddress! + s * d
            var distance = 0.0
            for k in 0..<d {
              let difference = point[k] - vector[k]
              distance += difference * difference
            }
            kernel[s] = exp(-gamma * distance)
          }
          for (p, (i, j)) in pairs.enumerated() {
            let coefficients = pairCoefficients[p]
            var sum = 0.0
            for s in starts[i]..<starts[i + 1] { sum += coefficients[s] * kernel[s] }
            for s in starts[j]..<starts[j + 1] { sum += coefficients[s] * kernel[s] }
            result[row * pairs.count + p] = sum - rho[p]
          }
        }
      }
    }
    return result
  }
}
