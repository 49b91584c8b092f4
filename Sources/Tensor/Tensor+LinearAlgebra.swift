// Tensor+LinearAlgebra: matrix products (transposes as BLAS flags) and materialised transposes.

/// The matrix product `op(a) · op(b)`, where `op` transposes when its flag is set.
///
/// The transposes are never materialised: they reach GEMM as BLAS flags.
///
/// Shape: `op(a)` is `[m, k]` and `op(b)` is `[k, n]`; the result is `[m, n]`.
/// - Precondition: both are rank 2, share backend and dtype, and the inner dimensions agree.
public func matmul(
  _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
) -> Tensor {
  let (m, n, k) = matmulDimensions(a, b, transposeA, transposeB)
  let result = a.makeSibling([m, n])
  if result.count > 0 {
    a.backend.gemm(
      a.storage, transposeA: transposeA, b.storage, transposeB: transposeB,
      into: result.storage, m: m, n: n, k: k, alpha: 1, beta: 0)
  }
  return result
}

/// Computes `c ← alpha · op(a) · op(b) + beta · c` in place.
///
/// - Precondition: as for ``matmul(_:_:transposeA:transposeB:)``, and `c` is `[m, n]`.
public func matmul(
  _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
  alpha: Double = 1, beta: Double, accumulatingInto c: inout Tensor
) {
  let (m, n, k) = matmulDimensions(a, b, transposeA, transposeB)
  a.checkCompatible(c, "matmul(accumulatingInto:)")
  precondition(
    c.shape == [m, n], "matmul(accumulatingInto:): result \(c.shape) is not [\(m), \(n)]")
  c.makeUnique()
  if c.count > 0 {
    a.backend.gemm(
      a.storage, transposeA: transposeA, b.storage, transposeB: transposeB,
      into: c.storage, m: m, n: n, k: k, alpha: alpha, beta: beta)
  }
}

private func matmulDimensions(
  _ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool
) -> (m: Int, n: Int, k: Int) {
  a.checkCompatible(b, "matmul")
  precondition(
    a.rank == 2 && b.rank == 2, "matmul: operands must be matrices, got \(a.shape) and \(b.shape)")
  let m = transposeA ? a.shape[1] : a.shape[0]
  let k = transposeA ? a.shape[0] : a.shape[1]
  let kb = transposeB ? b.shape[1] : b.shape[0]
  let n = transposeB ? b.shape[0] : b.shape[1]
  precondition(
    k == kb,
    "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · "
      + "\(b.shape)\(transposeB ? "ᵀ" : "")")
  return (m, n, k)
}

extension Tensor {
  /// The transpose of a matrix, materialised.
  ///
  /// - Precondition: the tensor is rank 2.
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed: tensor of shape \(shape) is not a matrix")
    let result = makeSibling([shape[1], shape[0]])
    if count > 0 {
      backend.transpose(storage, rows: shape[0], columns: shape[1], into: result.storage)
    }
    return result
  }
}
