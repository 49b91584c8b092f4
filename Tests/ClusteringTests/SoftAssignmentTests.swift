// Tests of DEC's soft assignment and target distribution: hand-computed values, goldens,
// invariants and underflow. The Autograd operations are tested in DCRLTests.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Clustering

@Suite("Soft assignment and target distribution")
struct SoftAssignmentTests {
  @Test("hand-computed: two points, two centres")
  func twoPoints() {
    // z = (0,0), (2,0); μ = (0,0), (1,0). d² = [0, 1] and [4, 1]; 1/(1 + d²) = [1, 1/2] and
    // [1/5, 1/2], so q = [2/3, 1/3] and [2/7, 5/7]. f = [20/21, 22/21]; q²/f ∝ [1/5, 1/22] and
    // [1/5, 25/22], so p = [22/27, 5/27] and [22/147, 125/147].
    let z = Tensor([0, 0, 2, 0] as [Double], shape: [2, 2])
    let mu = Tensor([0, 0, 1, 0] as [Double], shape: [2, 2])
    let q = softAssignment(z, centers: mu)
    expectClose(q.doubles, [2.0 / 3, 1.0 / 3, 2.0 / 7, 5.0 / 7], rtol: 1e-14)
    expectClose(
      targetDistribution(q).doubles, [22.0 / 27, 5.0 / 27, 22.0 / 147, 125.0 / 147], rtol: 1e-14)
  }

  @Test("Q and P match the DEC formulas for ν = 1 and ν = 2.5", .tags(.golden))
  func golden() throws {
    let d = try loadFixture("clustering.json", in: .module).object("dec")
    let z = Tensor(d.doubles("z"), shape: [7, 3])
    let mu = Tensor(d.doubles("mu"), shape: [4, 3])
    for nu in [1.0, 2.5] {
      let q = softAssignment(z, centers: mu, degreesOfFreedom: nu)
      expectClose(q.doubles, d.doubles("q_\(nu)"), rtol: 1e-13)
      expectClose(targetDistribution(q).doubles, d.doubles("p_\(nu)"), rtol: 1e-13)
      expectClose(
        logSoftAssignment(z, centers: mu, degreesOfFreedom: nu).doubles,
        d.doubles("q_\(nu)").map { log($0) }, rtol: 1e-12)
    }
  }

  @Test(
    "D2 rows sum to 1 with no NaN when every kernel value underflows",
    arguments: [DType.float32, .float64])
  func underflow(dtype: DType) {
    var rng = Xoshiro256(seed: 9)
    // Far points and a large ν: (1 + d²/ν)^(−(ν+1)/2) is far below the smallest float.
    let z = Tensor.randomNormal([16, 4], standardDeviation: 1e3, dtype: dtype, using: &rng)
    let mu = Tensor.randomNormal([5, 4], dtype: dtype, using: &rng)
    let q = softAssignment(z, centers: mu, degreesOfFreedom: 200)
    let p = targetDistribution(q)
    for matrix in [q, p] {
      let values = matrix.doubles
      #expect(!values.contains { $0.isNaN || $0 < 0 })
      for row in 0..<16 {
        let sum = values[(row * 5)..<((row + 1) * 5)].reduce(0, +)
        #expect(abs(sum - 1) < 1e-5)
      }
    }
    let logQ = logSoftAssignment(z, centers: mu, degreesOfFreedom: 200).doubles
    #expect(logQ.allSatisfy { $0.isFinite })
    // A column whose every q is 0 gives 0 in P, not 0/0.
    let degenerate = Tensor(converting: [1, 0, 1, 0], shape: [2, 2], dtype: dtype)
    #expect(targetDistribution(degenerate).doubles == [1, 0, 1, 0])
  }
}
