// DCRLTrainer and DCRLModel: resume bit-identity, save/load, bad input and numerical failure.

import Baselines
import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import DCRL

/// A tiny configuration that trains in well under a second.
private func tinyConfiguration() -> DCRLConfiguration {
  tinyDCRLConfiguration(
    epochs: 6, warmUpEpochs: 1, scheduleEnd: 4, batchSize: 64, pretrainingEpochs: 3,
    pretrainingBatchSize: 64, kMeansRuns: 3)
}

private func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-tests-\(UUID())", isDirectory: true)
}

@Suite("DCRLTrainer")
struct TrainerTests {
  let data = syntheticMixture(perCluster: 30, seed: 4)

  @Test(
    "P1/D14: an interrupted run resumed from its checkpoint equals the uninterrupted run bit for bit"
  )
  func resumeIsBitIdentical() throws {
    let trainer = DCRLTrainer(configuration: tinyConfiguration())
    let whole = try trainer.fit(data.x)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    // Stop after epoch 2: the trainer writes a checkpoint on an early stop.
    _ = try trainer.fit(
      data.x, checkpoints: policy, progress: { $0.epoch == 2 ? .stop : .continue })
    #expect(try DCRLCheckpoint.configuration(at: policy.file).nextEpoch == 3)
    let resumed = try trainer.resume(from: policy.file, input: data.x)
    #expect(resumed.history.count == 6 && resumed.history.map(\.epoch) == Array(0..<6))
    #expect(resumed.centers.floats == whole.centers.floats)
    for ((name, a), (_, b)) in zip(
      resumed.autoencoder.namedParameters, whole.autoencoder.namedParameters)
    {
      #expect(a.value.floats == b.value.floats, "\(name)")
    }
    #expect(resumed.trainingLabels == whole.trainingLabels)
  }

  @Test(
    "P1: DCRLMethod resumes a checkpoint of its own configuration and restarts one of another"
  )
  func methodResumesItsCheckpoint() throws {
    let configuration = tinyConfiguration()
    let autoencoder = try DCRLTrainer(configuration: configuration).pretrain(data.x)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    /// DCRLMethod's fit of `c`, with or without the checkpoints, and its progress lines.
    func fit(_ c: DCRLConfiguration, checkpoints: CheckpointPolicy?) throws
      -> (model: DCRLModel, lines: [String], steps: [MethodProgress.Step?])
    {
      var messages: [MethodProgress] = []
      let context = MethodContext(
        autoencoder: autoencoder, checkpoints: checkpoints, progress: { messages.append($0) })
      let model = try DCRLMethod(configuration: c).fit(data.x, context: context) as! DCRLModel
      return (model, messages.map(\.message), messages.map(\.step))
    }
    let whole = try fit(configuration, checkpoints: nil).model
    _ = try DCRLTrainer(configuration: configuration).fit(
      data.x, autoencoder: autoencoder.copy(), checkpoints: policy,
      progress: { $0.epoch == 2 ? .stop : .continue })
    let withCheckpoints = MethodContext(checkpoints: policy)
    #expect(try DCRLMethod(configuration: configuration).resumableEpoch(in: withCheckpoints) == 3)
    let resumed = try fit(configuration, checkpoints: policy)
    let first = resumed.lines.first ?? ""
    #expect(first.contains("resuming") && first.contains("epoch 3"), "\(first)")
    // The resume message is a phase message; each epoch after it names its epoch.
    #expect(resumed.steps == [nil, .epoch(3), .epoch(4), .epoch(5)])
    #expect(resumed.model.history.map(\.epoch) == Array(0..<6))
    #expect(resumed.model.centers.floats == whole.centers.floats)
    #expect(resumed.model.trainingLabels == whole.trainingLabels)

    // The checkpoint now holds the finished run of `configuration`; another seed starts afresh.
    var other = configuration
    other.seed = 9
    #expect(try DCRLMethod(configuration: other).resumableEpoch(in: withCheckpoints) == nil)
    let expected = try fit(other, checkpoints: nil).model
    let restarted = try fit(other, checkpoints: policy)
    #expect(restarted.lines.first?.contains("another configuration") == true)
    #expect(restarted.model.centers.floats == expected.centers.floats)
    #expect(try DCRLCheckpoint.configuration(at: policy.file).configuration == other)
  }

  @Test("D14: fitting twice from the same seed gives identical models")
  func deterministic() throws {
    let trainer = DCRLTrainer(configuration: tinyConfiguration())
    let a = try trainer.fit(data.x)
    let b = try trainer.fit(data.x)
    #expect(a.centers.floats == b.centers.floats && a.trainingLabels == b.trainingLabels)
  }

  @Test("P1: a saved model loads with identical predictions, codes and reconstructions")
  func saveLoad() throws {
    let model = try DCRLTrainer(configuration: tinyConfiguration()).fit(data.x)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try model.save(to: directory)
    let loaded = try DCRLModel.load(from: directory)
    #expect(try loaded.predict(data.x) == model.predict(data.x))
    #expect(try loaded.transform(data.x).floats == model.transform(data.x).floats)
    #expect(try loaded.reconstruct(data.x).floats == model.reconstruct(data.x).floats)
    #expect(loaded.configuration == model.configuration)
    #expect(
      FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("configuration.json").path))
  }

  @Test("D15: batched and full predictions agree")
  func chunkedPrediction() throws {
    var c = tinyConfiguration()
    let model = try DCRLTrainer(configuration: c).fit(data.x)
    c.fullPassChunkSize = 7
    let chunked = DCRLModel(
      configuration: c, autoencoder: model.autoencoder, centers: model.centers)
    #expect(try chunked.predict(data.x) == model.predict(data.x))
    expectClose(try chunked.transform(data.x), try model.transform(data.x), rtol: 1e-6, atol: 1e-6)
  }

  @Test("P2/P4: missing, foreign and other-version model files throw clear errors")
  func loadErrors() throws {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: DCRLError.self) { try DCRLModel.load(from: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let file = directory.appendingPathComponent("model.safetensors")
    try SafeTensors.write(
      ["x": Tensor.ones([2])],
      metadata: ["format": "dcrl-model", "format_version": "99", "input_dimension": "2"], to: file)
    #expect(throws: DCRLError.formatVersion(path: file.path, found: 99, expected: 1)) {
      try DCRLModel.load(from: directory)
    }
    try SafeTensors.write(["x": Tensor.ones([2])], to: file)
    #expect(throws: DCRLError.self) { try DCRLModel.load(from: directory) }
  }

  @Test("I1 I3 I4 I11 I16 I17: bad data throws naming the value and the constraint")
  func badInput() throws {
    let trainer = DCRLTrainer(configuration: tinyConfiguration())
    let cases: [(String, Tensor, [Int]?)] = [
      ("x has 0 samples", Tensor.zeros([0, 50]), nil),
      ("x has shape [10]; expected a matrix [samples, features]", Tensor.zeros([10]), nil),
      (
        "x contains nan at row 1, column 2",
        { () -> Tensor in
          var values = [Float](repeating: 0, count: 40 * 50)
          values[52] = .nan
          return Tensor(values, shape: [40, 50])
        }(), nil
      ),
      ("n_samples=5 should be >= n_clusters=10", data.x.rows(0..<5), nil),
      ("labels has 3 samples but x has 300", data.x, [1, 2, 3]),
    ]
    for (message, x, labels) in cases {
      do {
        _ = try trainer.fit(x, labels: labels)
        Issue.record("expected an error containing '\(message)'")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
    let model = try trainer.fit(data.x)
    #expect(throws: DCRLError.input(.featureMismatch(parameter: "x", features: 49, expected: 50))) {
      try model.predict(Tensor.zeros([3, 49]))
    }
  }

  @Test("D1: a diverging run stops with .nonFinite after writing the last good checkpoint")
  func nonFinite() throws {
    var c = tinyConfiguration()
    c.learningRate = 1e12
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    do {
      _ = try DCRLTrainer(configuration: c).fit(data.x, checkpoints: policy)
      Issue.record("expected a non-finite loss")
    } catch {
      guard case .nonFinite(let epoch, _, let term) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(!term.isEmpty)
      // A checkpoint of the last completed epoch exists whenever an epoch completed.
      if epoch > 0 { #expect(FileManager.default.fileExists(atPath: policy.file.path)) }
    }
  }

  @Test("I20: an invalid configuration is rejected before any work")
  func invalidConfiguration() {
    var c = tinyConfiguration()
    c.batchSize = 0
    #expect(
      throws: DCRLError.input(
        .invalidValue(parameter: "batchSize", value: "0", constraint: "must be positive"))
    ) {
      try DCRLTrainer(configuration: c).fit(data.x)
    }
  }
}
