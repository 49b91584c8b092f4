// Tests of ACC, NMI, ARI and the contingency table: goldens from scikit-learn, hand-computed
// cases, invariants and bad input.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@Suite("Label metrics: ACC, NMI, ARI")
struct LabelMetricsTests {
  let fixture: Fixture

  init() throws { fixture = try loadFixture("metrics.json", in: .module) }

  private func pairs() -> [(predicted: [Int], truth: [Int], golden: Fixture)] {
    fixture.objects("labels").map { ($0.ints("predicted"), $0.ints("truth"), $0) }
  }

  @Test(
    "M2 NMI with every normaliser (explicit argument), MI, ARI and ACC match scikit-learn",
    .tags(.golden))
  func goldens() throws {
    let cases = pairs()
    #expect(cases.count == 3)
    for (predicted, truth, g) in cases {
      for normalization in NMINormalization.allCases {
        let expected = g.object("nmi").double(normalization.rawValue)
        let actual = try normalizedMutualInformation(
          predicted, truth, normalization: normalization)
        expectClose([actual], [expected], rtol: 1e-12, atol: 1e-14, "NMI \(normalization)")
      }
      expectClose([try mutualInformation(predicted, truth)], [g.double("mi")], rtol: 1e-12)
      expectClose([try adjustedRandIndex(predicted, truth)], [g.double("ari")], rtol: 1e-12)
      expectClose([try clusteringAccuracy(predicted, truth)], [g.double("acc")], rtol: 1e-15)
    }
  }

  @Test("hand-computed: ACC 0.8 with three clusters against two classes")
  func handComputedAccuracy() throws {
    // Clusters {0,1} -> class 0 (2 right), {2,3} -> class 1 (2 right); cluster 2 unmatched.
    #expect(try clusteringAccuracy([1, 1, 0, 0, 2], [0, 0, 1, 1, 1]) == 0.8)
    #expect(try clusterToClassMatching([1, 1, 0, 0, 2], [0, 0, 1, 1, 1]) == [1: 0, 0: 1])
  }

  @Test("hand-computed: ARI of a split cluster")
  func handComputedARI() throws {
    // truth {0,1,2,3}; predicted {0,1},{2,3}. Unordered pairs: 6 in truth-together, 2 in both.
    // tp = 2·2, fn = 2·4, fp = 0, tn = 0 (ordered) → ARI = 2(0 − 0)/(...) = 0.
    #expect(try adjustedRandIndex([0, 0, 1, 1], [0, 0, 0, 0]) == 0)
    #expect(try adjustedRandIndex([5, 5, 9, 9], [1, 1, 0, 0]) == 1)
  }

  @Test("I18/M1 permutation invariance of ACC, NMI and ARI, with non-contiguous labels")
  func permutationInvariance() throws {
    var rng = SplitMix64(seed: 7)
    let truth = (0..<500).map { _ in Int(rng.next() % 6) }
    let predicted = truth.map { rng.next() % 3 == 0 ? Int(rng.next() % 8) : $0 }
    let relabel = [3: 40, 0: -2, 5: 17, 1: 1000, 2: 9, 4: 0, 6: 66, 7: 8]
    let renamed = predicted.map { relabel[$0]! }
    #expect(try clusteringAccuracy(predicted, truth) == clusteringAccuracy(renamed, truth))
    #expect(try adjustedRandIndex(predicted, truth) == adjustedRandIndex(renamed, truth))
    for normalization in NMINormalization.allCases {
      let a = try normalizedMutualInformation(predicted, truth, normalization: normalization)
      let b = try normalizedMutualInformation(renamed, truth, normalization: normalization)
      let swapped = try normalizedMutualInformation(truth, renamed, normalization: normalization)
      expectClose([b, swapped], [a, a], rtol: 1e-13)
    }
    // The sample order does not matter either (RELIABILITY D16).
    let order = Array((0..<500).reversed())
    #expect(
      try clusteringAccuracy(order.map { predicted[$0] }, order.map { truth[$0] })
        == clusteringAccuracy(predicted, truth))
  }

  @Test("M3 NMI is 1 for identical labellings and defined for constant ones")
  func degenerateNMI() throws {
    let labels = [0, 1, 2, 2, 1, 0, 3]
    for normalization in NMINormalization.allCases {
      #expect(try normalizedMutualInformation(labels, labels, normalization: normalization) == 1)
      let constant = Array(repeating: 4, count: labels.count)
      #expect(try normalizedMutualInformation(constant, labels, normalization: normalization) == 0)
      #expect(
        try normalizedMutualInformation(constant, constant, normalization: normalization) == 1)
    }
    #expect(try adjustedRandIndex([1, 1, 1], [2, 2, 2]) == 1)
    #expect(try clusteringAccuracy([1, 1, 1], [0, 1, 2]) == 1.0 / 3)
  }

  @Test("I17 label/length mismatch and empty labellings throw typed errors")
  func badInput() {
    #expect(
      throws: MetricsError.input(
        .lengthMismatch(parameter: "predicted", count: 2, other: "truth", otherCount: 3))
    ) { try clusteringAccuracy([0, 1], [0, 1, 1]) }
    #expect(throws: MetricsError.input(.empty(parameter: "predicted"))) {
      try normalizedMutualInformation([], [], normalization: .geometric)
    }
    #expect(throws: MetricsError.self) { try adjustedRandIndex([0], []) }
    let message = MetricsError.input(
      .lengthMismatch(
        parameter: "predicted", count: 2, other: "truth", otherCount: 3
      )
    ).description
    #expect(message.contains("2") && message.contains("3") && message.contains("must match"))
  }

  @Test("ARI at n = 70 000 does not overflow")
  func largeARI() throws {
    var rng = SplitMix64(seed: 70)
    let truth = (0..<70_000).map { _ in Int(rng.next() % 10) }
    let predicted = (0..<70_000).map { _ in Int(rng.next() % 10) }
    let value = try adjustedRandIndex(predicted, truth)
    #expect(value.isFinite && abs(value) < 0.01)
    #expect(try adjustedRandIndex(truth, truth) == 1)
  }
}
