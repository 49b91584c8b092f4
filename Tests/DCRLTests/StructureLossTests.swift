// L_iso, L_rank and L_align: values against their Docs/Algorithm.md formulas and float64 gradient
// checks.

import Autograd
import DCRL
import Foundation
import Tensor
import Testing
import _TestSupport

private func uniform(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  return Tensor.randomUniform(shape, lower: -scale, upper: scale, dtype: .float64, using: &rng)
}

private func distance(_ a: [Double], _ b: [Double]) -> Double {
  max(zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, 1e-8).squareRoot()
}

private func row(_ t: [Double], _ i: Int, _ width: Int) -> [Double] {
  Array(t[(i * width)..<((i + 1) * width)])
}

@Suite("Structure losses")
struct StructureLossTests {
  let z = uniform([6, 3], seed: 1, scale: 2)
  let pairs = IsometryPairs(
    first: [0, 0, 1, 2, 3, 4, 5], second: [1, 2, 0, 0, 4, 5, 3],
    inputDistances: Tensor([0.5, 0.9, 0.5, 0.9, 0.3, 0.7, 1.1] as [Double]))

  @Test("L_iso is the root-sum-square of d_X/√D − d_Z/√m over the pairs (§2.4)")
  func isometryValue() {
    let values = z.doubles
    var total = 0.0
    let dx = pairs.inputDistances.doubles
    for p in 0..<pairs.count {
      let dz =
        distance(row(values, pairs.first[p], 3), row(values, pairs.second[p], 3)) / 3.0.squareRoot()
      total += (dx[p] - dz) * (dx[p] - dz)
    }
    let loss = isometryLoss(latent: Variable(z), pairs: pairs).value.scalarValue
    #expect(abs(loss - total.squareRoot()) < 1e-12)
  }

  @Test("L_iso gradient", .tags(.gradient))
  func isometryGradient() {
    checkGradient(of: { isometryLoss(latent: $0[0], pairs: pairs) }, at: [z])
  }

  @Test("L_rank is ‖d_Z(μ) − κ·d_X(v)‖_F / C with raw distances (§2.5)")
  func rankingValue() {
    let mu = uniform([4, 3], seed: 2, scale: 3)
    let v = uniform([4, 7], seed: 3)
    let (m, vx) = (mu.doubles, v.doubles)
    var total = 0.0
    for a in 0..<4 {
      for b in 0..<4 {
        let e = distance(row(m, a, 3), row(m, b, 3)) - 3 * distance(row(vx, a, 7), row(vx, b, 7))
        total += e * e
      }
    }
    let loss = rankingLoss(centers: Variable(mu), inputCenters: v, scale: 3).value.scalarValue
    #expect(abs(loss - total.squareRoot() / 4) < 1e-12)
  }

  @Test(
    "L_rank gradient matches Docs/Algorithm.md#losses's closed form and finite differences",
    .tags(.gradient))
  func rankingGradient() {
    let mu = uniform([4, 3], seed: 2, scale: 3)
    let v = uniform([4, 7], seed: 3)
    checkGradient(of: { rankingLoss(centers: $0[0], inputCenters: v, scale: 3) }, at: [mu])
    // ∂L/∂μ_a = (2/(C·F)) Σ_b E_ab (μ_a − μ_b)/d_Z(μ_a, μ_b).
    let parameter = Parameter(mu)
    let (loss, gradients) = valueWithGradient(at: [parameter]) {
      rankingLoss(centers: parameter.variable, inputCenters: v, scale: 3)
    }
    let (m, vx) = (mu.doubles, v.doubles)
    let f = loss.scalarValue * 4
    var closedForm = [Double](repeating: 0, count: 12)
    for a in 0..<4 {
      for b in 0..<4 where b != a {
        let dz = distance(row(m, a, 3), row(m, b, 3))
        let e = dz - 3 * distance(row(vx, a, 7), row(vx, b, 7))
        for c in 0..<3 {
          closedForm[a * 3 + c] += 2 / (4 * f) * e * (m[a * 3 + c] - m[b * 3 + c]) / dz
        }
      }
    }
    expectClose(gradients[0].doubles, closedForm, rtol: 1e-9, atol: 1e-12)
  }

  @Test("L_align is the mean over clusters of ‖u_c − μ_c‖; empty clusters are skipped (§2.7)")
  func alignmentValue() {
    let labels = [0, 0, 1, 1, 1, 3]  // cluster 2 is empty
    let mu = uniform([4, 3], seed: 4)
    let (values, m) = (z.doubles, mu.doubles)
    var total = 0.0
    for c in [0, 1, 3] {
      let members = labels.indices.filter { labels[$0] == c }
      let mean = (0..<3).map { d in
        members.reduce(0.0) { $0 + values[$1 * 3 + d] } / Double(members.count)
      }
      total += distance(mean, row(m, c, 3))
    }
    let loss = alignmentLoss(latent: Variable(z), labels: labels, centers: Variable(mu)).value
      .scalarValue
    #expect(abs(loss - total / 4) < 1e-12)
  }

  @Test("L_align gradient with respect to the codes and the centres", .tags(.gradient))
  func alignmentGradient() {
    let labels = [0, 0, 1, 1, 1, 3]
    let mu = uniform([4, 3], seed: 4)
    checkGradient(
      of: { alignmentLoss(latent: $0[0], labels: labels, centers: $0[1]) }, at: [z, mu])
  }
}
