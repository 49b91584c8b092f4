// _PCA: principal-component scores through the covariance matrix's eigendecomposition (LAPACKE).

import Tensor

/// The scores of `x` on its first `components` principal axes, row-major `[n, components]`.
///
/// The covariance `XᶜᵀXᶜ / (n − 1)` of the centred data is formed by one DGEMM and
/// diagonalised with `dsyevd`. Each axis's sign is fixed so that its largest-magnitude loading
/// is positive (scikit-learn's `svd_flip` with `u_based_decision=False`), which makes the
/// result deterministic. Returns `nil` when LAPACK fails.
func principalComponentScores(_ x: HostMatrix, components: Int) -> [Double]? {
  let (n, d) = (x.rows, x.columns)
  let means = x.columnMeans()
  var centred = [Double](repeating: 0, count: n * d)
  for i in 0..<n {
    for c in 0..<d { centred[i * d + c] = x.value(i, c) - means[c] }
  }
  var covariance = [Double](repeating: 0, count: d * d)
  hostGEMM(
    transposeA: true, m: d, n: d, k: n, alpha: 1 / Double(max(n - 1, 1)), centred, lda: d,
    centred, ldb: d, &covariance, ldc: d)
  guard
    let (_, vectors) = try? symmetricEigendecomposition(
      covariance, order: d, driver: .divideAndConquer)
  else { return nil }
  let kept = min(components, d)
  var axes = [Double](repeating: 0, count: d * components)
  for k in 0..<kept {
    let column = d - 1 - k  // eigenvalues ascend: the largest is last
    var largest = 0.0
    for r in 0..<d where abs(vectors[r * d + column]) > abs(largest) {
      largest = vectors[r * d + column]
    }
    let sign: Double = largest < 0 ? -1 : 1
    for r in 0..<d { axes[r * components + k] = sign * vectors[r * d + column] }
  }
  var scores = [Double](repeating: 0, count: n * components)
  hostGEMM(
    m: n, n: components, k: d, centred, lda: d, axes, ldb: components, &scores, ldc: components)
  return scores
}
