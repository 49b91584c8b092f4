// LogisticObjectives: the binary and multinomial logistic-regression objectives, their
// gradients and (binary) Hessian-vector products, in float64 on the host.

import Foundation
import Tensor

/// The L2-regularised binary logistic objective, its gradient and Hessian-vector product.
///
///     f(w) = ½·λ·Σ_{j penalised} w_j² + Σ_i c_i · log(1 + exp(−y_i · w·x̃_i)),
///
/// with `y_i ∈ {−1, +1}` and `x̃_i = [x_i, s]` when an intercept column of value `s` is appended.
///
/// * liblinear (scikit-learn 0.21): λ = 1, c_i = C, the intercept weight penalised like the
///   others (`s` = `intercept_scaling`).
/// * L-BFGS (scikit-learn ≥ 0.22, two classes): λ = 1/(C·n), c_i = 1/n, intercept unpenalised.
///
/// The weight vector is `[coefficients (d), intercept]` when the intercept column exists.
/// ``value(_:)`` stores the margins that ``gradient(_:)`` and then
/// ``hessianProduct(_:)`` reuse, as liblinear's `l2r_lr_fun` does; call them in that order at
/// the same point.
struct BinaryLogisticObjective {
  let x: HostValues<Double>
  /// ±1 per sample.
  let y: [Double]
  /// The loss weight c_i of every sample.
  let sampleWeights: [Double]
  /// λ, the weight of the L2 term.
  let regularization: Double
  /// The value `s` of the appended intercept column, or `nil` without an intercept.
  let interceptColumn: Double?
  /// Whether the intercept weight is part of the L2 term.
  let penalizeIntercept: Bool

  /// The margins `w·x̃_i` from the last ``value(_:)``.
  private var margins: [Double]
  /// `σ(y_i z_i)(1 − σ(y_i z_i))` from the last ``gradient(_:)``: the Hessian's diagonal
  /// factor.
  private var curvature: [Double]

  init(
    x: HostValues<Double>, y: [Double], sampleWeights: [Double], regularization: Double,
    interceptColumn: Double?, penalizeIntercept: Bool
  ) {
    self.x = x
    self.y = y
    self.sampleWeights = sampleWeights
    self.regularization = regularization
    self.interceptColumn = interceptColumn
    self.penalizeIntercept = penalizeIntercept
    margins = [Double](repeating: 0, count: x.rows)
    curvature = [Double](repeating: 0, count: x.rows)
  }

  /// The number of weights: d, plus one with an intercept.
  var dimension: Int { x.columns + (interceptColumn == nil ? 0 : 1) }

  /// The weights that enter the L2 term.
  private var penalizedCount: Int {
    interceptColumn != nil && !penalizeIntercept ? x.columns : dimension
  }

  /// f(w); stores the margins.
  mutating func value(_ w: [Double]) -> Double {
    product(w, into: &margins)
    var penalty = 0.0
    for j in 0..<penalizedCount { penalty += w[j] * w[j] }
    var loss = 0.0
    for i in 0..<x.rows {
      let yz = y[i] * margins[i]
      // log(1 + e^(−yz)) without overflow for either sign of yz, as liblinear computes it.
      loss += sampleWeights[i] * (yz >= 0 ? log1p(exp(-yz)) : -yz + log1p(exp(yz)))
    }
    return 0.5 * regularization * penalty + loss
  }

  /// ∇f(w) = λ·w_penalised + X̃ᵀ[c_i (σ(y_i z_i) − 1) y_i], at the point of the last
  /// ``value(_:)``; stores the curvature for ``hessianProduct(_:)``.
  mutating func gradient(_ w: [Double]) -> [Double] {
    var coefficients = [Double](repeating: 0, count: x.rows)
    for i in 0..<x.rows {
      let sigma = 1 / (1 + exp(-y[i] * margins[i]))
      curvature[i] = sigma * (1 - sigma)
      coefficients[i] = sampleWeights[i] * (sigma - 1) * y[i]
    }
    var g = transposedProduct(coefficients)
    for j in 0..<penalizedCount { g[j] += regularization * w[j] }
    return g
  }

  /// ∇²f(w)·s = λ·s_penalised + X̃ᵀ D X̃ s with D = diag(c_i σ_i (1 − σ_i)), at the point of the
  /// last ``gradient(_:)``.
  func hessianProduct(_ s: [Double]) -> [Double] {
    var xs = [Double](repeating: 0, count: x.rows)
    product(s, into: &xs)
    for i in 0..<x.rows { xs[i] *= sampleWeights[i] * curvature[i] }
    var result = transposedProduct(xs)
    for j in 0..<penalizedCount { result[j] += regularization * s[j] }
    return result
  }

  /// f and ∇f together, for L-BFGS.
  mutating func valueAndGradient(_ w: [Double]) -> (Double, [Double]) {
    let f = value(w)
    return (f, gradient(w))
  }

  /// `X̃·w` into `result`.
  private func product(_ w: [Double], into result: inout [Double]) {
    let d = x.columns
    let bias = interceptColumn.map { $0 * w[d] } ?? 0
    x.values.withUnsafeBufferPointer { values in
      for i in 0..<x.rows {
        var sum = 0.0
        let row = values.baseAddress! + i * d
        for j in 0..<d { sum += row[j] * w[j] }
        result[i] = sum + bias
      }
    }
  }

  /// `X̃ᵀ·v`.
  private func transposedProduct(_ v: [Double]) -> [Double] {
    let d = x.columns
    var result = [Double](repeating: 0, count: dimension)
    x.values.withUnsafeBufferPointer { values in
      result.withUnsafeMutableBufferPointer { out in
        for i in 0..<x.rows {
          let row = values.baseAddress! + i * d
          let vi = v[i]
          for j in 0..<d { out[j] += vi * row[j] }
        }
      }
    }
    if let column = interceptColumn {
      var sum = 0.0
      for i in 0..<x.rows { sum += v[i] }
      result[d] = column * sum
    }
    return result
  }
}

/// The L2-regularised multinomial logistic objective of scikit-learn ≥ 0.22.
///
/// scikit-learn computes it as `HalfMultinomialLoss` through `LinearModelLoss`:
///
///     f(W, b) = (1/n)·Σ_i [log Σ_k exp(z_ik) − z_{i,y_i}] + (λ/2)·‖W‖²_F,
///     z_ik = W_k·x_i + b_k,   λ = 1/(C·n),
///
/// with the intercepts `b` unpenalised. Parameters are laid out class by class:
/// `[W_0 (d), b_0, W_1 (d), b_1, …]` (without the `b_k` when there is no intercept).
struct MultinomialLogisticObjective {
  let x: HostValues<Double>
  /// The class index of every sample.
  let labels: [Int]
  let classCount: Int
  /// λ, the weight of the L2 term.
  let regularization: Double
  let fitIntercept: Bool
  /// `x` as a float64 tensor on the CPU backend, for the two matrix products.
  private let features: Tensor

  init(
    x: HostValues<Double>, labels: [Int], classCount: Int, regularization: Double,
    fitIntercept: Bool
  ) {
    self.x = x
    self.labels = labels
    self.classCount = classCount
    self.regularization = regularization
    self.fitIntercept = fitIntercept
    features = Tensor(x.values, shape: [x.rows, x.columns], on: CPUBackend.shared)
  }

  /// Parameters per class: d, plus one with an intercept.
  var stride: Int { x.columns + (fitIntercept ? 1 : 0) }
  /// The number of parameters.
  var dimension: Int { classCount * stride }

  /// f and ∇f at `w`.
  ///
  /// The logits Z = X·Wᵀ and the weight gradient (P − Y)ᵀ·X are matrix products; the softmax
  /// and the loss run over the rows of Z on the host.
  func valueAndGradient(_ w: [Double]) -> (Double, [Double]) {
    let d = x.columns
    let k = classCount
    let stride = self.stride
    let n = x.rows
    var coefficients = [Double](repeating: 0, count: k * d)
    var intercepts = [Double](repeating: 0, count: k)
    for c in 0..<k {
      for j in 0..<d { coefficients[c * d + j] = w[c * stride + j] }
      if fitIntercept { intercepts[c] = w[c * stride + d] }
    }
    let weights = Tensor(coefficients, shape: [k, d], on: CPUBackend.shared)
    // Z = X·Wᵀ, then overwritten in place with the residuals P − Y.
    let residuals = matmul(features, weights, transposeB: true)
    let z = residuals.storage.doubles
    var loss = 0.0
    var interceptGradient = [Double](repeating: 0, count: k)
    for i in 0..<n {
      let row = z + i * k
      var largest = -Double.infinity
      for c in 0..<k {
        row[c] += intercepts[c]
        largest = max(largest, row[c])
      }
      let label = labels[i]
      let shiftedLabelLogit = row[label] - largest
      var total = 0.0
      for c in 0..<k {
        row[c] = exp(row[c] - largest)
        total += row[c]
      }
      // log Σ exp(z) − z_y, with z shifted by its maximum.
      loss += log(total) - shiftedLabelLogit
      let inverse = 1 / total
      for c in 0..<k {
        // ∂/∂z_ic = p_ic − 1[c = y_i]
        row[c] = row[c] * inverse - (c == label ? 1 : 0)
        interceptGradient[c] += row[c]
      }
    }
    let weightGradient = matmul(residuals, features, transposeA: true).doubles
    let scale = 1 / Double(n)
    var gradient = [Double](repeating: 0, count: dimension)
    var penalty = 0.0
    for c in 0..<k {
      for j in 0..<d {
        let index = c * stride + j
        gradient[index] = weightGradient[c * d + j] * scale + regularization * w[index]
        penalty += w[index] * w[index]
      }
      if fitIntercept { gradient[c * stride + d] = interceptGradient[c] * scale }
    }
    return (loss * scale + 0.5 * regularization * penalty, gradient)
  }
}
