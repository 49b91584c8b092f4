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
    let result = symmetricEigendecomposition(a)
    expectClose(result.eigenvalues, jacobiEigenvalues(a.doubles, n), rtol: 1e-10, atol: 1e-10)
    let v = result.eigenvectors
    let lambda = Tensor(result.eigenvalues, shape: [n])
    expectClose(matmul(a, v).doubles, (v * lambda).doubles, rtol: 1e-10, atol: 1e-10)
    let identity = (0..<(n * n)).map { $0 % (n + 1) == 0 ? 1.0 : 0.0 }
    expectClose(matmul(v, v, transposeA: true).doubles, identity, rtol: 0, atol: 1e-12)
  }

  @Test(
    "the k largest pairs equal the first k of the full decomposition, up to sign; float32 in, float32 out"
  )
  func largest() {
    let a = Self.symmetric(12, seed: 3)
    let all = symmetricEigendecomposition(a)
    let top = symmetricEigendecomposition(a, largest: 4)
    expectClose(top.eigenvalues, Array(all.eigenvalues.prefix(4)), rtol: 1e-12, atol: 1e-12)
    let overlap = matmul(top.eigenvectors, all.eigenvectors, transposeA: true).doubles
    for i in 0..<4 { #expect(abs(abs(overlap[i * 12 + i]) - 1) < 1e-10) }
    let single = symmetricEigendecomposition(a.converted(to: .float32), largest: 2)
    #expect(single.eigenvectors.dtype == .float32 && single.eigenvectors.shape == [12, 2])
    #expect(symmetricEigendecomposition(a, largest: 0).eigenvalues.isEmpty)
  }
}
