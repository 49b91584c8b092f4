// DCRLCheckpoint: a whole fine-tuning state in one safetensors file — weights, centres, both
// Adam optimisers' moments and steps, the random stream, the epoch and the history — written
// atomically, so a run can resume to the bit-identical model of an uninterrupted run.

import Foundation
import NN
import Tensor

/// Saving and restoring ``DCRLTrainer`` runs.
///
/// The file is `checkpoint.safetensors` in the policy's directory. Tensors: `model.*` (the
/// autoencoder's and the centres' values), `adam1.*`/`adam2.*` (each optimiser's `exp_avg` and
/// `exp_avg_sq` per parameter) and `state.inputCenters`; the `state` metadata entry holds the
/// rest as JSON. It is replaced atomically (a temporary file, then a rename), so an interrupted
/// write leaves the previous checkpoint intact.
public enum DCRLCheckpoint {
  /// The format version this library writes and reads.
  public static let formatVersion = 1

  /// The non-tensor part of a checkpoint.
  struct State: Codable {
    var configuration: DCRLConfiguration
    var inputDimension: Int
    var nextEpoch: Int
    var rng: Xoshiro256
    var batchOptimizerSteps: [String: Int]
    var fullDataOptimizerSteps: [String: Int]
    var previousLabels: [Int]?
    var reports: [DCRLEpochReport]
    /// Set when the run was ended by its label-change guard (absent in older files).
    var guardStop: LabelChangeGuardStop?
    /// The warm-up's partition, when it trains towards one (absent in older files).
    var initialPartition: [Int]?
  }

  /// A copy of a training state at an epoch boundary; tensors are shared copy-on-write, so taking
  /// one costs almost nothing until training changes the originals.
  struct Snapshot {
    var tensors: [String: Tensor]
    var state: State

    init(_ training: DCRLTrainingState) {
      var tensors: [String: Tensor] = [:]
      var steps1: [String: Int] = [:]
      var steps2: [String: Int] = [:]
      let named = training.autoencoder.namedParameters + [("centers", training.centers)]
      for (name, parameter) in named {
        tensors["model." + name] = parameter.value
        if let s = training.batchOptimizer.state(of: parameter) {
          CheckpointFile.store(s, as: "adam1." + name, in: &tensors)
          steps1[name] = s.step
        }
        if let s = training.fullDataOptimizer.state(of: parameter) {
          CheckpointFile.store(s, as: "adam2." + name, in: &tensors)
          steps2[name] = s.step
        }
      }
      tensors["state.inputCenters"] = training.inputCenters
      self.tensors = tensors
      self.state = State(
        configuration: training.configuration, inputDimension: training.autoencoder.inputDimension,
        nextEpoch: training.nextEpoch, rng: training.rng, batchOptimizerSteps: steps1,
        fullDataOptimizerSteps: steps2, previousLabels: training.previousLabels,
        reports: training.reports, guardStop: training.guardStop,
        initialPartition: training.initialPartition)
    }

    /// A training state equal to the one this snapshot was taken of.
    func restored(on backend: any Backend) throws(DCRLError) -> DCRLTrainingState {
      try DCRLCheckpoint.restore(tensors, state, path: "the in-memory snapshot", on: backend)
    }

    /// Writes the snapshot atomically into the policy's directory.
    func write(to policy: CheckpointPolicy) throws(DCRLError) {
      try CheckpointFile.write(
        tensors, state: state, kind: "training state", format: "dcrl-checkpoint",
        version: DCRLCheckpoint.formatVersion, to: policy.file, in: policy.directory)
    }
  }

  /// The configuration of the run saved at `url` and the epoch it would continue with.
  ///
  /// The whole checkpoint is restored (on the host) and discarded, so a damaged or inconsistent
  /// file is reported here, before any work, rather than when training resumes.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` for a missing, truncated or inconsistent file,
  ///   ``DCRLError/formatVersion(path:found:expected:)`` for another format version.
  public static func configuration(
    at url: URL
  ) throws(DCRLError) -> (configuration: DCRLConfiguration, nextEpoch: Int) {
    let state = try read(from: url, on: ReferenceBackend.shared)
    return (state.configuration, state.nextEpoch)
  }

  /// Restores the training state stored at `url` onto `backend`.
  ///
  /// Every tensor is checked (presence, shape, one dtype) against the stored, validated
  /// configuration before the autoencoder is built.
  static func read(
    from url: URL, on backend: any Backend,
    replacingConfiguration replacement: DCRLConfiguration? = nil
  ) throws(DCRLError) -> DCRLTrainingState {
    var (tensors, state) = try CheckpointFile.read(
      State.self, from: url, name: "a DCRL checkpoint", kind: "training state",
      format: "dcrl-checkpoint", version: formatVersion, on: backend)
    if let replacement {
      try checkBranch(from: state, to: replacement, path: url.path)
      state.configuration = replacement
    }
    return try restore(tensors, state, path: url.path, on: backend)
  }

  /// Checks that a run stored with `state` can continue under `replacement`: the same network,
  /// clusters and data type, and epochs still to run.
  private static func checkBranch(
    from state: State, to replacement: DCRLConfiguration, path: String
  ) throws(DCRLError) {
    let stored = state.configuration
    func same<T: Equatable>(_ field: String, _ a: T, _ b: T) throws(DCRLError) {
      try DCRLError.require(
        a == b, field, b, "must equal the checkpoint's \(a) to continue \(path)")
    }
    try same("hiddenSizes", stored.hiddenSizes, replacement.hiddenSizes)
    try same("latentDimension", stored.latentDimension, replacement.latentDimension)
    try same("clusters", stored.clusters, replacement.clusters)
    try DCRLError.require(
      replacement.epochs >= state.nextEpoch, "epochs", replacement.epochs,
      "must be at least the checkpoint's \(state.nextEpoch) finished epochs")
    try replacement.validate()
  }

  /// Builds the training state that `tensors` and `state` describe, checking every tensor;
  /// `path` names their source in errors.
  static func restore(
    _ tensors: [String: Tensor], _ state: State, path: String, on backend: any Backend
  ) throws(DCRLError) -> DCRLTrainingState {
    let c = state.configuration
    let dtype = try validateStoredAutoencoder(
      tensors, prefix: "model.", inputDimension: state.inputDimension, configuration: c,
      path: path)
    func tensor(_ name: String, shape: [Int]) throws(DCRLError) -> Tensor {
      try storedTensor(tensors, name, shape: shape, dtype: dtype, path: path)
    }
    let centers = try tensor("model.centers", shape: [c.clusters, c.latentDimension])
    let inputCenters = try tensor("state.inputCenters", shape: [c.clusters, state.inputDimension])
    guard state.nextEpoch >= 0 else {
      throw .io(path: path, reason: "the stored epoch \(state.nextEpoch) is negative")
    }
    var rng = Xoshiro256(seed: 0)
    let autoencoder = Autoencoder(
      inputDimension: state.inputDimension, hiddenSizes: c.hiddenSizes,
      latentDimension: c.latentDimension, dtype: dtype, on: backend, using: &rng)
    for (name, parameter) in autoencoder.namedParameters {
      parameter.value = try tensor("model." + name, shape: parameter.value.shape)
    }
    let training = DCRLTrainingState(
      configuration: c, autoencoder: autoencoder, centers: centers, inputCenters: inputCenters,
      rng: state.rng)
    let named = autoencoder.namedParameters + [("centers", training.centers)]
    for (name, parameter) in named {
      let shape = parameter.value.shape
      for (prefix, steps) in [
        ("adam1.", state.batchOptimizerSteps), ("adam2.", state.fullDataOptimizerSteps),
      ] {
        guard let step = steps[name] else { continue }
        let moments = try CheckpointFile.adamState(
          tensors, prefix + name, step: step, shape: shape, dtype: dtype, path: path)
        if prefix == "adam1." {
          training.batchOptimizer.setState(moments, of: parameter)
        } else {
          training.fullDataOptimizer.setState(moments, of: parameter)
        }
      }
    }
    training.nextEpoch = state.nextEpoch
    training.previousLabels = state.previousLabels
    training.reports = state.reports
    training.guardStop = state.guardStop
    training.initialPartition = state.initialPartition
    return training
  }
}
