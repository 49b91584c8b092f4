// DCRLTrainer+Branching: continuing a saved fine-tuning run under a changed configuration, so
// that variants of the method can share the epochs they have in common, and the restoring step
// every continuation shares.

import Foundation
import Tensor

extension DCRLTrainer {
  /// Continues the run saved in the checkpoint at `url` under this trainer's configuration
  /// instead of the stored one.
  ///
  /// Use it to compare variants that differ only from some epoch on (a schedule, a guard, a
  /// loss cadence): run the common prefix once, keep its checkpoint, and branch each variant
  /// from it. The result equals a run of the new configuration from the start only when the
  /// two configurations train identically up to the checkpoint's epoch; that is the caller's
  /// to ensure (``EpochWeights`` of both for every earlier epoch are a useful check). The
  /// network, the cluster count and the data must be those of the saved run.
  ///
  /// - Throws: ``DCRLError/input(_:)`` when the network or the cluster count differ from the
  ///   checkpoint's, or fewer epochs are configured than it has finished; the errors of
  ///   ``resume(from:input:labels:checkpoints:progress:)``.
  public func branch(
    from url: URL, input x: Tensor, labels: [Int]? = nil, checkpoints: CheckpointPolicy? = nil,
    progress: (DCRLEpochReport) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> DCRLModel {
    let (state, data) = try restoredRun(
      from: url, input: x, labels: labels, replacingConfiguration: configuration)
    try checkpoints?.checkWritable()
    return try train(
      state, input: data, labels: labels, checkpoints: checkpoints, progress: progress)
  }

  /// The run saved at `url` (under `replacement`, when given) and `x` on this trainer's backend
  /// in the run's dtype, once `x` and `labels` are checked against it: where every resume starts.
  func restoredRun(
    from url: URL, input x: Tensor, labels: [Int]?,
    replacingConfiguration replacement: DCRLConfiguration? = nil
  ) throws(DCRLError) -> (state: DCRLTrainingState, data: Tensor) {
    let state = try DCRLCheckpoint.read(
      from: url, on: backend, replacingConfiguration: replacement)
    let data = x.moved(to: backend).converted(to: state.centers.value.dtype)
    try validateFeatures(data, expectedFeatures: state.autoencoder.inputDimension)
    try validateLabels(labels, samples: data.shape[0])
    return (state, data)
  }
}
