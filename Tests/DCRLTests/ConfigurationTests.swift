// DCRLConfiguration: presets from Docs/Algorithm.md#presets and validation of every field (I20).

import DCRL
import Foundation
import Testing
import _TestSupport

@Suite("DCRLConfiguration")
struct ConfigurationTests {
  @Test("paper preset: D-500-500-2000-10, k = 3, κ = 3, 300 epochs, batch 256, lr 1e-3")
  func paperPreset() throws {
    let c = DCRLConfiguration.paper(for: .mnistFull)
    #expect(c.hiddenSizes == [500, 500, 2000] && c.latentDimension == 10)
    #expect(c.isometryNeighbors == 3 && c.rankingScale == 3 && c.epochs == 300)
    #expect(c.batchSize == 256 && c.learningRate == 1e-3 && c.scheduleEnd == 150)
    #expect(c.warmUpEpochs == 10 && c.initializationSubsetSize == 3000)
    try c.validate()
  }

  @Test("authors' code preset: D-500-500-500-2000-10 and k = 5, per-dataset table")
  func codePreset() throws {
    let usps = DCRLConfiguration.authorsCode(for: .usps)
    #expect(usps.hiddenSizes == [500, 500, 500, 2000] && usps.isometryNeighbors == 5)
    #expect(usps.pretraining.noise == 0.23 && usps.warmUpEpochs == 50)
    let test = DCRLConfiguration.authorsCode(for: .mnistTest)
    #expect(test.initializationSubsetSize == 10000 && test.warmUpEpochs == 30)
    let reuters = DCRLConfiguration.authorsCode(for: .reuters)
    #expect(reuters.clusters == 4 && reuters.seed == 4)
    #expect(reuters.pretraining.optimizer == .sgd(learningRate: 0.1, momentum: 0.99))
    #expect(DCRLConfiguration.authorsCode(for: .pendigits).pretraining.epochs == 500)
    for benchmark in DCRLConfiguration.Benchmark.allCases {
      try DCRLConfiguration.authorsCode(for: benchmark).validate()
    }
  }

  @Test("round-trips through JSON")
  func codable() throws {
    var c = DCRLConfiguration.paper(for: .usps)
    c.ablation = .withoutWeightGraduality
    let decoded = try JSONDecoder().decode(
      DCRLConfiguration.self, from: JSONEncoder().encode(c))
    #expect(decoded == c)
  }

  @Test("I20: every out-of-range field throws, naming the field")
  func validation() {
    let cases: [(String, (inout DCRLConfiguration) -> Void)] = [
      ("hiddenSizes", { $0.hiddenSizes = [] }),
      ("hiddenSizes", { $0.hiddenSizes = [500, 0] }),
      ("latentDimension", { $0.latentDimension = 0 }),
      ("clusters", { $0.clusters = 0 }),
      ("isometryNeighbors", { $0.isometryNeighbors = 0 }),
      ("rankingScale", { $0.rankingScale = -1 }),
      ("clusteringWeight", { $0.clusteringWeight = .nan }),
      ("epochs", { $0.epochs = -1 }),
      ("warmUpEpochs", { $0.warmUpEpochs = 150 }),
      ("scheduleEnd", { $0.scheduleEnd = 0 }),
      ("batchSize", { $0.batchSize = 0 }),
      ("learningRate", { $0.learningRate = 0 }),
      ("initializationSubsetSize", { $0.initializationSubsetSize = 0 }),
      ("pretraining.noise", { $0.pretraining.noise = -0.1 }),
      ("pretraining.optimizer", { $0.pretraining.optimizer = .adam(learningRate: -1) }),
      (
        "pretraining.optimizer", { $0.pretraining.optimizer = .sgd(learningRate: 0.1, momentum: 1) }
      ),
    ]
    expectInvalidConfigurations(
      DCRLConfiguration(), cases, validate: { c throws(DCRLError) in try c.validate() },
      parameter: { error in
        guard case .input(.invalidValue(let name, _, _)) = error else { return nil }
        return name
      })
  }
}
