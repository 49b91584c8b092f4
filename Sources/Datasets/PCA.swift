// PCA: principal component analysis by eigendecomposition of the covariance matrix, as
// scikit-learn's "covariance_eigh" solver does for many samples and few features.

import Tensor

/// Principal component analysis: projects centred data onto the directions of largest variance.
///
/// `fit` centres `X` [n, d], forms the covariance `C = Xcᵀ Xc / (n − 1)` with one matrix product
/// (GEMM), and takes its `components` leading eigenvectors with LAPACK's `dsyevr`
/// (`symmetricEigendecomposition(_:indices:)` in the Tensor module). This is scikit-learn's `covariance_eigh`
/// solver, which it picks itself when `n ≥ 10·d` and `d ≤ 1000` (MNIST's 70,000 × 784). Signs
/// follow scikit-learn's `svd_flip(u_based_decision=False)`: the largest-magnitude entry of each
/// component is positive, so results match scikit-learn's up to rounding.
///
/// Used for the peers that reduce dimension first: PCA-50 before openTSNE-style t-SNE, PCA-10
/// baselines.
///
/// ```swift
/// let model = try PCA(components: 50).fit(mnist.features)
/// let reduced = try model.transform(mnist.features)   // [70000, 50]
/// ```
public struct PCA: Sendable {
  /// The options of PCA.
  public struct Configuration: Sendable, Codable, Hashable {
    /// The number of principal components to keep.
    public var components: Int
    /// Whether to divide each projected coordinate by the square root of its variance.
    public var whiten: Bool

    /// Creates a configuration.
    public init(components: Int, whiten: Bool = false) {
      self.components = components
      self.whiten = whiten
    }

    /// Checks the options on their own.
    ///
    /// - Throws: ``DatasetError/input(_:)`` for `components < 1`.
    public func validate() throws(DatasetError) {
      try DatasetError.require(components >= 1, "components", components, "must be >= 1")
    }
  }

  /// The options.
  public var configuration: Configuration

  /// Creates a PCA with `configuration`.
  public init(configuration: Configuration) {
    self.configuration = configuration
  }

  /// Creates a PCA keeping `components` components.
  public init(components: Int, whiten: Bool = false) {
    self.init(configuration: Configuration(components: components, whiten: whiten))
  }

  /// Learns the mean and the leading principal axes of `x`.
  ///
  /// The covariance product runs in `x`'s dtype (float32 GEMM for float32 input), the
  /// eigendecomposition in double precision.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Throws: ``DatasetError/input(_:)`` for an invalid configuration, fewer than 2 samples, an
  ///   empty or non-matrix `x`, NaN/infinite entries (I1–I4), or `components > min(n, d)`.
  /// - Complexity: O(n·d²) for the covariance plus O(d³) for the eigendecomposition.
  public func fit(_ x: Tensor) throws(DatasetError) -> PCAModel {
    try configuration.validate()
    _ = try DatasetError.requireMatrix(x, "x")
    let (n, d) = (x.shape[0], x.shape[1])
    try DatasetError.require(
      n >= 2, "x", "\(n) sample", "needs at least 2 samples for a covariance")
    let k = configuration.components
    try DatasetError.require(
      k <= min(n, d), "components", k, "must be <= min(n_samples, n_features) = \(min(n, d))")
    let mean = x.mean(axis: 0)
    let centred = x - mean
    let covariance = matmul(centred, centred, transposeA: true) / Double(n - 1)
    // The k largest eigenpairs, which LAPACK returns in ascending order.
    let (values, vectors) = symmetricEigendecomposition(covariance, indices: (d - k)...(d - 1))
    // Total variance = trace(C) = the sum of all eigenvalues.
    let diagonal = covariance.doubles
    let totalVariance = (0..<d).reduce(0.0) { $0 + diagonal[$1 * d + $1] }
    // Rows of the transposed eigenvector matrix are the components; flip each so that its
    // largest-magnitude entry is positive (svd_flip with u_based_decision=False).
    let ascending = vectors.transposed().doubles
    var components = (0..<k).reversed().flatMap { ascending[($0 * d)..<(($0 + 1) * d)] }
    for component in 0..<k {
      let entries = components[(component * d)..<((component + 1) * d)]
      let largest = entries.indices.max { abs(components[$0]) < abs(components[$1]) }!
      if components[largest] < 0 {
        for index in entries.indices { components[index] = -components[index] }
      }
    }
    let variance = values.doubles.reversed().map { max($0, 0) }
    return PCAModel(
      configuration: configuration, sampleCount: n, mean: mean,
      components: Tensor(converting: components, shape: [k, d], dtype: x.dtype, on: x.backend),
      explainedVariance: variance,
      explainedVarianceRatio: variance.map { totalVariance > 0 ? $0 / totalVariance : 0 })
  }
}

/// A fitted ``PCA``: the mean, the principal axes and the variance along each.
public struct PCAModel: Sendable {
  /// The options it was fitted with.
  public var configuration: PCA.Configuration
  /// The number of training samples.
  public var sampleCount: Int
  /// The training mean, subtracted before projecting.
  ///
  /// Shape: `[d]`.
  public var mean: Tensor
  /// The principal axes, one unit vector per row, by decreasing variance.
  ///
  /// Shape: `[components, d]`.
  public var components: Tensor
  /// The variance along each component (the covariance eigenvalues, unbiased `n − 1`).
  public var explainedVariance: [Double]
  /// Each component's share of the total variance.
  public var explainedVarianceRatio: [Double]

  /// The coordinates of `x` along the principal axes: `(x − mean) · componentsᵀ`, divided by
  /// `√explainedVariance` when whitening.
  ///
  /// Shape: `x` is `[n, d]`; the result is `[n, components]`.
  /// - Throws: ``DatasetError/input(_:)`` when `x` has another number of features than the training
  ///   data (I16).
  public func transform(_ x: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(x, expected: components.shape[1])
    let projected = matmul(
      x - mean.converted(to: x.dtype), components.converted(to: x.dtype), transposeB: true)
    guard configuration.whiten else { return projected }
    let scale = explainedVariance.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
    return projected * row(scale, like: projected)
  }

  /// Points in the original space from principal coordinates: `z · components + mean`
  /// (undoing whitening first).
  ///
  /// Shape: `z` is `[n, components]`; the result is `[n, d]`.
  /// - Throws: ``DatasetError/input(_:)`` for a `z` of the wrong width.
  public func inverseTransform(_ z: Tensor) throws(DatasetError) -> Tensor {
    try checkColumns(z, expected: components.shape[0])
    var coordinates = z
    if configuration.whiten {
      coordinates = coordinates * row(explainedVariance.map { $0.squareRoot() }, like: z)
    }
    return matmul(coordinates, components.converted(to: z.dtype)) + mean.converted(to: z.dtype)
  }
}

extension PCA {
  /// Fits on `x` and returns the model with `x`'s principal coordinates.
  ///
  /// Shape: `x` is `[n, d]`; the coordinates are `[n, components]`.
  /// - Throws: As ``fit(_:)``.
  public func fitTransform(_ x: Tensor) throws(DatasetError) -> (
    model: PCAModel, coordinates: Tensor
  ) {
    let model = try fit(x)
    return (model, try model.transform(x))
  }
}
