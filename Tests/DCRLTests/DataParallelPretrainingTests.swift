// Data-parallel pretraining on ranks of threads against the single-process pretraining of the
// same rows: the same losses step by step and the same parameters.

import Distributed
import Foundation
import Tensor
import Testing
import _TestSupport

@testable import DCRL

@Suite("Data-parallel pretraining")
struct DataParallelPretrainingTests {
  /// 200 rows of the synthetic mixture, the first `rows` of them.
  private static func data() -> Tensor {
    syntheticMixture(perCluster: 20, seed: 4).x
  }

  private static func configuration(epochs: Int, batch: Int) -> AutoencoderPretrainer.Configuration
  {
    var c = AutoencoderPretrainer.Configuration()
    c.epochs = epochs
    c.batchSize = batch
    c.noise = 0.1
    c.seed = 9
    return c
  }

  /// Pretrains on `ranks` thread ranks, each with its balanced block; returns every rank's
  /// epoch losses and parameters.
  private static func parallel(_ c: AutoencoderPretrainer.Configuration, ranks: Int) throws -> [(
    losses: [Double], parameters: [[Float]]
  )] {
    let x = data()
    return try ThreadGroup.run(ranks: ranks) { communicator in
      let shard = try RowShard.balanced(
        rows: x.shape[0], ranks: communicator.size, rank: communicator.rank)
      var losses: [Double] = []
      let model = try AutoencoderPretrainer(configuration: c).fit(
        shard: x.rows(shard.range), communicator: communicator, hiddenSizes: [32, 16],
        latentDimension: 4
      ) { epoch in
        losses.append(epoch.loss)
        return .continue
      }
      return (losses, model.parameters.map(\.value.floats))
    }
  }

  private static func single(_ c: AutoencoderPretrainer.Configuration) throws -> (
    losses: [Double], parameters: [[Float]]
  ) {
    var losses: [Double] = []
    let model = try AutoencoderPretrainer(configuration: c).fit(
      data(), hiddenSizes: [32, 16], latentDimension: 4
    ) { epoch in
      losses.append(epoch.loss)
      return .continue
    }
    return (losses, model.parameters.map(\.value.floats))
  }

  @Test(
    "3 ranks take the single process's steps: 20 one-step epochs, losses and parameters agree",
    .tags(.behaviour))
  func stepByStep() throws {
    // A batch larger than the data: every epoch is one step, so epoch losses are step losses.
    let c = Self.configuration(epochs: 20, batch: 256)
    let reference = try Self.single(c)
    let ranks = try Self.parallel(c, ranks: 3)
    for rank in ranks {
      expectClose(rank.losses, reference.losses, rtol: 1e-5, atol: 1e-7)
      for (a, b) in zip(rank.parameters, reference.parameters) {
        expectClose(a.map(Double.init), b.map(Double.init), rtol: 0, atol: 1e-4)
      }
      #expect(rank.parameters == ranks[0].parameters)
    }
  }

  @Test("partial batches over uneven shards: 2 and 3 ranks end where one process ends")
  func partialBatches() throws {
    let c = Self.configuration(epochs: 3, batch: 48)
    let reference = try Self.single(c)
    for count in [2, 3] {
      for rank in try Self.parallel(c, ranks: count) {
        expectClose(rank.losses, reference.losses, rtol: 1e-5, atol: 1e-7)
        for (a, b) in zip(rank.parameters, reference.parameters) {
          expectClose(a.map(Double.init), b.map(Double.init), rtol: 0, atol: 1e-4)
        }
      }
    }
  }

  @Test("one rank is the single-process run, bit for bit, with and without the layer-wise stage")
  func oneRank() throws {
    var c = Self.configuration(epochs: 2, batch: 48)
    for layerWise in [nil, LayerWisePretraining(epochsPerLayer: 2)] {
      c.layerWise = layerWise
      let reference = try Self.single(c)
      let one = try Self.parallel(c, ranks: 1)[0]
      #expect(one.losses == reference.losses)
      let sameParameters = one.parameters == reference.parameters
      #expect(sameParameters, "layer-wise stage: \(layerWise != nil)")
    }
  }

  @Test("a stop on one rank stops all; mismatched features are a typed error on every rank")
  func stopsAndErrors() throws {
    let x = Self.data()
    let c = Self.configuration(epochs: 5, batch: 64)
    let epochs = try ThreadGroup.run(ranks: 2) { communicator -> Int in
      let shard = try RowShard.balanced(rows: 200, ranks: 2, rank: communicator.rank)
      var seen = 0
      _ = try AutoencoderPretrainer(configuration: c).fit(
        shard: x.rows(shard.range), communicator: communicator, hiddenSizes: [8],
        latentDimension: 2
      ) { _ in
        seen += 1
        return communicator.rank == 1 && seen == 2 ? .stop : .continue
      }
      return seen
    }
    #expect(epochs == [2, 2])
    let messages = try ThreadGroup.run(ranks: 2) { communicator -> String in
      let columns = communicator.rank == 0 ? 0..<50 : 0..<49
      let part = Tensor(
        (0..<(10 * columns.count)).map { Float($0 % 7) }, shape: [10, columns.count])
      do {
        _ = try AutoencoderPretrainer(configuration: c).fit(
          shard: part, communicator: communicator, hiddenSizes: [8], latentDimension: 2)
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    #expect(messages[0].contains("x on rank 0 has 50 features; expected 49"))
    #expect(messages[1].contains("x on rank 1 has 49 features; expected 50"))
  }
}
