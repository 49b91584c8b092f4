// Tests of symmetricEigendecomposition: an analytic spectrum, A·V = V·Λ, orthonormality and
// selection of the largest eigenpairs.

import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("symmetricEigendecomposition: analytic and selected spectra")
struct EigenSpectrumTests {
  @Test("the second-difference matrix has eigenvalues 2 − 2cos(jπ/(n+1))")
  func analyticSpectrum() {
    let n = 12
    var values = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      values[i * n + i] = 2
      if i > 0 { values[i * n + i - 1] = -1 }
      if i + 1 < n { values[i * n + i + 1] = -1 }
    }
    let (eigenvalues, _) = symmetricEigendecomposition(Tensor(values, shape: [n, n]))
    let expected = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }
    expectClose(eigenvalues.doubles, expected, rtol: 1e-12, atol: 1e-13)
  }

  @Test(
    "A·V = V·Λ with orthonormal V, for all pairs and for the 3 largest",
    arguments: [DType.float64, .float32])
  func decomposition(dtype: DType) {
    var rng = Xoshiro256(seed: 6)
    let n = 9
    let b = Tensor.randomNormal([n, n], dtype: .float64, using: &rng)
    let a = (b + b.transposed()).converted(to: dtype)
    let tolerance = dtype == .float64 ? 1e-10 : 1e-4
    let (all, vectors) = symmetricEigendecomposition(a)
    #expect(all.dtype == dtype && vectors.shape == [n, n])
    let av = matmul(a.converted(to: .float64), vectors.converted(to: .float64))
    let vl = vectors.converted(to: .float64) * all.converted(to: .float64).reshaped([1, n])
    expectClose(av, vl, rtol: tolerance, atol: tolerance)
    let gram = matmul(
      vectors.converted(to: .float64), vectors.converted(to: .float64), transposeA: true)
    var identity = [Double](repeating: 0, count: n * n)
    for i in 0..<n { identity[i * n + i] = 1 }
    expectClose(gram.doubles, identity, atol: tolerance)
    let (top, topVectors) = symmetricEigendecomposition(a, indices: (n - 3)...(n - 1))
    expectClose(top.doubles, Array(all.doubles.suffix(3)), rtol: tolerance, atol: tolerance)
    #expect(topVectors.shape == [n, 3])
  }
}
