// DCRLModel: a fitted DCRL model — cluster predictions, soft assignments, latent codes and
// reconstructions for new data, and saving/loading.

import Autograd
import Clustering
import Foundation
import Tensor

/// A fitted DCRL model: the autoencoder and the learned cluster centres.
///
/// Predictions are `argmax_j q_ij` with the Student-t soft assignment of the latent codes to the
/// centres (equation 1), as in the paper's generalisation protocol (Docs/Algorithm.md#presets).
/// Every method
/// processes the data in chunks, so memory stays bounded for any number of samples.
public final class DCRLModel {
  /// The configuration the model was trained with.
  public let configuration: DCRLConfiguration
  /// The encoder f and decoder g.
  public let autoencoder: Autoencoder
  /// μ, the learned centres `[C, m]`.
  public let centers: Tensor
  /// The predicted cluster of every training sample after the last epoch.
  public let trainingLabels: [Int]
  /// One report per fine-tuning epoch.
  public let history: [DCRLEpochReport]
  /// Where the label-change guard ended fine-tuning, if it did (not part of the saved model).
  public let labelChangeGuardStop: LabelChangeGuardStop?

  /// Creates a model from its parts.
  public init(
    configuration: DCRLConfiguration, autoencoder: Autoencoder, centers: Tensor,
    trainingLabels: [Int] = [], history: [DCRLEpochReport] = [],
    labelChangeGuardStop: LabelChangeGuardStop? = nil
  ) {
    self.configuration = configuration
    self.autoencoder = autoencoder
    self.centers = centers
    self.trainingLabels = trainingLabels
    self.history = history
    self.labelChangeGuardStop = labelChangeGuardStop
  }

  /// The number of input features the model expects.
  public var inputDimension: Int { autoencoder.inputDimension }

  private func prepared(_ x: Tensor) throws(DCRLError) -> Tensor {
    let moved = x.moved(to: centers.backend).converted(to: centers.dtype)
    try validateFeatures(moved, expectedFeatures: inputDimension)
    return moved
  }

  /// The latent codes z = f(x).
  ///
  /// Shape: `[n, D]` in, `[n, m]` out.
  /// - Throws: ``DCRLError/input(_:)`` for empty, non-finite or mis-sized data (I16).
  public func transform(_ x: Tensor) throws(DCRLError) -> Tensor {
    autoencoder.encodeAll(try prepared(x), chunkSize: configuration.fullPassChunkSize)
  }

  /// The soft assignments Q of equation 1, with rows summing to 1.
  ///
  /// Shape: `[n, D]` in, `[n, C]` out.
  public func softAssignments(_ x: Tensor) throws(DCRLError) -> Tensor {
    softAssignment(
      try transform(x), centers: centers, degreesOfFreedom: configuration.degreesOfFreedom)
  }

  /// The predicted cluster of each sample: argmax of its soft assignment.
  public func predict(_ x: Tensor) throws(DCRLError) -> [Int] {
    try softAssignments(x).argmax(axis: 1)
  }

  /// The reconstructions g(f(x)).
  ///
  /// Shape: `[n, D]` in and out.
  public func reconstruct(_ x: Tensor) throws(DCRLError) -> Tensor {
    autoencoder.reconstructAll(try prepared(x), chunkSize: configuration.fullPassChunkSize)
  }
}
