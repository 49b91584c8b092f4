// Seeded generators: known values, determinism and distribution sanity.

import Foundation
import Tensor
import Testing

@Suite("Random")
struct RandomTests {
  @Test("SplitMix64 reproduces the reference sequence for seed 0")
  func splitMixReference() {
    // First outputs of Vigna's splitmix64.c with x = 0.
    var rng = SplitMix64(seed: 0)
    #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(rng.next() == 0x06C4_5D18_8009_454F)
  }

  @Test("Xoshiro256 is deterministic per seed and differs across seeds")
  func xoshiroDeterminism() {
    var a = Xoshiro256(seed: 42)
    var b = Xoshiro256(seed: 42)
    var c = Xoshiro256(seed: 43)
    let sa = (0..<100).map { _ in a.next() }
    #expect(sa == (0..<100).map { _ in b.next() })
    #expect(sa != (0..<100).map { _ in c.next() })
  }

  @Test("Xoshiro256 state round-trips through Codable")
  func xoshiroCodable() throws {
    var rng = Xoshiro256(seed: 9)
    _ = rng.next()
    let data = try JSONEncoder().encode(rng)
    var restored = try JSONDecoder().decode(Xoshiro256.self, from: data)
    #expect(rng.next() == restored.next())
  }

  @Test("normal and uniform samples have the requested moments")
  func moments() {
    let n = Tensor.randomNormal([20000], mean: 2, standardDeviation: 3, dtype: .float64, seed: 1)
      .doubles
    let mean = n.reduce(0, +) / Double(n.count)
    let variance = n.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n.count)
    #expect(abs(mean - 2) < 0.1 && abs(variance.squareRoot() - 3) < 0.1)
    var rng = Xoshiro256(seed: 2)
    let u = Tensor.randomUniform([20000], lower: -1, upper: 3, dtype: .float64, using: &rng).doubles
    #expect(u.allSatisfy { $0 >= -1 && $0 < 3 })
    #expect(abs(u.reduce(0, +) / Double(u.count) - 1) < 0.05)
  }

  @Test("randomPermutation is a permutation and depends on the seed")
  func permutation() {
    var rng = Xoshiro256(seed: 3)
    let p = randomPermutation(1000, using: &rng)
    #expect(p.sorted() == Array(0..<1000))
    #expect(p != Array(0..<1000))
    #expect(randomPermutation(0, using: &rng).isEmpty && randomPermutation(1, using: &rng) == [0])
  }
}
