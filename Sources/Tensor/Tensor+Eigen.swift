// Tensor+Eigen: eigendecomposition of a symmetric matrix through LAPACK's dsyevr.

import COpenBLAS

/// The eigenvalues and eigenvectors of a symmetric matrix, largest eigenvalue first.
public struct SymmetricEigendecomposition: Sendable {
  /// The eigenvalues in descending order.
  public var eigenvalues: [Double]
  /// The unit eigenvectors as columns, in the order of ``eigenvalues``.
  ///
  /// Shape: `[n, eigenvalues.count]`, in the input's dtype and on its backend.
  public var eigenvectors: Tensor
}

/// The eigenvalues and eigenvectors of the symmetric matrix `a`, largest first.
///
/// Runs LAPACK's `dsyevr` (relatively robust representations) in double precision on the host,
/// whatever the input's dtype; only the lower triangle of `a` is read. When `largest` is given,
/// only that many eigenpairs are computed, which is much cheaper than all of them. Each
/// eigenvector's sign is whatever LAPACK returns; callers that need a convention (such as PCA's)
/// apply it.
///
/// Shape: `a` is `[n, n]`; the eigenvectors are `[n, k]` with `k = largest ?? n`.
/// - Parameters:
///   - a: A symmetric matrix.
///   - largest: How many of the largest eigenpairs to compute; all when `nil`.
/// - Precondition: `a` is square with finite entries, and `largest` is in `0...n`.
/// - Complexity: O(n³) for the tridiagonal reduction, plus O(n·k) per eigenvector.
public func symmetricEigendecomposition(_ a: Tensor, largest: Int? = nil)
  -> SymmetricEigendecomposition
{
  precondition(
    a.rank == 2 && a.shape[0] == a.shape[1],
    "symmetricEigendecomposition: matrix of shape \(a.shape) is not square")
  let n = a.shape[0]
  let k = largest ?? n
  precondition((0...n).contains(k), "symmetricEigendecomposition: largest \(k) is outside 0...\(n)")
  guard k > 0 else {
    return SymmetricEigendecomposition(
      eigenvalues: [], eigenvectors: Tensor.zeros([n, 0], dtype: a.dtype, on: a.backend))
  }
  var matrix = a.doubles
  var found: LapackInt = 0
  var values = [Double](repeating: 0, count: n)
  var vectors = [Double](repeating: 0, count: n * k)
  var support = [LapackInt](repeating: 0, count: 2 * n)
  // Range "I" selects eigenvalues il...iu (1-based, ascending): the k largest are n-k+1...n.
  let status = LAPACKE_dsyevr(
    LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: k == n ? "A" : "I")),
    CChar(UInt8(ascii: "L")), LapackInt(n), &matrix, LapackInt(n), 0, 0, LapackInt(n - k + 1),
    LapackInt(n), 0, &found, &values, &vectors, LapackInt(k), &support)
  precondition(
    status == 0 && Int(found) == k, "symmetricEigendecomposition: dsyevr failed with info \(status)"
  )
  // LAPACK returns ascending order; reverse the eigenvalues and the eigenvector columns.
  var descending = [Double](repeating: 0, count: n * k)
  for row in 0..<n {
    for column in 0..<k { descending[row * k + column] = vectors[row * k + (k - 1 - column)] }
  }
  return SymmetricEigendecomposition(
    eigenvalues: values.prefix(k).reversed(),
    eigenvectors: Tensor(converting: descending, shape: [n, k], dtype: a.dtype, on: a.backend))
}
