// HostBLAS: the one entry to BLAS for raw row-major host buffers (GEMM with leading dimensions,
// and the SYRK and GEMV the host-side modules call), so that only Tensor imports COpenBLAS.

import COpenBLAS

/// Row-major `C = alpha · op(A) · op(B) + beta · C` through `cblas_sgemm`.
///
/// `op(A)` is `m × k` and `op(B)` is `k × n`. Each leading dimension is the row stride of the
/// stored matrix; a block of a larger matrix is passed as a pointer advanced to its first
/// element (the offset) with the larger matrix's leading dimension.
package func hostGEMM(
  transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
  _ a: UnsafePointer<Float>?, lda: Int, _ b: UnsafePointer<Float>?, ldb: Int, beta: Float = 0,
  _ c: UnsafeMutablePointer<Float>?, ldc: Int
) {
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Row-major `C = alpha · op(A) · op(B) + beta · C` through `cblas_dgemm` (see the float
/// overload for the dimensions).
package func hostGEMM(
  transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Double = 1,
  _ a: UnsafePointer<Double>?, lda: Int, _ b: UnsafePointer<Double>?, ldb: Int, beta: Double = 0,
  _ c: UnsafeMutablePointer<Double>?, ldc: Int
) {
  cblas_dgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The upper triangle of the row-major `n × n` matrix `C = alpha · AᵀA + beta · C`, with `A`
/// stored `k × n`, through `cblas_ssyrk` (the lower triangle is left as it was).
package func hostGramUpper(
  n: Int, k: Int, alpha: Float = 1, _ a: UnsafePointer<Float>?, lda: Int, beta: Float = 0,
  _ c: UnsafeMutablePointer<Float>?, ldc: Int
) {
  cblas_ssyrk(
    CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c,
    Int32(ldc))
}

/// Row-major `y = alpha · op(A) · x + beta · y` with `A` stored `m × n` and unit strides,
/// through `cblas_dgemv`.
package func hostGEMV(
  transpose: Bool = false, m: Int, n: Int, alpha: Double = 1, _ a: UnsafePointer<Double>?,
  lda: Int, _ x: UnsafePointer<Double>?, beta: Double = 0, _ y: UnsafeMutablePointer<Double>?
) {
  cblas_dgemv(
    CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a,
    Int32(lda), x, 1, beta, y, 1)
}
