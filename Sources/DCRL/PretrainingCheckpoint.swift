// PretrainingCheckpoint: a whole pretraining state in one safetensors file — weights, the
// optimiser's moments (Adam) or momentum buffers (SGD), the random stream, the epoch and the
// per-epoch records — written atomically, so an interrupted pretraining resumes to the
// bit-identical autoencoder of an uninterrupted one.

import Foundation
import NN
import Tensor

/// Saving and restoring ``AutoencoderPretrainer`` runs.
///
/// The file is ``CheckpointPolicy/pretrainingFile`` (`pretraining.safetensors` in the policy's
/// directory, beside the fine-tuning checkpoint). Tensors: `model.*` (the autoencoder),
/// `adam.*.exp_avg`/`adam.*.exp_avg_sq` or `sgd.*.momentum_buffer` per parameter; the `state`
/// metadata entry holds the rest as JSON. A temporary file and a rename replace it, so an
/// interrupted write leaves the previous checkpoint intact.
public enum PretrainingCheckpoint {
  /// The format version this library writes and reads.
  public static let formatVersion = 1

  /// What a pretraining checkpoint says about its run.
  public struct Summary: Sendable, Equatable {
    /// The pretraining settings of the run.
    public var configuration: AutoencoderPretrainer.Configuration
    /// The autoencoder's input dimension.
    public var inputDimension: Int
    /// The encoder's hidden layer sizes.
    public var hiddenSizes: [Int]
    /// The latent dimension.
    public var latentDimension: Int
    /// The 0-based epoch the run continues with (the number of finished epochs).
    public var nextEpoch: Int
    /// The wall-clock seconds of the finished epochs.
    public var seconds: Double
  }

  /// The non-tensor part of a checkpoint.
  struct State: Codable {
    var configuration: AutoencoderPretrainer.Configuration
    var inputDimension: Int
    var hiddenSizes: [Int]
    var latentDimension: Int
    var nextEpoch: Int
    var rng: Xoshiro256
    var adamSteps: [String: Int]
    var records: [PretrainingEpoch]
  }

  /// A training state at an epoch boundary; tensors are shared copy-on-write.
  struct Snapshot {
    var tensors: [String: Tensor]
    var state: State

    init(
      configuration: AutoencoderPretrainer.Configuration, autoencoder: Autoencoder,
      optimizer: any Optimizer, rng: Xoshiro256, nextEpoch: Int, records: [PretrainingEpoch]
    ) {
      var tensors: [String: Tensor] = [:]
      var steps: [String: Int] = [:]
      for (name, parameter) in autoencoder.namedParameters {
        tensors["model." + name] = parameter.value
        if let adam = optimizer as? Adam, let s = adam.state(of: parameter) {
          CheckpointFile.store(s, as: "adam." + name, in: &tensors)
          steps[name] = s.step
        }
        if let sgd = optimizer as? SGD, let buffer = sgd.momentumBuffer(of: parameter) {
          tensors["sgd." + name + ".momentum_buffer"] = buffer
        }
      }
      self.tensors = tensors
      self.state = State(
        configuration: configuration, inputDimension: autoencoder.inputDimension,
        hiddenSizes: autoencoder.hiddenSizes, latentDimension: autoencoder.latentDimension,
        nextEpoch: nextEpoch, rng: rng, adamSteps: steps, records: records)
    }

    /// Writes the snapshot atomically to the policy's pretraining file.
    func write(to policy: CheckpointPolicy) throws(DCRLError) {
      try CheckpointFile.write(
        tensors, state: state, kind: "pretraining state", format: "dcrl-pretraining-checkpoint",
        version: PretrainingCheckpoint.formatVersion, to: policy.pretrainingFile,
        in: policy.directory)
    }
  }

  /// A restored run: the autoencoder, its optimiser with its state, and where it stopped.
  struct Restored {
    var autoencoder: Autoencoder
    var optimizer: any Optimizer
    var state: State
  }

  /// What the checkpoint at `url` holds, after restoring (and discarding) all of it, so that a
  /// damaged or inconsistent file is reported before any work.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` for a missing, truncated or inconsistent file,
  ///   ``DCRLError/formatVersion(path:found:expected:)`` for another format version.
  public static func summary(at url: URL) throws(DCRLError) -> Summary {
    let state = try read(from: url, on: ReferenceBackend.shared).state
    return Summary(
      configuration: state.configuration, inputDimension: state.inputDimension,
      hiddenSizes: state.hiddenSizes, latentDimension: state.latentDimension,
      nextEpoch: state.nextEpoch, seconds: state.records.reduce(0) { $0 + $1.seconds })
  }

  /// Restores the run stored at `url` onto `backend`, checking every tensor (presence, shape,
  /// one dtype) against the stored sizes before the autoencoder is built.
  static func read(from url: URL, on backend: any Backend) throws(DCRLError) -> Restored {
    let path = url.path
    let (tensors, state) = try CheckpointFile.read(
      State.self, from: url, name: "a pretraining checkpoint", kind: "pretraining state",
      format: "dcrl-pretraining-checkpoint", version: formatVersion, on: backend)
    do {
      try state.configuration.validate()
    } catch {
      throw .io(path: path, reason: "the stored configuration is invalid: \(error)")
    }
    guard state.nextEpoch >= 0, state.nextEpoch <= state.configuration.epochs else {
      throw .io(
        path: path,
        reason: "the stored epoch \(state.nextEpoch) is outside 0…\(state.configuration.epochs)")
    }
    let dtype = try validateStoredParameters(
      tensors, prefix: "model.", inputDimension: state.inputDimension,
      hiddenSizes: state.hiddenSizes, latentDimension: state.latentDimension, path: path)
    var rng = Xoshiro256(seed: 0)
    let autoencoder = Autoencoder(
      inputDimension: state.inputDimension, hiddenSizes: state.hiddenSizes,
      latentDimension: state.latentDimension, dtype: dtype, on: backend, using: &rng)
    var optimizer = state.configuration.makeOptimizer()
    for (name, parameter) in autoencoder.namedParameters {
      let shape = parameter.value.shape
      parameter.value = try storedTensor(
        tensors, "model." + name, shape: shape, dtype: dtype, path: path)
      if var adam = optimizer as? Adam, let step = state.adamSteps[name] {
        adam.setState(
          try CheckpointFile.adamState(
            tensors, "adam." + name, step: step, shape: shape, dtype: dtype, path: path),
          of: parameter)
        optimizer = adam
      }
      if var sgd = optimizer as? SGD, tensors["sgd." + name + ".momentum_buffer"] != nil {
        sgd.setMomentumBuffer(
          try storedTensor(
            tensors, "sgd." + name + ".momentum_buffer", shape: shape, dtype: dtype, path: path),
          of: parameter)
        optimizer = sgd
      }
    }
    return Restored(autoencoder: autoencoder, optimizer: optimizer, state: state)
  }
}

extension AutoencoderPretrainer.Configuration {
  /// A fresh optimiser of this configuration's choice.
  func makeOptimizer() -> any Optimizer {
    switch optimizer {
    case .adam(let learningRate): return Adam(learningRate: learningRate)
    case .sgd(let learningRate, let momentum):
      return SGD(learningRate: learningRate, momentum: momentum)
    }
  }
}

/// Which run a checkpoint file continues.
public enum CheckpointKind: Sendable, Equatable {
  /// An ``AutoencoderPretrainer`` run (``PretrainingCheckpoint``).
  case pretraining
  /// A ``DCRLTrainer`` fine-tuning run (``DCRLCheckpoint``).
  case fineTuning
}

extension CheckpointPolicy {
  /// Whether the checkpoint at `url` is a pretraining or a fine-tuning checkpoint, from its
  /// `format` metadata.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` for an unreadable file or one of neither format.
  public static func kind(ofCheckpointAt url: URL) throws(DCRLError) -> CheckpointKind {
    let metadata: [String: String]
    do {
      metadata = try SafeTensors.read(from: url, on: ReferenceBackend.shared).metadata
    } catch {
      throw .io(path: url.path, reason: error.description)
    }
    switch metadata["format"] {
    case "dcrl-pretraining-checkpoint": return .pretraining
    case "dcrl-checkpoint": return .fineTuning
    default:
      throw .io(
        path: url.path,
        reason: "not a DCRL checkpoint (format '\(metadata["format"] ?? "none")')")
    }
  }
}
