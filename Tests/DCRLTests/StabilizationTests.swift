// DCRLStabilization: the a(e) floor, L_rank beside L_align, the label-change guard and its
// rollback, branching a run under a changed configuration, and the UMAP + mixture start.

import Clustering
import Foundation
import Manifold
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import DCRL

private func configuration(epochs: Int = 10) -> DCRLConfiguration {
  tinyDCRLConfiguration(
    epochs: epochs, warmUpEpochs: 1, scheduleEnd: 5, batchSize: 64, pretrainingEpochs: 3,
    pretrainingBatchSize: 64, kMeansRuns: 3)
}

private func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-stabilization-\(UUID())", isDirectory: true)
}

/// Every parameter and the centres of two models are bit-identical.
private func expectSameModel(_ a: DCRLModel, _ b: DCRLModel) {
  #expect(a.centers.floats == b.centers.floats)
  for ((name, p), (_, q)) in zip(a.autoencoder.namedParameters, b.autoencoder.namedParameters) {
    #expect(p.value.floats == q.value.floats, "\(name)")
  }
  #expect(a.trainingLabels == b.trainingLabels)
}

@Suite("Label-change guard: the rule")
struct LabelChangeGuardRuleTests {
  let rule = LabelChangeGuard(window: 3, factor: 5, minimumChange: 0.01)

  @Test("it waits for `window` post-warm-up epochs, then compares with max(minimum, factor·median)")
  func threshold() {
    let changes = [1, 0.5, 0.002, 0.003, 0.004]
    #expect(rule.threshold(epoch: 4, warmUpEpochs: 1, changes: Array(changes.prefix(4))) == nil)
    let limit = rule.threshold(epoch: 5, warmUpEpochs: 1, changes: changes)
    #expect(limit.map { abs($0 - 0.015) < 1e-12 } == true, "\(String(describing: limit))")
    // A quiet history is bounded below by the minimum change.
    let quiet = rule.threshold(epoch: 5, warmUpEpochs: 1, changes: [1, 0.5, 0, 0.001, 0])
    #expect(quiet == 0.01)
    // An even window takes the mean of its two middle values.
    let even = LabelChangeGuard(window: 2, factor: 10, minimumChange: 0)
    #expect(even.threshold(epoch: 4, warmUpEpochs: 1, changes: [1, 1, 0.001, 0.003]) == 0.02)
  }

  @Test("replaying a log finds the first jump, and none in a smooth one")
  func replay() {
    let jump = [1, 0.5, 0.002, 0.003, 0.004, 0.002, 0.02, 0.05]
    #expect(rule.firstFiring(changes: jump, warmUpEpochs: 1) == 6)
    let smooth = [1, 0.5, 0.002, 0.003, 0.004, 0.002, 0.012, 0.003]
    #expect(rule.firstFiring(changes: smooth, warmUpEpochs: 1) == nil)
  }

  @Test("I20: out-of-range guard and floor settings are refused, naming the field")
  func validation() {
    var c = configuration()
    c.stabilization = DCRLStabilization(weightFloor: 1.5)
    #expect(throws: DCRLError.self) { try c.validate() }
    for bad in [
      LabelChangeGuard(window: 0), LabelChangeGuard(factor: 0.5),
      LabelChangeGuard(minimumChange: 1),
    ] {
      c.stabilization = DCRLStabilization(labelChangeGuard: bad)
      do {
        try c.validate()
        Issue.record("accepted \(bad)")
      } catch {
        #expect("\(error)".contains("labelChangeGuard"), "\(error)")
      }
    }
  }
}

@Suite("Stabilised schedule")
struct StabilizedScheduleTests {
  @Test("the floor bounds a(e) after the warm-up and leaves the published schedule above it")
  func floor() {
    var c = DCRLConfiguration.paper(for: .mnistTest)  // T0 = 30, S = 150
    c.stabilization = DCRLStabilization(weightFloor: 0.1)
    let paper = DCRLConfiguration.paper(for: .mnistTest)
    for epoch in [0, 29, 30, 100, 137] {
      #expect(
        EpochWeights(epoch: epoch, configuration: c)
          == EpochWeights(epoch: epoch, configuration: paper))
    }
    for epoch in [139, 150, 200, 299] {
      let w = EpochWeights(epoch: epoch, configuration: c)
      #expect(w.clusteringFactor == 0.1 && w.reconstruction == 0.1)
      #expect(abs(w.alpha - 0.01) < 1e-15)
      #expect(EpochWeights(epoch: epoch, configuration: paper).clusteringFactor < 0.1)
    }
  }

  @Test("L_rank moves into the full-data step after the warm-up, and old records decode")
  func rankingWithAlignment() throws {
    var c = DCRLConfiguration.paper(for: .mnistTest)
    c.stabilization = DCRLStabilization(rankingWithAlignment: true)
    let warmUp = EpochWeights(epoch: 10, configuration: c)
    #expect(!warmUp.ranking && !warmUp.rankingInFullDataStep)
    let after = EpochWeights(epoch: 40, configuration: c)
    #expect(!after.ranking && after.rankingInFullDataStep && after.fullDataStep)
    let published = EpochWeights(epoch: 40, configuration: .paper(for: .mnistTest))
    #expect(published.ranking && !published.rankingInFullDataStep)
    // A record written before the field existed reads it as false.
    var object =
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(published)) as! [String: Any]
    object.removeValue(forKey: "rankingInFullDataStep")
    let old = try JSONDecoder().decode(
      EpochWeights.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(old == published)
  }
}

@Suite("Stabilised training")
struct StabilizedTrainingTests {
  let data = syntheticMixture(perCluster: 30, seed: 4)

  @Test(
    "the guard undoes the epoch that caused the jump and stops: the model equals an unguarded run stopped there"
  )
  func guardRollsBack() throws {
    let c = configuration(epochs: 14)
    let autoencoder = try DCRLTrainer(configuration: c).pretrain(data.x)
    let free = try DCRLTrainer(configuration: c).fit(data.x, autoencoder: autoencoder.copy())
    // A sensitive guard: any rise above the previous epoch's change fires it.
    let rule = LabelChangeGuard(window: 1, factor: 1, minimumChange: 0)
    let firing = try #require(
      rule.firstFiring(changes: free.history.map(\.labelChange), warmUpEpochs: c.warmUpEpochs),
      "the fixture's unguarded run must contain a rise for this test to mean anything")
    var guarded = c
    guarded.stabilization = DCRLStabilization(labelChangeGuard: rule)
    let model = try DCRLTrainer(configuration: guarded).fit(data.x, autoencoder: autoencoder.copy())
    let stop = try #require(model.labelChangeGuardStop)
    #expect(stop.detectedAt == firing)
    #expect(stop.completedEpochs == firing - 1 && model.history.count == firing - 1)
    #expect(stop.change == free.history[firing].labelChange)
    let stopped = try DCRLTrainer(configuration: c).fit(
      data.x, autoencoder: autoencoder.copy(),
      progress: { $0.epoch == firing - 2 ? .stop : .continue })
    expectSameModel(model, stopped)
  }

  @Test("P1: a run ended by its guard stays ended when resumed from its checkpoint")
  func guardStopSurvivesResume() throws {
    var c = configuration(epochs: 14)
    c.stabilization = DCRLStabilization(
      labelChangeGuard: LabelChangeGuard(window: 1, factor: 1, minimumChange: 0))
    let trainer = DCRLTrainer(configuration: c)
    let autoencoder = try trainer.pretrain(data.x)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    let model = try trainer.fit(data.x, autoencoder: autoencoder, checkpoints: policy)
    let stop = try #require(model.labelChangeGuardStop)
    let resumed = try trainer.resume(from: policy.file, input: data.x)
    #expect(resumed.labelChangeGuardStop == stop)
    #expect(resumed.history.count == model.history.count)
    expectSameModel(resumed, model)
  }

  @Test(
    "branching under the same configuration equals the uninterrupted run; a later floor changes only later epochs"
  )
  func branch() throws {
    let c = configuration(epochs: 8)
    let trainer = DCRLTrainer(configuration: c)
    let autoencoder = try trainer.pretrain(data.x)
    let whole = try trainer.fit(data.x, autoencoder: autoencoder.copy())
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    _ = try trainer.fit(
      data.x, autoencoder: autoencoder.copy(), checkpoints: policy,
      progress: { $0.epoch == 4 ? .stop : .continue })
    expectSameModel(try trainer.branch(from: policy.file, input: data.x), whole)

    var floored = c
    floored.stabilization = DCRLStabilization(weightFloor: 0.5)
    let branched = try DCRLTrainer(configuration: floored).branch(from: policy.file, input: data.x)
    #expect(branched.configuration == floored)
    // The shared epochs are the base's own records (their times included).
    #expect(
      Array(branched.history.prefix(5))
        == Array(whole.history.prefix(5)).map { report in
          var shared = report
          shared.seconds = branched.history[report.epoch].seconds
          return shared
        })
    #expect(branched.history[6].weights.clusteringFactor == 0.5)
    #expect(branched.centers.floats != whole.centers.floats)
  }

  @Test("I20: a branch with another network or cluster count is refused before training")
  func branchMismatch() throws {
    let c = configuration(epochs: 4)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    _ = try DCRLTrainer(configuration: c).fit(
      data.x, checkpoints: policy, progress: { $0.epoch == 1 ? .stop : .continue })
    for change in [
      { (c: inout DCRLConfiguration) in c.hiddenSizes = [8] },
      { (c: inout DCRLConfiguration) in c.clusters = 5 },
      { (c: inout DCRLConfiguration) in c.epochs = 1 },
    ] {
      var other = c
      change(&other)
      do {
        _ = try DCRLTrainer(configuration: other).branch(from: policy.file, input: data.x)
        Issue.record("branched into \(other)")
      } catch {
        guard case .input(.invalidValue) = error else {
          Issue.record("unexpected error \(error)")
          continue
        }
      }
    }
  }

  @Test(
    "with L_rank beside L_align the mini-batches leave it out and the full-data step reports it")
  func rankingInFullDataStep() throws {
    var c = configuration(epochs: 4)
    c.stabilization = DCRLStabilization(rankingWithAlignment: true)
    let model = try DCRLTrainer(configuration: c).fit(data.x)
    for report in model.history where report.epoch >= c.warmUpEpochs {
      #expect(report.weights.rankingInFullDataStep && !report.weights.ranking)
      #expect(report.ranking.map { $0.isFinite && $0 > 0 } == true)
      #expect(report.alignment != nil)
    }
    #expect(model.history.first?.ranking == nil)
  }

  @Test("UMAP + mixture centres of all codes recover well-separated clusters")
  func umapMixtureCenters() throws {
    var c = configuration()
    c.centerInitialization = .umapThenMixture
    c.pretraining.epochs = 30
    let trainer = DCRLTrainer(configuration: c)
    let autoencoder = try trainer.pretrain(data.x)
    let (centers, inputCenters) = try trainer.initialCenters(
      autoencoder: autoencoder, input: data.x)
    #expect(centers.shape == [10, 3] && inputCenters.shape == [10, 50])
    let labels = try DCRLModel(configuration: c, autoencoder: autoencoder, centers: centers)
      .predict(data.x)
    let accuracy = try clusteringAccuracy(labels, data.labels)
    #expect(accuracy > 0.9, "ACC \(accuracy)")
  }
}

@Suite("Mixture starts of the UMAP + mixture initialisation")
struct MixtureStartsTests {
  @Test("several starts keep the mixture of highest likelihood; fewer than one is rejected")
  func starts() throws {
    var c = smallConfiguration()
    c.centerInitialization = .umapThenMixture
    c.initializationMixtureStarts = 1
    let data = syntheticMixture(perCluster: 20, seed: 3)
    var trainer = DCRLTrainer(configuration: c)
    trainer.startUMAPThreads = 1
    let autoencoder = try trainer.pretrain(data.x)
    let codes = autoencoder.encodeAll(data.x)
    let one = try trainer.mixturePartition(codes: codes)
    trainer.configuration.initializationMixtureStarts = 5
    let five = try trainer.mixturePartition(codes: codes)
    // The same UMAP embedding; the mixture of five seeded starts, as GaussianMixture makes it.
    var umap = n2dUMAPConfiguration(clusters: 10, neighbors: 20, seed: c.seed, threads: 1)
    umap.seed = c.seed
    let embedding = try UMAP(configuration: umap).fit(codes).embedding
    let single = try GaussianMixture(components: 10, covariance: .full, seed: c.seed)
      .fit(embedding)
    let best = try GaussianMixture(components: 10, covariance: .full, runs: 5, seed: c.seed)
      .fit(embedding)
    #expect(one == single.labels)
    #expect(five == best.labels)
    #expect(best.lowerBound >= single.lowerBound)
    #expect(DCRLConfiguration.recommended.initializationMixtureStarts == 10)
    #expect(DCRLConfiguration.paper(for: .usps).initializationMixtureStarts == nil)
    c.initializationMixtureStarts = 0
    #expect(
      throws: DCRLError.input(
        .invalidValue(
          parameter: "initializationMixtureStarts", value: "0", constraint: "must be >= 1"))
    ) { try c.validate() }
  }
}
