// ClusteringMethod: the one interface through which the benchmark runs DCRL and every method
// the paper compares it with.

import DCRL
import Foundation
import Tensor

/// What a method may use besides the data: ground truth for reporting, a shared pretrained
/// autoencoder, where to keep checkpoints, and a progress sink.
public struct MethodContext {
  /// Ground truth, used only in progress messages; never for fitting.
  public var labels: [Int]?
  /// The pretrained autoencoder shared by the deep methods; methods that fine-tune it train a
  /// copy, so one pretraining serves them all.
  public var autoencoder: Autoencoder?
  /// Where a long fine-tuning (DCRL) writes its checkpoints, and resumes from when that
  /// directory already holds one of the same configuration; none when `nil`.
  public var checkpoints: CheckpointPolicy?
  /// Receives one message per phase, epoch (DCRL) or target update (DEC, IDEC).
  public var progress: ((MethodProgress) -> Void)?

  /// Creates a context.
  public init(
    labels: [Int]? = nil, autoencoder: Autoencoder? = nil, checkpoints: CheckpointPolicy? = nil,
    progress: ((MethodProgress) -> Void)? = nil
  ) {
    self.labels = labels
    self.autoencoder = autoencoder
    self.checkpoints = checkpoints
    self.progress = progress
  }
}

/// One progress message of a method's fit: the line to show, and what it reports as values, so
/// that a caller can filter or record progress without parsing the text.
public struct MethodProgress: Sendable, Hashable, CustomStringConvertible {
  /// The unit of work a per-step message reports.
  public enum Step: Sendable, Hashable {
    /// A fine-tuning epoch (0-based), as DCRL reports them.
    case epoch(Int)
    /// A mini-batch iteration at which DEC or IDEC updated its target distribution.
    case iteration(Int)
  }

  /// The line to show, such as `"DCRL epoch 12  α 0.4 …"`.
  public var message: String
  /// The epoch or iteration the message reports; `nil` for a phase message ("resuming …").
  public var step: Step?
  /// The fraction of labels that changed at ``step``, where the method measures it.
  public var labelChange: Double?

  /// Creates a message.
  public init(_ message: String, step: Step? = nil, labelChange: Double? = nil) {
    self.message = message
    self.step = step
    self.labelChange = labelChange
  }

  /// ``message``.
  public var description: String { message }
}

/// A clustering method of the paper's tables: K-Means, SC-Ncut, AE+K-Means, DEC, IDEC, N2D or
/// DCRL.
public protocol ClusteringMethod {
  /// The method's name as the paper's tables print it, such as `"IDEC"`.
  var name: String { get }
  /// Whether ``fit(_:context:)`` needs ``MethodContext/autoencoder``.
  var needsAutoencoder: Bool { get }
  /// Fits the method to `x`.
  ///
  /// Shape: `x` is `[n, D]`.
  func fit(_ x: Tensor, context: MethodContext) throws(DCRLError) -> any FittedClusteringMethod
}

/// A fitted clustering method: its labels, and (where the method allows) predictions and
/// representations of new data.
public protocol FittedClusteringMethod {
  /// The cluster of every training sample.
  var trainingLabels: [Int] { get }
  /// The representation the method clusters in, for the training samples (the latent codes
  /// for the deep methods, the spectral embedding for SC-Ncut, `nil` for raw K-Means).
  var trainingEmbedding: Tensor? { get }
  /// The clusters of new samples.
  ///
  /// - Throws: `DCRLError.unsupported(_:)` for transductive methods (SC-Ncut).
  func predict(_ x: Tensor) throws(DCRLError) -> [Int]
  /// The representation of new samples, or `nil` when the method has none.
  func embed(_ x: Tensor) throws(DCRLError) -> Tensor?
}

extension DCRLModel: FittedClusteringMethod {
  /// The latent codes are computed on demand; see `DCRLModel.transform(_:)`.
  public var trainingEmbedding: Tensor? { nil }

  /// The latent codes of `x`.
  public func embed(_ x: Tensor) throws(DCRLError) -> Tensor? { try transform(x) }
}

/// DCRL behind the shared interface, fine-tuning a copy of the shared autoencoder.
public struct DCRLMethod: ClusteringMethod {
  /// The configuration.
  public var configuration: DCRLConfiguration

  /// Creates the method.
  public init(configuration: DCRLConfiguration) {
    self.configuration = configuration
  }

  /// `"DCRL"`.
  public var name: String { "DCRL" }
  /// DCRL starts from the pretrained autoencoder.
  public var needsAutoencoder: Bool { true }

  /// The epoch a fit in `context` resumes at: the next epoch of the checkpoint in
  /// ``MethodContext/checkpoints`` when that holds a run of this configuration, `nil` when there
  /// is none or it holds another configuration.
  ///
  /// - Throws: `DCRLError` for a checkpoint file that cannot be read.
  public func resumableEpoch(in context: MethodContext) throws(DCRLError) -> Int? {
    guard let policy = context.checkpoints,
      FileManager.default.fileExists(atPath: policy.file.path)
    else { return nil }
    let stored = try DCRLCheckpoint.configuration(at: policy.file)
    return stored.configuration == configuration ? stored.nextEpoch : nil
  }

  /// Fits DCRL; without an autoencoder in the context it pretrains one.
  ///
  /// With ``MethodContext/checkpoints``, a checkpoint already in that directory whose
  /// configuration equals this one is resumed (the data must be the same as the interrupted
  /// run's); one of another configuration is reported and replaced by a fresh run.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let trainer = DCRLTrainer(configuration: configuration)
    let onEpoch = { (report: DCRLEpochReport) -> ProgressAction in
      context.progress?(
        MethodProgress(
          "DCRL \(report.summary)", step: .epoch(report.epoch), labelChange: report.labelChange))
      return .continue
    }
    if let policy = context.checkpoints {
      if let epoch = try resumableEpoch(in: context) {
        context.progress?(MethodProgress("DCRL: resuming \(policy.file.path) at epoch \(epoch)"))
        return try trainer.resume(
          from: policy.file, input: x, labels: context.labels, checkpoints: policy,
          progress: onEpoch)
      }
      if FileManager.default.fileExists(atPath: policy.file.path) {
        context.progress?(
          MethodProgress(
            "DCRL: \(policy.file.path) holds another configuration; starting a fresh run"))
      }
    }
    return try trainer.fit(
      x, labels: context.labels, autoencoder: context.autoencoder?.copy(),
      checkpoints: context.checkpoints, progress: onEpoch)
  }
}
