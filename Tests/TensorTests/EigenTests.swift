// Symmetric eigendecomposition: LAPACK's dsyevr against a plain cyclic Jacobi oracle.

import Tensor
import Testing
import _TestSupport

/// Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5): the
/// plain reference the LAPACK path is compared with.
func jacobiEigenvalues(_ matrix: [Double], _ n: Int) -> [Double] {
  var a = matrix
  for _ in 0..<100 {
    var off = 0.0
    for p in 0..<n { for q in 0..<n where p != q { off += a[p * n + q] * a[p * n + q] } }
    if off < 1e-24 { break }
    for p in 0..<n {
      for q in (p + 1)..<n where a[p * n + q] != 0 {
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        for k in 0..<n {
          let (akp, akq) = (a[k * n + p], a[k * n + q])
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {
          let (apk, aqk) = (a[p * n + k], a[q * n + k])
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
    }
  }
  return (0..<n).map { a[$0 * n + $0] }.sorted(by: >)
}

@Suite("symmetricEigendecomposition")
struct EigenTests {
  static func symmetric(_ n: Int, seed: UInt64) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    let b = Tensor.randomNormal([n, n], dtype: .float64, using: &rng)
    return (b + b.transposed()) * 0.5
  }

  @Test("eigenvalues match the Jacobi oracle; A·V = V·Λ and VᵀV = I", arguments: [1, 2, 7, 20])
  func allPairs(n: Int) {
    let a = Self.symmetric(n, seed: UInt64(n))
    let (values, v) = symmetricEigendecomposition(a)
    // The oracle lists eigenvalues in descending order; LAPACK's are ascending.
    expectClose(
      values.doubles.reversed(), jacobiEigenvalues(a.doubles, n), rtol: 1e-10, atol: 1e-10)
    let lambda = values
    expectClose(matmul(a, v).doubles, (v * lambda).doubles, rtol: 1e-10, atol: 1e-10)
    let identity = (0..<(n * n)).map { $0 % (n + 1) == 0 ? 1.0 : 0.0 }
    expectClose(matmul(v, v, transposeA: true).doubles, identity, rtol: 0, atol: 1e-12)
  }

  @Test(
    "a selection of pairs equals the same pairs of the full decomposition, up to sign; float32 in, float32 out"
  )
  func selection() {
    let a = Self.symmetric(12, seed: 3)
    let (allValues, allVectors) = symmetricEigendecomposition(a)
    let (topValues, topVectors) = symmetricEigendecomposition(a, indices: 8...11)
    expectClose(topValues.doubles, Array(allValues.doubles.suffix(4)), rtol: 1e-12, atol: 1e-12)
    let overlap = matmul(topVectors, allVectors.rows(0..<12), transposeA: true).doubles
    for i in 0..<4 { #expect(abs(abs(overlap[i * 12 + 8 + i]) - 1) < 1e-10) }
    let (_, single) = symmetricEigendecomposition(a.converted(to: .float32), indices: 10...11)
    #expect(single.dtype == .float32 && single.shape == [12, 2])
  }
}
