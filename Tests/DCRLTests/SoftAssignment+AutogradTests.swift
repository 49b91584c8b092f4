// Tests of DEC's soft assignment as Autograd operations: values against the DEC golden, and
// gradients against finite differences and Docs/Algorithm.md#losses's closed form.

import Autograd
import Clustering
import Foundation
import Tensor
import Testing
import _TestSupport

@testable import DCRL

@Suite("Soft assignment as Autograd operations")
struct SoftAssignmentAutogradTests {
  @Test("the Autograd ops give DEC's Q and log Q for ν = 1 and ν = 2.5", .tags(.golden))
  func golden() throws {
    // The golden is ClusteringTests' fixture, which pins the tensor versions too.
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
    let bundle = try #require(Bundle(path: tests.appendingPathComponent("ClusteringTests").path))
    let d = try loadFixture("clustering.json", in: bundle).object("dec")
    let z = Tensor(d.doubles("z"), shape: [7, 3])
    let mu = Tensor(d.doubles("mu"), shape: [4, 3])
    for nu in [1.0, 2.5] {
      let q = softAssignment(Variable(z), centers: Variable(mu), degreesOfFreedom: nu)
      expectClose(q.value.doubles, d.doubles("q_\(nu)"), rtol: 1e-13)
      let logQ = logSoftAssignment(Variable(z), centers: Variable(mu), degreesOfFreedom: nu)
      expectClose(logQ.value.doubles, d.doubles("q_\(nu)").map { log($0) }, rtol: 1e-12)
    }
  }

  @Test("the Autograd ops pass float64 gradient checks", .tags(.gradient), arguments: [1.0, 2.5])
  func gradientCheck(nu: Double) {
    var rng = Xoshiro256(seed: 2)
    let z = Tensor.randomNormal([5, 3], dtype: .float64, using: &rng)
    let mu = Tensor.randomNormal([4, 3], dtype: .float64, using: &rng)
    let weights = Tensor.randomNormal([5, 4], dtype: .float64, using: &rng)
    checkGradient(
      of: { (softAssignment($0[0], centers: $0[1], degreesOfFreedom: nu) * weights).sum() },
      at: [z, mu])
    checkGradient(
      of: { (logSoftAssignment($0[0], centers: $0[1], degreesOfFreedom: nu) * weights).sum() },
      at: [z, mu])
  }

  @Test(
    "the KL gradient equals Docs/Algorithm.md#losses's closed form (DEC Eq. 4)", .tags(.gradient),
    arguments: [1.0, 2.5])
  func klClosedForm(nu: Double) {
    var rng = Xoshiro256(seed: 4)
    let (n, c, d) = (6, 3, 2)
    let zValue = Tensor.randomNormal([n, d], dtype: .float64, using: &rng)
    let muValue = Tensor.randomNormal([c, d], dtype: .float64, using: &rng)
    let q = softAssignment(zValue, centers: muValue, degreesOfFreedom: nu)
    let p = targetDistribution(q)
    let z = Parameter(zValue)
    let mu = Parameter(muValue)
    // L = Σ p (log p − log q) with P held fixed.
    let (_, gradients) = valueWithGradient(at: [z, mu]) {
      let logQ = logSoftAssignment(z.variable, centers: mu.variable, degreesOfFreedom: nu)
      return (Variable(p * p.log()) - Variable(p) * logQ).sum()
    }
    // ∂L/∂z_i = ((ν+1)/ν) Σ_j (p_ij − q_ij)(z_i − μ_j)/(1 + d²_ij/ν); ∂L/∂μ_j the negative sum.
    let (zs, mus, ps, qs) = (zValue.doubles, muValue.doubles, p.doubles, q.doubles)
    var expectedZ = [Double](repeating: 0, count: n * d)
    var expectedMu = [Double](repeating: 0, count: c * d)
    for i in 0..<n {
      for j in 0..<c {
        let d2 = (0..<d).reduce(0.0) { $0 + pow(zs[i * d + $1] - mus[j * d + $1], 2) }
        let factor = (nu + 1) / nu * (ps[i * c + j] - qs[i * c + j]) / (1 + d2 / nu)
        for a in 0..<d {
          expectedZ[i * d + a] += factor * (zs[i * d + a] - mus[j * d + a])
          expectedMu[j * d + a] -= factor * (zs[i * d + a] - mus[j * d + a])
        }
      }
    }
    expectClose(gradients[0].doubles, expectedZ, rtol: 1e-10, atol: 1e-12)
    expectClose(gradients[1].doubles, expectedMu, rtol: 1e-10, atol: 1e-12)
  }
}
