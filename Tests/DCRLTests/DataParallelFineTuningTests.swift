// Data-parallel DCRL fine-tuning on ranks of threads against one process on the same rows and
// autoencoder: the same losses epoch by epoch, the same labels, the same parameters; and a
// checkpoint written on 2 ranks resumed on 3.

import Distributed
import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import DCRL

/// A value handed to the ranks' threads as it is; each rank uses its own element.
private struct Unchecked<Value>: @unchecked Sendable {
  let value: Value
}

@Suite("Data-parallel fine-tuning", .serialized)
struct DataParallelFineTuningTests {
  /// 300 rows of the synthetic mixture, and an autoencoder pretrained on them.
  nonisolated(unsafe) private static let fixture:
    (
      x: Tensor, labels: [Int], autoencoder: Autoencoder
    ) = {
      let data = syntheticMixture(perCluster: 30, seed: 6)
      let c = configuration(start: .kMeans)
      let autoencoder = try! DCRLTrainer(configuration: c).pretrain(data.x)
      return (data.x, data.labels, autoencoder)
    }()

  /// Ten epochs through the whole schedule: warm-up, graduated weights with structure steps,
  /// and the epochs after a(e) reaches 0.
  private static func configuration(start: CenterInitialization)
    -> DCRLConfiguration
  {
    var c = smallConfiguration()
    c.epochs = 10
    c.warmUpEpochs = 2
    c.scheduleEnd = 7
    c.batchSize = 64
    c.pretraining.epochs = 20
    c.centerInitialization = start
    // Fewer than the first rank's rows: the other ranks contribute none to the k-means start.
    c.initializationSubsetSize = 90
    return c
  }

  /// A trainer whose UMAP + mixture start is single-threaded, hence the same in every run.
  private static func trainer(_ c: DCRLConfiguration) -> DCRLTrainer {
    var trainer = DCRLTrainer(configuration: c)
    trainer.startUMAPThreads = 1
    return trainer
  }

  private struct Run: Sendable {
    var reports: [[Double?]]
    var labels: [Int]
    var parameters: [[Float]]
  }

  private static func run(_ model: DCRLModel) -> Run {
    Run(
      reports: model.history.map {
        [$0.clustering, $0.reconstruction, $0.ranking, $0.isometry, $0.alignment, $0.labelChange]
      },
      labels: model.trainingLabels,
      parameters: (model.autoencoder.parameters.map(\.value) + [model.centers]).map(\.floats))
  }

  private static func single(_ c: DCRLConfiguration) throws -> Run {
    let f = fixture
    return run(
      try trainer(c).fit(f.x, labels: f.labels, autoencoder: f.autoencoder.copy()))
  }

  private static func parallel(_ c: DCRLConfiguration, ranks: Int) throws -> [Run] {
    try fitOnRanks(ranks, c)
  }

  private static func expectEquivalent(_ runs: [Run], _ reference: Run) {
    for run in runs {
      #expect(run.reports.count == reference.reports.count)
      for (epoch, (a, b)) in zip(run.reports, reference.reports).enumerated() {
        for (term, (u, v)) in zip(a, b).enumerated() {
          #expect((u == nil) == (v == nil), "epoch \(epoch) term \(term)")
          if let u, let v {
            #expect(abs(u - v) <= 1e-4 + 1e-3 * abs(v), "epoch \(epoch) term \(term): \(u) vs \(v)")
          }
        }
      }
      let agreement =
        Double(zip(run.labels, reference.labels).filter { $0 == $1 }.count)
        / Double(reference.labels.count)
      #expect(agreement >= 0.999)
      var largest: Float = 0
      for (a, b) in zip(run.parameters, reference.parameters) {
        for (u, v) in zip(a, b) { largest = max(largest, abs(u - v)) }
      }
      #expect(largest <= 1e-3, "largest parameter difference \(largest)")
      #expect(run.parameters == runs[0].parameters, "ranks disagree")
      #expect(run.labels == runs[0].labels)
    }
  }

  @Test("2 and 3 ranks fine-tune as one process does (k-means start)", .tags(.behaviour))
  func kMeansStart() throws {
    let c = Self.configuration(start: .kMeans)
    let reference = try Self.single(c)
    for ranks in [2, 3] { Self.expectEquivalent(try Self.parallel(c, ranks: ranks), reference) }
  }

  @Test(
    "the recommended stabilisation (guard, weight floor, L_rank with L_align) on 2 ranks",
    .tags(.behaviour))
  func stabilization() throws {
    var c = Self.configuration(start: .kMeans)
    c.stabilization = DCRLConfiguration.recommended.stabilization
    Self.expectEquivalent(try Self.parallel(c, ranks: 2), try Self.single(c))
  }

  /// The UMAP + mixture start embeds every code; the ranks' codes differ from one process's in
  /// the last bit (BLAS blocks a shard differently), and UMAP does not preserve such
  /// differences, so this start is compared by what it achieves rather than bit by bit.
  @Test("the recommended preset's UMAP + mixture start on 2 ranks: ranks agree, same accuracy")
  func recommendedStart() throws {
    var c = Self.configuration(start: .umapThenMixture)
    let recommended = DCRLConfiguration.recommended
    c.partitionWarmUp = recommended.partitionWarmUp
    c.stabilization = recommended.stabilization
    let reference = try Self.single(c)
    let runs = try Self.parallel(c, ranks: 2)
    let truth = Self.fixture.labels
    let single = try clusteringAccuracy(reference.labels, truth)
    for run in runs {
      #expect(run.parameters == runs[0].parameters && run.labels == runs[0].labels)
      let accuracy = try clusteringAccuracy(run.labels, truth)
      #expect(abs(accuracy - single) <= 0.02, "ACC \(accuracy) on 2 ranks, \(single) on one")
    }
  }

  @Test("the sharded epoch structure equals the single-process one on the same codes")
  func structure() throws {
    let f = Self.fixture
    var c = Self.configuration(start: .kMeans)
    c.isometryNeighbors = 4
    let latent = f.autoencoder.encodeAll(f.x)
    let centers = latent.rows(0..<c.clusters)
    let weights = EpochWeights(epoch: c.warmUpEpochs + 1, configuration: c)
    #expect(weights.fullDataStep && weights.alpha > 0)
    let reference = try EpochStructure.compute(
      input: f.x, latent: latent, centers: centers, previousInputCenters: nil, weights: weights,
      configuration: c)
    let input = Unchecked(value: (f.x, latent, centers))
    let configuration = c
    let sharded = try ThreadGroup.run(ranks: 3) { communicator in
      let (x, latent, centers) = input.value
      let context = try ShardContext.make(
        rows: RowShard.balanced(rows: x.shape[0], ranks: 3, rank: communicator.rank).count,
        features: x.shape[1], communicator: communicator)
      let range = context.shard.range
      let structure = try EpochStructure.computeSharded(
        input: x.rows(range), latent: latent.rows(range), centers: centers,
        previousInputCenters: nil, weights: weights, configuration: configuration,
        warmUpPartition: nil, context: context)
      return Unchecked(value: (range, structure))
    }
    for part in sharded {
      let (range, structure) = part.value
      #expect(structure.labels == reference.labels)
      #expect(structure.counts == reference.counts)
      expectClose(structure.inputCenters, reference.inputCenters, rtol: 1e-5, atol: 1e-6)
      expectClose(structure.target!, reference.target!.rows(range), rtol: 1e-5, atol: 1e-7)
      let pairs = structure.pairs!
      let expected = reference.pairs!
      #expect(pairs.first == expected.first && pairs.second == expected.second)
      #expect(pairs.inputDistances.floats == expected.inputDistances.floats)
      #expect(pairs.truncatedClusters == expected.truncatedClusters)
    }
  }

  /// Fits on `ranks` thread ranks from the fixture's autoencoder, stopping after epoch
  /// `stopAt` when given, with checkpoints in `policy`.
  private static func fitOnRanks(
    _ ranks: Int, _ c: DCRLConfiguration, stopAt: Int? = nil, checkpoints: CheckpointPolicy? = nil
  ) throws -> [Run] {
    let f = Unchecked(value: fixture)
    let autoencoders = Unchecked(value: (0..<ranks).map { _ in fixture.autoencoder.copy() })
    return try ThreadGroup.run(ranks: ranks) { communicator in
      let f = f.value
      let shard = try RowShard.balanced(
        rows: f.x.shape[0], ranks: ranks, rank: communicator.rank)
      return run(
        try trainer(c).fit(
          shard: f.x.rows(shard.range), communicator: communicator,
          labels: Array(f.labels[shard.range]),
          autoencoder: autoencoders.value[communicator.rank], checkpoints: checkpoints
        ) { report in report.epoch == stopAt ? .stop : .continue })
    }
  }

  /// Resumes the checkpoint `file` on `ranks` thread ranks.
  private static func resumeOnRanks(_ ranks: Int, _ c: DCRLConfiguration, from file: URL) throws
    -> [Run]
  {
    let f = Unchecked(value: fixture)
    return try ThreadGroup.run(ranks: ranks) { communicator in
      let f = f.value
      let shard = try RowShard.balanced(
        rows: f.x.shape[0], ranks: ranks, rank: communicator.rank)
      return run(
        try DCRLTrainer(configuration: c).resume(
          shard: f.x.rows(shard.range), communicator: communicator, from: file,
          labels: Array(f.labels[shard.range])))
    }
  }

  /// A fresh checkpoint folder, removed by the caller.
  private static func checkpointFolder() -> CheckpointPolicy {
    CheckpointPolicy(
      directory: FileManager.default.temporaryDirectory.appendingPathComponent(
        "dcrl-parallel-\(UUID())"), interval: 3)
  }

  @Test("a run stopped on 2 ranks and resumed on 2 ranks is bit-identical to an uninterrupted one")
  func resumeSameRanks() throws {
    let c = Self.configuration(start: .kMeans)
    let policy = Self.checkpointFolder()
    defer { try? FileManager.default.removeItem(at: policy.directory) }
    let uninterrupted = try Self.fitOnRanks(2, c)
    let stopped = try Self.fitOnRanks(2, c, stopAt: 4, checkpoints: policy)
    #expect(stopped.map(\.reports.count) == [5, 5])
    let resumed = try Self.resumeOnRanks(2, c, from: policy.file)
    for (a, b) in zip(resumed, uninterrupted) {
      #expect(a.parameters == b.parameters, "parameters differ after the resume")
      #expect(a.labels == b.labels)
      #expect(a.reports.count == b.reports.count)
    }
  }

  @Test("a run stopped on 2 ranks continues on 3 ranks to the uninterrupted run's end")
  func resumeAcrossRankCounts() throws {
    let c = Self.configuration(start: .kMeans)
    let policy = Self.checkpointFolder()
    defer { try? FileManager.default.removeItem(at: policy.directory) }
    let stopped = try Self.fitOnRanks(2, c, stopAt: 4, checkpoints: policy)
    #expect(stopped.map(\.reports.count) == [5, 5])
    Self.expectEquivalent(try Self.resumeOnRanks(3, c, from: policy.file), try Self.single(c))
  }
}
