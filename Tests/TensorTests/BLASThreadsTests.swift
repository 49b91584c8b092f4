// GEMM under one and two OpenBLAS threads (RELIABILITY D12). The thread count is process-wide,
// so these run in a child process (an exit test).

import Foundation
import Tensor
import Testing

@Suite("OpenBLAS threads")
struct BLASThreadsTests {
  /// OpenBLAS partitions a threaded GEMM statically, so a given thread count repeats its bits;
  /// two threads may round differently from one (measured on OpenBLAS 0.3: the last bits of
  /// some entries), always within the dot-product error bound γ_k·Σ|a_il·b_lj| with
  /// γ_k = k·u/(1 − k·u), u the float32 unit roundoff.
  ///
  /// The shapes are the autoencoder's and
  /// large enough for OpenBLAS to use both threads.
  @Test("D12 GEMM with 2 threads repeats bit for bit and is within the error bound of 1 thread")
  func gemmThreads() async {
    await #expect(processExitsWith: .success) {
      var rng = Xoshiro256(seed: 31)
      for (m, k, n) in [(256, 784, 500), (256, 500, 2000), (1000, 12, 500), (70, 500, 500)] {
        let a = Tensor.randomNormal([m, k], using: &rng)
        let b = Tensor.randomNormal([k, n], using: &rng)
        CPUBackend.setBLASThreads(1)
        let one = matmul(a, b).floats
        CPUBackend.setBLASThreads(2)
        let two = matmul(a, b).floats
        let again = matmul(a, b).floats
        guard two == again else { exit(1) }
        let u = Double(Float.ulpOfOne) / 2
        let gamma = Double(k) * u / (1 - Double(k) * u)
        let magnitudes = matmul(a.abs(), b.abs()).floats
        for index in one.indices
        where abs(Double(one[index]) - Double(two[index])) > 2 * gamma * Double(magnitudes[index]) {
          exit(2)
        }
      }
      exit(0)
    }
  }
}
