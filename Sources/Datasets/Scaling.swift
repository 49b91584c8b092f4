// Scaling: min-max and standard scaling of feature columns, safe on constant columns.

import Tensor

/// Scales each feature column linearly onto a target range, as scikit-learn's `MinMaxScaler`.
///
/// `x' = lower + (x − min) · (upper − lower) / (max − min)` per column. A constant column
/// (`max == min`) would divide 0 by 0; it is mapped to `lower` instead and listed in
/// ``MinMaxScalerModel/constantColumns`` (RELIABILITY I5).
public struct MinMaxScaler: Sendable, Hashable, Codable {
  /// The lower end of the target range.
  public var lower: Double
  /// The upper end of the target range.
  public var upper: Double

  /// Creates a scaler onto `[lower, upper]`, [0, 1] by default.
  public init(lower: Double = 0, upper: Double = 1) {
    self.lower = lower
    self.upper = upper
  }

  /// Learns each column's minimum and maximum.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Throws: ``DatasetError/input(_:)`` for an empty or non-matrix `x`, a range with
  ///   `lower ≥ upper`, or a NaN/infinite entry (I1–I4).
  public func fit(_ x: Tensor) throws(DatasetError) -> MinMaxScalerModel {
    try DatasetError.require(
      lower.isFinite && upper.isFinite && lower < upper, "range", "[\(lower), \(upper)]",
      "must be finite with lower < upper")
    _ = try DatasetError.requireMatrix(x, "x")
    let minimum = x.min(axis: 0).doubles
    let maximum = x.max(axis: 0).doubles
    let constant = minimum.indices.filter { maximum[$0] == minimum[$0] }
    return MinMaxScalerModel(
      scaler: self, minimum: minimum, maximum: maximum, constantColumns: constant)
  }
}

/// A fitted ``MinMaxScaler``: each column's minimum and maximum.
public struct MinMaxScalerModel: Sendable, Hashable, Codable {
  /// The target range.
  public var scaler: MinMaxScaler
  /// Each column's minimum in the training data.
  public var minimum: [Double]
  /// Each column's maximum in the training data.
  public var maximum: [Double]
  /// The columns whose minimum equals their maximum; they map to ``MinMaxScaler/lower``.
  public var constantColumns: [Int]

  /// `x` scaled column by column onto the target range (values outside the training range map
  /// outside it, as in scikit-learn).
  ///
  /// Shape: `x` is `[n, d]` with the training `d`; so is the result.
  /// - Throws: ``DatasetError/input(_:)`` when `x` has another number of columns (I16).
  public func transform(_ x: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(x, expected: minimum.count)
    let (scale, offset) = affine()
    return x * row(scale, like: x) + row(offset, like: x)
  }

  /// The inverse of ``transform(_:)`` (constant columns come back as their constant).
  public func inverseTransform(_ y: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(y, expected: minimum.count)
    let (scale, offset) = affine()
    return (y - row(offset, like: y)) / row(scale, like: y)
  }

  /// `x' = x · scale + offset` with scale `(upper − lower) / range` (range 1 if constant).
  private func affine() -> (scale: [Double], offset: [Double]) {
    let scale = minimum.indices.map { column in
      let range = maximum[column] - minimum[column]
      return (scaler.upper - scaler.lower) / (range == 0 ? 1 : range)
    }
    let offset = minimum.indices.map { scaler.lower - minimum[$0] * scale[$0] }
    return (scale, offset)
  }
}

/// Centres each feature column and divides it by its standard deviation, as scikit-learn's
/// `StandardScaler`.
///
/// `x' = (x − mean) / std` per column, with the population standard deviation (`ddof = 0`). A
/// column whose variance is zero up to rounding (scikit-learn's `_is_constant_feature` bound
/// `var ≤ n·ε·var + (n·mean·ε)²`) keeps a scale of 1 instead of dividing by ~0, so it maps to
/// 0, and is listed in ``StandardScalerModel/constantColumns`` (RELIABILITY I5).
public struct StandardScaler: Sendable, Hashable, Codable {
  /// Whether to subtract the mean.
  public var withMean: Bool
  /// Whether to divide by the standard deviation.
  public var withStandardDeviation: Bool

  /// Creates a scaler; both steps are on by default.
  public init(withMean: Bool = true, withStandardDeviation: Bool = true) {
    self.withMean = withMean
    self.withStandardDeviation = withStandardDeviation
  }

  /// Learns each column's mean and standard deviation (computed in double precision).
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Throws: ``DatasetError/input(_:)`` for an empty or non-matrix `x` or a NaN/infinite entry
  ///   (I1–I4).
  public func fit(_ x: Tensor) throws(DatasetError) -> StandardScalerModel {
    _ = try DatasetError.requireMatrix(x, "x")
    let wide = x.converted(to: .float64)
    let meanTensor = wide.mean(axis: 0)
    let mean = meanTensor.doubles
    let variance = (wide - meanTensor).squared().mean(axis: 0).doubles
    let n = Double(x.shape[0])
    let epsilon = Double.ulpOfOne
    let constant = mean.indices.filter { column in
      let bound =
        n * epsilon * variance[column] + (n * mean[column] * epsilon) * (n * mean[column] * epsilon)
      return variance[column] <= bound
    }
    let deviation = variance.indices.map { constant.contains($0) ? 1 : variance[$0].squareRoot() }
    return StandardScalerModel(
      scaler: self, mean: mean, standardDeviation: deviation, constantColumns: constant)
  }
}

/// A fitted ``StandardScaler``: each column's mean and standard deviation.
public struct StandardScalerModel: Sendable, Hashable, Codable {
  /// Which steps apply.
  public var scaler: StandardScaler
  /// Each column's mean in the training data.
  public var mean: [Double]
  /// Each column's population standard deviation, 1 for constant columns.
  public var standardDeviation: [Double]
  /// The columns with zero variance (up to rounding).
  public var constantColumns: [Int]

  /// `x` standardised column by column.
  ///
  /// Shape: `x` is `[n, d]` with the training `d`; so is the result.
  /// - Throws: ``DatasetError/input(_:)`` when `x` has another number of columns (I16).
  public func transform(_ x: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(x, expected: mean.count)
    var result = x
    if scaler.withMean { result = result - row(mean, like: x) }
    if scaler.withStandardDeviation { result = result / row(standardDeviation, like: x) }
    return result
  }

  /// The inverse of ``transform(_:)``.
  public func inverseTransform(_ y: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(y, expected: mean.count)
    var result = y
    if scaler.withStandardDeviation { result = result * row(standardDeviation, like: y) }
    if scaler.withMean { result = result + row(mean, like: y) }
    return result
  }
}

// MARK: Shared checks

/// Throws unless `x` is a matrix with `expected` columns.
func checkColumns(_ x: Tensor, expected: Int) throws(DatasetError) {
  guard x.rank == 2 else {
    throw .input(
      .wrongRank(parameter: "x", shape: x.shape, expected: "a matrix [samples, \(expected)]"))
  }
  guard x.shape[1] == expected else {
    throw .input(.featureMismatch(parameter: "x", features: x.shape[1], expected: expected))
  }
}

/// `values` as a `[d]` row vector with `x`'s dtype and backend, for broadcasting.
func row(_ values: [Double], like x: Tensor) -> Tensor {
  Tensor(converting: values, shape: [values.count], dtype: x.dtype, on: x.backend)
}
