// Tensor+Eigen: eigenvalues and eigenvectors of a real symmetric tensor through LAPACK's dsyevr
// (the host entry in Host/HostEigen.swift).

/// The eigenvalues (ascending) and eigenvectors of a real symmetric matrix, or a selection of
/// them.
///
/// Computed by LAPACK's `dsyevr` (Householder tridiagonalisation, then the MRRR algorithm), in
/// float64 whatever the input's dtype; the results are returned in the input's dtype on its
/// backend. Only the lower triangle of `matrix` is read. The sign of each eigenvector is
/// whatever LAPACK returns; callers that need a canonical sign must fix it themselves.
///
/// ```swift
/// let a = Tensor([2, 1, 1, 2] as [Double], shape: [2, 2])
/// let (values, vectors) = symmetricEigendecomposition(a)   // values [1, 3]
/// ```
///
/// Shape: `matrix` is `[n, n]`; `values` is `[m]` and `vectors` is `[n, m]`, with column `j` of
/// `vectors` the unit eigenvector of `values[j]`, where `m` is `n` or `indices.count`.
/// - Parameters:
///   - matrix: A symmetric matrix.
///   - indices: Which eigenpairs to compute, as 0-based positions in ascending order of the
///     eigenvalues (`(n − k)...(n − 1)` are the `k` largest); `nil` for all of them.
/// - Returns: The selected eigenvalues in ascending order and their eigenvectors.
/// - Precondition: `matrix` is square with finite elements, `indices` lies in `0..<n`, and LAPACK
///   reports success (it fails only on internal errors).
/// - Complexity: O(n³) time for the tridiagonalisation plus O(n·m) per eigenvector; O(n²) memory.
public func symmetricEigendecomposition(
  _ matrix: Tensor, indices: ClosedRange<Int>? = nil
) -> (values: Tensor, vectors: Tensor) {
  precondition(
    matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
    "symmetricEigendecomposition: matrix of shape \(matrix.shape) is not square")
  let n = matrix.shape[0]
  let selected = indices ?? 0...(max(n, 1) - 1)
  precondition(
    n == 0 || (selected.lowerBound >= 0 && selected.upperBound < n),
    "symmetricEigendecomposition: indices \(selected) out of range for a \(n)×\(n) matrix")
  if n == 0 {
    return (
      Tensor.zeros([0], dtype: matrix.dtype, on: matrix.backend),
      Tensor.zeros([0, 0], dtype: matrix.dtype, on: matrix.backend)
    )
  }
  let a = matrix.doubles
  precondition(
    a.allSatisfy(\.isFinite), "symmetricEigendecomposition: matrix has non-finite elements")
  let values: [Double]
  let vectors: [Double]
  do {
    (values, vectors) = try symmetricEigendecomposition(a, order: n, indices: selected)
  } catch {
    preconditionFailure("symmetricEigendecomposition: \(error)")
  }
  return (
    Tensor(
      converting: values, shape: [values.count], dtype: matrix.dtype, on: matrix.backend),
    Tensor(converting: vectors, shape: [n, values.count], dtype: matrix.dtype, on: matrix.backend)
  )
}
