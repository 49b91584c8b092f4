// Slices, gathers and transposes (RELIABILITY I9). Tensors here are always contiguous and
// row-major: `rows(_:)` and `gatheringRows(_:)` copy, `transposed()` materialises, and a
// transpose inside a product reaches GEMM as a BLAS flag. So "non-contiguous input" cannot
// exist; what must hold is that every way of forming the same values gives the same results.

import Tensor
import Testing
import _TestSupport

@Suite("Slices, gathers and transposes")
struct LayoutTests {
  /// The same values built three ways: sliced from a larger tensor, gathered from a shuffled
  /// one, and created fresh.
  private func threeWays(_ dtype: DType, on backend: any Backend) -> [Tensor] {
    var rng = Xoshiro256(seed: 17)
    let big = Tensor.randomNormal([11, 6], dtype: dtype, on: backend, using: &rng)
    let sliced = big.rows(3..<9)
    let fresh = Tensor(converting: sliced.doubles, shape: [6, 6], dtype: dtype, on: backend)
    let gathered = big.gatheringRows([10, 0, 3, 4, 5, 6, 7, 8, 1]).rows(2..<8)
    return [sliced, gathered, fresh]
  }

  @Test(
    "I9 sliced, gathered and freshly built tensors give identical bits in every operation",
    arguments: DType.allCases)
  func slicesAreOrdinaryTensors(dtype: DType) {
    for backend in hostBackends {
      var rng = Xoshiro256(seed: 18)
      let weight = Tensor.randomNormal([6, 4], dtype: dtype, on: backend, using: &rng)
      let results = threeWays(dtype, on: backend).map { x in
        [
          matmul(x, weight), matmul(x, x, transposeB: true), x.sum(axis: 0), x.sum(axis: 1),
          x.exp(), (x * 2 + 1).relu(), pairwiseSquaredDistances(x, x), x.transposed(),
          x.gatheringRows([5, 0, 2]), x.max(axis: 1),
        ].map(\.doubles)
      }
      #expect(results[0] == results[2], "\(backend.name) \(dtype): slice vs fresh")
      #expect(results[1] == results[2], "\(backend.name) \(dtype): gather vs fresh")
    }
  }

  /// A transpose passed as a GEMM flag and one materialised first compute the same dot
  /// products.
  ///
  /// The reference backend accumulates every entry in `Double` in one order, and
  /// OpenBLAS's `sgemm` packs both into the same panels: identical bits. OpenBLAS's `dgemm`
  /// uses other kernels for transposed operands and may round the last bits differently
  /// (measured: ≤ 2.7e-15 absolute on entries of size ~5 with k = 29), so float64 on
  /// `CPUBackend` is held to 64·u·Σ|a_ik·b_kj|, the standard dot-product error bound.
  @Test(
    "I9 transposes as BLAS flags equal materialised transposes in every combination",
    arguments: DType.allCases)
  func transposeFlags(dtype: DType) {
    for backend in hostBackends {
      var rng = Xoshiro256(seed: 19)
      let a = Tensor.randomNormal([37, 29], dtype: dtype, on: backend, using: &rng)
      let b = Tensor.randomNormal([29, 41], dtype: dtype, on: backend, using: &rng)
      let (at, bt) = (a.transposed(), b.transposed())
      #expect(at.transposed().doubles == a.doubles)
      let plain = matmul(a, b)
      let exact = dtype == .float32 || backend is ReferenceBackend
      let bound = 64 * Double.ulpOfOne * (matmul(a.abs(), b.abs()).doubles.max() ?? 0)
      for (flagged, materialised) in [
        (matmul(at, b, transposeA: true), matmul(at.transposed(), b)),
        (matmul(a, bt, transposeB: true), matmul(a, bt.transposed())),
        (
          matmul(at, bt, transposeA: true, transposeB: true),
          matmul(at.transposed(), bt.transposed())
        ),
      ] {
        expectClose(flagged, materialised, rtol: 0, atol: exact ? 0 : bound, "\(backend.name)")
        expectClose(flagged, plain, rtol: 0, atol: exact ? 0 : bound, "\(backend.name)")
      }
    }
  }
}
