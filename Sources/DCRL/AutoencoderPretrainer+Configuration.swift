// AutoencoderPretrainer+Configuration: the settings of the denoising-autoencoder pretraining
// shared by DCRL and the deep baselines.

extension AutoencoderPretrainer {
  /// How the autoencoder is pretrained (Docs/Algorithm.md#training): denoising with Gaussian
  /// noise, MSE against the clean input, mini-batches over a fresh permutation each epoch, last
  /// partial batch kept.
  public struct Configuration: Sendable, Codable, Hashable {
    /// The optimiser of the pretraining.
    public enum OptimizerChoice: Sendable, Codable, Hashable {
      /// Adam with PyTorch's defaults and this learning rate (1e-3 in the paper).
      case adam(learningRate: Double)
      /// SGD with momentum (the code uses lr 0.1, momentum 0.99 for REUTERS-10K).
      case sgd(learningRate: Double, momentum: Double)
    }

    /// The number of epochs (200).
    public var epochs = 200
    /// The mini-batch size (256).
    public var batchSize = 256
    /// The standard deviation σ of the input noise: 0.2 (USPS 0.23); zero trains a plain AE.
    public var noise = 0.2
    /// The optimiser (Adam 1e-3).
    public var optimizer = OptimizerChoice.adam(learningRate: 1e-3)
    /// The seed of the noise and the batch order.
    public var seed: UInt64 = 0
    /// DEC's greedy layer-wise stage, run before the end-to-end epochs; `nil` (the paper's
    /// recipe) trains end to end only.
    public var layerWise: LayerWisePretraining? = nil

    /// The paper's pretraining: 200 epochs, batch 256, σ = 0.2, Adam 1e-3.
    public init() {}

    /// Checks every field (RELIABILITY I20).
    public func validate() throws(DCRLError) {
      let check = DCRLError.require
      try check(epochs >= 0, "pretraining.epochs", epochs, "must be non-negative")
      try check(batchSize > 0, "pretraining.batchSize", batchSize, "must be positive")
      try check(noise >= 0 && noise.isFinite, "pretraining.noise", noise, "must be non-negative")
      switch optimizer {
      case .adam(let learningRate):
        try check(
          learningRate > 0 && learningRate.isFinite, "pretraining.optimizer",
          "adam(\(learningRate))", "learning rate must be positive")
      case .sgd(let learningRate, let momentum):
        try check(
          learningRate > 0 && learningRate.isFinite && momentum >= 0 && momentum < 1,
          "pretraining.optimizer", "sgd(\(learningRate), \(momentum))",
          "learning rate must be positive and momentum in [0, 1)")
      }
      try layerWise?.validate()
    }
  }
}
