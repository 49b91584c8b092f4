// HostEigen: the one symmetric eigensolver entry of the host-side modules (LAPACK's dsyevr or
// dsyevd, as each caller has always used) and the symmetric tridiagonal one (dstev).

import COpenBLAS

/// A LAPACK routine that reported failure (a non-zero `info`), named with what it returned.
package struct LAPACKFailure: Error, CustomStringConvertible {
  /// The routine, its `info` and any other count it returned.
  ///
  /// For example `LAPACKE_dsyevr failed (info 1, found 2 of 3)`.
  package let description: String
}

/// The LAPACK driver of a symmetric eigendecomposition; each keeps its own rounding, so a
/// caller keeps the one it was validated with.
package enum SymmetricEigenDriver: Sendable {
  /// `dsyevr` (Householder tridiagonalisation, then MRRR), reading the lower triangle; can
  /// compute a selection of the eigenpairs.
  case relativelyRobust
  /// `dsyevd` (divide and conquer), reading the upper triangle; all eigenpairs.
  case divideAndConquer
}

/// The eigenvalues (ascending) and eigenvectors (one per column, row-major `[n, m]`) of the
/// row-major symmetric `n × n` `matrix`, or of the eigenpairs at `indices` (0-based positions
/// in ascending order, `.relativelyRobust` only); `m` is `n` or `indices.count`.
///
/// ``symmetricEigendecomposition(_:indices:)`` is this entry for tensors.
package func symmetricEigendecomposition(
  _ matrix: [Double], order n: Int, indices: ClosedRange<Int>? = nil,
  driver: SymmetricEigenDriver = .relativelyRobust
) throws(LAPACKFailure) -> (values: [Double], vectors: [Double]) {
  if n == 0 { return ([], []) }
  var a = matrix
  switch driver {
  case .divideAndConquer:
    precondition(indices == nil, "symmetricEigendecomposition: dsyevd computes all eigenpairs")
    var w = [Double](repeating: 0, count: n)
    let info = LAPACKE_dsyevd(
      LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), LapackInt(n), &a,
      LapackInt(n), &w)
    guard info == 0 else {
      throw LAPACKFailure(description: "LAPACKE_dsyevd failed (info \(info))")
    }
    return (w, a)
  case .relativelyRobust:
    let selected = indices ?? 0...(n - 1)
    let count = selected.count
    var values = [Double](repeating: 0, count: n)
    var vectors = [Double](repeating: 0, count: n * count)
    var support = [LapackInt](repeating: 0, count: 2 * max(count, 1))
    var found: LapackInt = 0
    let range: CChar = count == n ? CChar(UInt8(ascii: "A")) : CChar(UInt8(ascii: "I"))
    let info = LAPACKE_dsyevr(
      LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), range, CChar(UInt8(ascii: "L")),
      LapackInt(n), &a, LapackInt(n), 0, 0, LapackInt(selected.lowerBound + 1),
      LapackInt(selected.upperBound + 1), 0, &found, &values, &vectors, LapackInt(count),
      &support)
    guard info == 0 && Int(found) == count else {
      throw LAPACKFailure(
        description: "LAPACKE_dsyevr failed (info \(info), found \(found) of \(count))")
    }
    return (Array(values.prefix(count)), vectors)
  }
}

/// The eigenvalues (ascending) and row-major eigenvectors (one per column) of the symmetric
/// tridiagonal matrix with `diagonal` (`n` values) and `offDiagonal` (`n − 1`), by LAPACK's
/// `dstev`.
package func tridiagonalEigendecomposition(diagonal: [Double], offDiagonal: [Double])
  throws(LAPACKFailure) -> (values: [Double], vectors: [Double])
{
  let n = diagonal.count
  var (d, e) = (diagonal, offDiagonal)
  var vectors = [Double](repeating: 0, count: n * n)
  let info = LAPACKE_dstev(
    LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), LapackInt(n), &d, &e, &vectors, LapackInt(n))
  guard info == 0 else { throw LAPACKFailure(description: "LAPACKE_dstev failed (info \(info))") }
  return (d, vectors)
}
