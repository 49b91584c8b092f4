// Pretraining checkpoints: an interrupted pretraining resumes to the bit-identical autoencoder
// (Adam and SGD with momentum), damaged or foreign files are named in typed errors, and a
// diverging pretraining leaves its last good epoch on disk.

import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@testable import DCRL

private func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-pretraining-\(UUID())", isDirectory: true)
}

/// Whether two autoencoders hold the same bits, and the largest difference between them.
private func compare(_ a: Autoencoder, _ b: Autoencoder) -> (same: Bool, largest: Float) {
  let (x, y) = (a.parameters.flatMap { $0.value.floats }, b.parameters.flatMap { $0.value.floats })
  guard x.count == y.count else { return (false, .infinity) }
  var largest: Float = 0
  for (u, v) in zip(x, y) { largest = max(largest, abs(u - v)) }
  return (x == y, largest)
}

@Suite("Pretraining checkpoints")
struct PretrainingCheckpointTests {
  let data = syntheticMixture(perCluster: 6, seed: 21)  // 60 samples, 50 features

  private func configuration(_ optimizer: AutoencoderPretrainer.Configuration.OptimizerChoice)
    -> AutoencoderPretrainer.Configuration
  {
    var c = AutoencoderPretrainer.Configuration()
    c.epochs = 6
    c.batchSize = 16
    c.noise = 0.1
    c.optimizer = optimizer
    c.seed = 5
    return c
  }

  @Test(
    "P1: an interrupted pretraining resumed from its checkpoint equals the uninterrupted one bit for bit",
    arguments: [
      AutoencoderPretrainer.Configuration.OptimizerChoice.adam(learningRate: 1e-3),
      .sgd(learningRate: 0.1, momentum: 0.9),
    ])
  func resumeIsBitIdentical(optimizer: AutoencoderPretrainer.Configuration.OptimizerChoice) throws {
    let pretrainer = AutoencoderPretrainer(configuration: configuration(optimizer))
    let whole = try pretrainer.fit(data.x, hiddenSizes: [16], latentDimension: 3)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 2)
    // Stop after epoch 2 (0-based): not a multiple of the interval, so the stop itself writes.
    _ = try pretrainer.fit(
      data.x, hiddenSizes: [16], latentDimension: 3, checkpoints: policy,
      progress: { $0.epoch == 2 ? .stop : .continue })
    let summary = try PretrainingCheckpoint.summary(at: policy.pretrainingFile)
    #expect(summary.nextEpoch == 3 && summary.configuration == pretrainer.configuration)
    #expect(summary.hiddenSizes == [16] && summary.latentDimension == 3)
    #expect(summary.inputDimension == 50 && summary.seconds > 0)
    #expect(try CheckpointPolicy.kind(ofCheckpointAt: policy.pretrainingFile) == .pretraining)
    var resumedEpochs: [Int] = []
    let resumed = try AutoencoderPretrainer.resume(
      from: policy.pretrainingFile, input: data.x,
      progress: {
        resumedEpochs.append($0.epoch)
        return .continue
      })
    #expect(resumedEpochs == [3, 4, 5])
    let (same, largest) = compare(resumed, whole)
    #expect(same, "largest difference \(largest)")
  }

  @Test("P1: DCRLTrainer.pretrain checkpoints, and a fine-tuning checkpoint is told apart")
  func trainerPretrainingCheckpoints() throws {
    var c = tinyDCRLConfiguration(epochs: 2, pretrainingEpochs: 4)
    c.seed = 3
    let trainer = DCRLTrainer(configuration: c)
    let whole = try trainer.pretrain(data.x)
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 2)
    _ = try trainer.pretrain(
      data.x, checkpoints: policy, progress: { $0.epoch == 1 ? .stop : .continue })
    #expect(
      try PretrainingCheckpoint.summary(at: policy.pretrainingFile).configuration
        == trainer.pretrainingConfiguration)
    let resumed = try AutoencoderPretrainer.resume(from: policy.pretrainingFile, input: data.x)
    let (same, largest) = compare(resumed, whole)
    #expect(same, "largest difference \(largest)")
    _ = try trainer.fit(data.x, autoencoder: resumed, checkpoints: policy)
    #expect(try CheckpointPolicy.kind(ofCheckpointAt: policy.file) == .fineTuning)
  }

  @Test(
    "P2/P4: missing, foreign, truncated and other-version pretraining checkpoints throw clear errors"
  )
  func damagedFiles() throws {
    let pretrainer = AutoencoderPretrainer(configuration: configuration(.adam(learningRate: 1e-3)))
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 1)
    _ = try pretrainer.fit(
      data.x, hiddenSizes: [16], latentDimension: 3, checkpoints: policy,
      progress: { _ in .stop })
    let file = policy.pretrainingFile
    let bytes = try Data(contentsOf: file)

    // Another format version.
    var (tensors, metadata) = try SafeTensors.read(from: file)
    metadata["format_version"] = "99"
    let other = directory.appendingPathComponent("other.safetensors")
    try SafeTensors.write(tensors, metadata: metadata, to: other)
    #expect(
      throws: DCRLError.formatVersion(
        path: other.path, found: 99, expected: PretrainingCheckpoint.formatVersion)
    ) { try PretrainingCheckpoint.summary(at: other) }

    // A file of another kind: a plain weights file.
    let plain = directory.appendingPathComponent("plain.safetensors")
    try SafeTensors.write(tensors, to: plain)
    expectIOError(containing: "not a pretraining checkpoint") {
      try PretrainingCheckpoint.summary(at: plain)
    }
    expectIOError(containing: "not a DCRL checkpoint") {
      try CheckpointPolicy.kind(ofCheckpointAt: plain)
    }

    // A missing tensor and a truncated file.
    tensors["model.decoder.0.bias"] = nil
    metadata["format_version"] = "\(PretrainingCheckpoint.formatVersion)"
    let partial = directory.appendingPathComponent("partial.safetensors")
    try SafeTensors.write(tensors, metadata: metadata, to: partial)
    expectIOError(containing: "missing tensor 'model.decoder.0.bias'") {
      try AutoencoderPretrainer.resume(from: partial, input: data.x)
    }
    let truncated = directory.appendingPathComponent("truncated.safetensors")
    try bytes.prefix(bytes.count / 2).write(to: truncated)
    expectIOError(containing: "not a valid safetensors file") {
      try AutoencoderPretrainer.resume(from: truncated, input: data.x)
    }

    // A missing file.
    expectIOError(containing: "cannot read") {
      try AutoencoderPretrainer.resume(
        from: directory.appendingPathComponent("absent.safetensors"), input: data.x)
    }

    // Data of another width.
    #expect(throws: DCRLError.self) {
      try AutoencoderPretrainer.resume(from: file, input: Tensor.zeros([10, 49]))
    }
  }

  /// With these settings the loss overflows in epoch 1, after one finished epoch.
  @Test("D1: a diverging pretraining stops with .nonFinite after writing its last good epoch")
  func nonFinite() throws {
    var c = configuration(.sgd(learningRate: 30, momentum: 0.9))
    c.epochs = 20
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory, interval: 100)
    do {
      _ = try AutoencoderPretrainer(configuration: c).fit(
        data.x, hiddenSizes: [16], latentDimension: 3, checkpoints: policy)
      Issue.record("expected a non-finite loss")
    } catch {
      guard case .nonFinite(let epoch, _, let term) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(term == "pretraining MSE")
      if epoch > 0 {
        #expect(try PretrainingCheckpoint.summary(at: policy.pretrainingFile).nextEpoch == epoch)
      } else {
        #expect(!FileManager.default.fileExists(atPath: policy.pretrainingFile.path))
      }
    }
  }
}

/// Expects `body` to throw ``DCRLError/io(path:reason:)`` whose reason contains `fragment`.
private func expectIOError(
  containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> some Any
) {
  do {
    _ = try body()
    Issue.record("expected an .io error containing '\(fragment)'", sourceLocation: sourceLocation)
  } catch let error as DCRLError {
    guard case .io(_, let reason) = error, reason.contains(fragment) else {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
      return
    }
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}
