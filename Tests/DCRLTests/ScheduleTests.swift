// The graduated loss weights per epoch against Docs/Algorithm.md#schedule's table.

import DCRL
import Testing

@Suite("Schedule")
struct ScheduleTests {
  private func weights(_ epoch: Int, warmUp: Int, ablation: DCRLConfiguration.Ablation = .none)
    -> EpochWeights
  {
    var configuration = DCRLConfiguration()
    configuration.stabilization = nil  // the published schedule
    configuration.warmUpEpochs = warmUp
    configuration.ablation = ablation
    return EpochWeights(epoch: epoch, configuration: configuration)
  }

  @Test("warm-up: 0.1·L_C + L_rec only, no ranking, no full-data step", arguments: [10, 30, 50])
  func warmUp(t0: Int) {
    for epoch in [0, t0 - 1] {
      let w = weights(epoch, warmUp: t0)
      #expect(
        w.alpha == 0.1 && w.reconstruction == 1 && !w.ranking && !w.fullDataStep && w.beta == 0)
    }
  }

  @Test(
    "α falls linearly from 0.1 at T0 to 0 at epoch 150 and stays 0", arguments: [0, 10, 30, 50])
  func alpha(t0: Int) {
    #expect(abs(weights(t0, warmUp: t0).alpha - 0.1) < 1e-15)
    let middle = (t0 + 150) / 2
    let expected = 0.1 * (1 - Double(middle - t0) / Double(150 - t0))
    #expect(abs(weights(middle, warmUp: t0).alpha - expected) < 1e-15)
    #expect(weights(150, warmUp: t0).alpha == 0 && weights(299, warmUp: t0).alpha == 0)
    // L_rec follows the same factor a(e).
    #expect(abs(weights(middle, warmUp: t0).reconstruction - expected / 0.1) < 1e-14)
    #expect(weights(150, warmUp: t0).reconstruction == 0)
  }

  @Test("β rises from 0 at T0 to 1 at T0 + 150 (Docs/Algorithm.md#schedule examples)")
  func beta() {
    // β(149) = 0.927 (T0 = 10), 0.793 (T0 = 30), 0.66 (T0 = 50).
    #expect(abs(weights(149, warmUp: 10).beta - 139.0 / 150) < 1e-15)
    #expect(abs(weights(149, warmUp: 30).beta - 119.0 / 150) < 1e-15)
    #expect(abs(weights(149, warmUp: 50).beta - 0.66) < 1e-15)
    #expect(weights(10, warmUp: 10).beta == 0 && weights(10, warmUp: 10).fullDataStep)
    #expect(weights(160, warmUp: 10).beta == 1 && weights(299, warmUp: 50).beta == 1)
    #expect(weights(199, warmUp: 50).beta < 1 && weights(200, warmUp: 50).beta == 1)
  }

  @Test("T0 = 0 is the paper-literal schedule: α 0.1 → 0 and β 0 → 1 over epochs 0–150")
  func paperLiteral() {
    #expect(weights(0, warmUp: 0).alpha == 0.1 && weights(0, warmUp: 0).beta == 0)
    #expect(weights(0, warmUp: 0).ranking && weights(0, warmUp: 0).fullDataStep)
    #expect(abs(weights(75, warmUp: 0).alpha - 0.05) < 1e-15)
    #expect(abs(weights(75, warmUp: 0).beta - 0.5) < 1e-15)
  }

  @Test("ablations switch the documented terms off")
  func ablations() {
    let a = weights(100, warmUp: 10, ablation: .withoutStructureLosses)
    #expect(!a.ranking && !a.fullDataStep && a.beta == 0 && a.alpha > 0)
    let b = weights(100, warmUp: 10, ablation: .withoutClusteringLoss)
    #expect(b.alpha == 0 && b.reconstruction > 0 && b.ranking)
    let c = weights(200, warmUp: 10, ablation: .withoutWeightGraduality)
    #expect(c.alpha == 0.1 && c.beta == 1 && c.reconstruction == 1)
    let d = weights(100, warmUp: 10, ablation: .withoutAlternatingTraining)
    #expect(!d.fullDataStep && d.structureInBatches && d.ranking)
  }
}
