// Tests of the streaming structure metrics against a NumPy implementation of
// Docs/Algorithm.md#metrics,
// scikit-learn's trustworthiness, a plain Swift oracle, hand-computed cases and invariants.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

/// The plain oracle: full distance matrices and a stable sort per row
/// (Docs/Algorithm.md#structure-metrics).
struct ReferenceStructureMetrics {
  let n: Int
  let neighborsX: [[Int]]
  let neighborsZ: [[Int]]
  let ranksX: [[Int]]
  let ranksZ: [[Int]]

  init(x: [Double], z: [Double], n: Int) {
    self.n = n
    func orders(_ p: [Double]) -> ([[Int]], [[Int]]) {
      let d = p.count / n
      var neighbors: [[Int]] = []
      var ranks: [[Int]] = []
      for i in 0..<n {
        let keys = (0..<n).map { l -> Double in
          if l == i { return -.infinity }
          let s = (0..<d).reduce(0.0) {
            $0 + (p[i * d + $1] - p[l * d + $1]) * (p[i * d + $1] - p[l * d + $1])
          }
          return max(s, 1e-8)
        }
        let order = (0..<n).sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        var rank = [Int](repeating: 0, count: n)
        for (position, l) in order.enumerated() { rank[l] = position }
        neighbors.append(Array(order.dropFirst()))
        ranks.append(rank)
      }
      return (neighbors, ranks)
    }
    (neighborsX, ranksX) = orders(x)
    (neighborsZ, ranksZ) = orders(z)
  }

  func trust(_ k: Int, swapped: Bool = false) -> Double {
    let (nz, nx, rx) = swapped ? (neighborsX, neighborsZ, ranksZ) : (neighborsZ, neighborsX, ranksX)
    var sum = 0
    for i in 0..<n {
      for j in nz[i].prefix(k) where !nx[i].prefix(k).contains(j) { sum += rx[i][j] - k }
    }
    let (nd, kd) = (Double(n), Double(k))
    return 1 - 2 / (nd * kd * (2 * nd - 3 * kd - 1)) * Double(sum)
  }
}

@Suite("Structure metrics")
struct StructureMetricsTests {
  let fixture: Fixture

  init() throws { fixture = try loadFixture("metrics.json", in: .module) }

  private func matrices(_ key: String, dtype: DType = .float64) -> (Tensor, Tensor, Fixture) {
    let c = fixture.object(key)
    let n = Int(c.double("n"))
    let x = Tensor(converting: c.doubles("x"), shape: [n, Int(c.double("dim_x"))], dtype: dtype)
    let z = Tensor(converting: c.doubles("z"), shape: [n, Int(c.double("dim_z"))], dtype: dtype)
    return (x, z, c)
  }

  @Test(
    "M6 every metric for k = 1...7 matches the NumPy SPEC implementation, float64 and float32",
    .tags(.golden), arguments: [DType.float64, .float32], [1, 5, 1024])
  func goldenRandom(dtype: DType, blockSize: Int) throws {
    let (x, z, c) = matrices("random", dtype: dtype)
    let report = try structureMetrics(x, z, neighbors: 1...7, blockSize: blockSize)
    let spec = c.object("spec")
    for entry in report.neighborhoods {
      let g = spec.object("\(entry.neighbors)")
      // Ranks are exact, so these agree to rounding whatever the dtype.
      expectClose(
        [
          entry.trustworthiness, entry.continuity, entry.mrreXZ, entry.mrreZX,
          entry.localGeometricDistortion,
        ],
        [
          g.double("trust"), g.double("cont"), g.double("mrre_xz"), g.double("mrre_zx"),
          g.double("lgd"),
        ], rtol: 1e-12, atol: 1e-14, "k = \(entry.neighbors), \(dtype)")
    }
    let rmreTolerance = dtype == .float64 ? 1e-12 : 1e-5
    expectClose(
      [report.rootMeanReconstructionError], [spec.double("rmre")], rtol: rmreTolerance)
  }

  @Test("M6 trustworthiness matches scikit-learn for k = 1, 3, 5, 7, 10, 29", .tags(.golden))
  func sklearnTrustworthiness() throws {
    let (x, z, c) = matrices("random")
    for k in [1, 3, 5, 7, 10, 29] {
      let expected = c.object("sklearn_trust").double("\(k)")
      expectClose([try trustworthiness(x, z, neighbors: k)], [expected], rtol: 1e-13)
    }
  }

  @Test("M5 exact ties are broken by index, as a stable sort does", .tags(.golden))
  func ties() throws {
    let (x, z, c) = matrices("ties")
    let spec = c.object("spec")
    for dtype in [DType.float64, .float32] {
      let report = try structureMetrics(
        x.converted(to: dtype), z.converted(to: dtype), neighbors: 3...7, blockSize: 16)
      for entry in report.neighborhoods {
        let g = spec.object("\(entry.neighbors)")
        expectClose(
          [
            entry.trustworthiness, entry.continuity, entry.mrreXZ, entry.mrreZX,
            entry.localGeometricDistortion,
          ],
          [
            g.double("trust"), g.double("cont"), g.double("mrre_xz"), g.double("mrre_zx"),
            g.double("lgd"),
          ], rtol: 1e-12, atol: 1e-14, "ties, k = \(entry.neighbors)")
      }
    }
  }

  @Test("averages over k are the means the paper reports", .tags(.golden))
  func averages() throws {
    let (x, z, c) = matrices("random")
    let spec = c.object("spec")
    let report = try structureMetrics(x, z)
    func mean(_ key: String) -> Double {
      (3...7).reduce(0.0) { $0 + spec.object("\($1)").double(key) } / 5
    }
    expectClose(
      [
        report.trustworthiness, report.continuity, report.localGeometricDistortion,
        report.relativeRankError,
      ],
      [mean("trust"), mean("cont"), mean("lgd"), (mean("mrre_xz") + mean("mrre_zx")) / 2],
      rtol: 1e-12)
    expectClose([try trustworthiness(x, z, neighbors: 3...7)], [mean("trust")], rtol: 1e-12)
    expectClose([try continuity(x, z, neighbors: 3...7)], [mean("cont")], rtol: 1e-12)
    expectClose(
      [try relativeRankError(x, z, neighbors: 3...7)],
      [(mean("mrre_xz") + mean("mrre_zx")) / 2], rtol: 1e-12)
    expectClose([try localGeometricDistortion(x, z, neighbors: 3...7)], [mean("lgd")], rtol: 1e-12)
    expectClose(
      [try rootMeanReconstructionError(x, z)], [spec.double("rmre")], rtol: 1e-12)
    expectClose(
      [try continuity(x, z, neighbors: 4), try relativeRankError(x, z, neighbors: 4)],
      [
        spec.object("4").double("cont"),
        (spec.object("4").double("mrre_xz") + spec.object("4").double("mrre_zx")) / 2,
      ],
      rtol: 1e-12)
  }

  @Test("hand-computed: trustworthiness of the 5-point permutation is 0.2")
  func fivePointPermutation() throws {
    // X = 0…4 on a line, Z = [0, 2, 4, 1, 3]. Each point's Z-nearest neighbour (ties to the
    // lower index) has X-rank 3, 3, 4, 4, 3, so Σ(r − 1) = 12 and
    // Trust(1) = 1 − 2/(5·1·(10 − 3 − 1))·12 = 0.2 (scikit-learn's test_trustworthiness).
    let x = Tensor([0, 1, 2, 3, 4] as [Double], shape: [5, 1])
    let z = Tensor([0, 2, 4, 1, 3] as [Double], shape: [5, 1])
    expectClose([try trustworthiness(x, z, neighbors: 1)], [0.2], rtol: 1e-15)
  }

  @Test("an isometry and a scaled translation give Trust = Cont = 1 and RRE = 0")
  func isometry() throws {
    var rng = Xoshiro256(seed: 11)
    let x = Tensor.randomNormal([80, 2], dtype: .float64, using: &rng)
    let angle = 0.7
    let rotation = Tensor([cos(angle), -sin(angle), sin(angle), cos(angle)], shape: [2, 2])
    for z in [matmul(x, rotation), x * 0.1 + 5] {
      let report = try structureMetrics(x, z, neighbors: 3...7)
      #expect(report.trustworthiness == 1)
      #expect(report.continuity == 1)
      #expect(report.relativeRankError == 0)
    }
    // A rotation also preserves every distance.
    expectClose([try rootMeanReconstructionError(x, matmul(x, rotation))], [0], atol: 1e-7)
  }

  @Test("streaming ranks equal the oracle's on data with duplicates, any block size")
  func oracleAgreement() throws {
    var rng = Xoshiro256(seed: 5)
    let n = 70
    // Duplicate rows and a huge offset (RELIABILITY I6, I10) stress the GEMM band.
    var xs = (0..<(n * 6)).map { _ in Double(rng.next() % 5) + 1000 }
    for c in 0..<6 {
      xs[9 * 6 + c] = xs[2 * 6 + c]
      xs[40 * 6 + c] = xs[2 * 6 + c]
    }
    let zs = (0..<(n * 2)).map { _ in Double(rng.next() % 3) }
    let reference = ReferenceStructureMetrics(x: xs, z: zs, n: n)
    for (dtype, blockSize) in [(DType.float32, 1), (.float32, 9), (.float64, 64)] {
      let x = Tensor(converting: xs, shape: [n, 6], dtype: dtype)
      let z = Tensor(converting: zs, shape: [n, 2], dtype: dtype)
      let report = try structureMetrics(x, z, neighbors: 3...7, blockSize: blockSize)
      for entry in report.neighborhoods {
        expectClose(
          [entry.trustworthiness, entry.continuity],
          [reference.trust(entry.neighbors), reference.trust(entry.neighbors, swapped: true)],
          rtol: 1e-13, "\(dtype), block \(blockSize), k \(entry.neighbors)")
      }
    }
  }

  @Test("I10 float32 GEMM tiles far from the origin still give the exact float64 ranks")
  func largeOffsetFloat32() throws {
    // Points near (1000, …, 1000): ‖x‖² ≈ 8·10⁶, so float32 GEMM distances are off by ~1,
    // far more than many neighbour gaps; the band re-check must recover the exact order.
    var rng = Xoshiro256(seed: 21)
    let n = 90
    let xs = (0..<(n * 8)).map { _ in Double(Float(1000 + rng.nextStandardNormal())) }
    let zs = (0..<(n * 3)).map { _ in Double(Float(rng.nextStandardNormal())) }
    let reference = ReferenceStructureMetrics(x: xs, z: zs, n: n)
    for blockSize in [7, 64] {
      let report = try structureMetrics(
        Tensor(converting: xs, shape: [n, 8], dtype: .float32),
        Tensor(converting: zs, shape: [n, 3], dtype: .float32), neighbors: 1...7,
        blockSize: blockSize)
      for entry in report.neighborhoods {
        expectClose(
          [entry.trustworthiness, entry.continuity],
          [reference.trust(entry.neighbors), reference.trust(entry.neighbors, swapped: true)],
          rtol: 1e-13, "block \(blockSize), k \(entry.neighbors)")
      }
    }
  }

  @Test("R4 streaming tiles of any size give identical results, with no n × n matrix")
  func tileSizeInvariance() throws {
    var rng = Xoshiro256(seed: 33)
    let x = Tensor.randomNormal([150, 12], using: &rng)
    let z = Tensor.randomNormal([150, 4], using: &rng)
    let reference = try structureMetrics(x, z, neighbors: 3...7, blockSize: 1024)
    for blockSize in [1, 3, 64, 149] {
      let report = try structureMetrics(x, z, neighbors: 3...7, blockSize: blockSize)
      // Ranks are exact, so every rank-based number is bit-for-bit the same.
      #expect(report.neighborhoods == reference.neighborhoods, "block \(blockSize)")
      expectClose(
        [report.rootMeanReconstructionError], [reference.rootMeanReconstructionError],
        rtol: 1e-6)
    }
    #expect(throws: MetricsError.self) { try structureMetrics(x, z, blockSize: 0) }
  }

  @Test("CRA matches the NumPy implementation; identical centres give 1", .tags(.golden))
  func clusterRank() throws {
    let c = fixture.object("cra")
    let a = Tensor(c.doubles("a"), shape: [6, 5])
    let b = Tensor(c.doubles("b"), shape: [6, 2])
    #expect(try clusterRankAccuracy(inputCenters: a, latentCenters: b) == c.double("value"))
    #expect(try clusterRankAccuracy(inputCenters: a, latentCenters: a) == 1)
    let (x, z, r) = matrices("random")
    let labels = r.ints("labels")
    #expect(try clusterRankAccuracy(x, z, labels: labels) == r.double("cra"))
    let report = try structureMetrics(x, z, classLabels: labels)
    #expect(report.clusterRankAccuracy == r.double("cra"))
  }

  @Test("M4 k ≥ n/2 throws, as scikit-learn does")
  func neighborsTooLarge() {
    let x = Tensor.zeros([10, 3], dtype: .float64)
    #expect(throws: MetricsError.invalidNeighbors(neighbors: 5, samples: 10)) {
      try trustworthiness(x, x, neighbors: 5)
    }
    #expect(throws: MetricsError.invalidNeighbors(neighbors: 0, samples: 10)) {
      try continuity(x, x, neighbors: 0...3)
    }
    #expect(
      MetricsError.invalidNeighbors(neighbors: 5, samples: 10).description.contains(
        "< n_samples / 2"))
  }

  @Test("I1 I3 I4 I17 empty, wrong-rank, non-finite and mismatched inputs throw typed errors")
  func badInput() {
    let good = Tensor.ones([12, 2], dtype: .float64)
    #expect(throws: MetricsError.input(.empty(parameter: "x"))) {
      try structureMetrics(Tensor.zeros([0, 2]), good)
    }
    #expect(throws: MetricsError.input(.noFeatures(parameter: "z"))) {
      try structureMetrics(good, Tensor.zeros([12, 0]))
    }
    #expect(
      throws: MetricsError.input(
        .wrongRank(parameter: "x", shape: [12], expected: "a matrix [samples, features]"))
    ) { try structureMetrics(Tensor.zeros([12]), good) }
    var values = [Double](repeating: 0, count: 24)
    values[7] = .infinity
    #expect(
      throws: MetricsError.input(.nonFinite(parameter: "z", row: 3, column: 1, value: .infinity))
    ) {
      try structureMetrics(good, Tensor(values, shape: [12, 2]))
    }
    #expect(
      throws: MetricsError.input(
        .lengthMismatch(parameter: "x", count: 12, other: "z", otherCount: 11))
    ) {
      try rootMeanReconstructionError(good, Tensor.ones([11, 2]))
    }
    #expect(throws: MetricsError.self) {
      try clusterRankAccuracy(good, good, labels: [0, 1])
    }
  }
}
