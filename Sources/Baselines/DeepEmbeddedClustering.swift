// DeepEmbeddedClustering: DEC (Xie et al. 2016) and IDEC (Guo et al. 2017) on the shared
// pretrained autoencoder, reusing DCRL's soft assignment, target distribution and KL loss.

import Autograd
import Clustering
import DCRL
import NN
import Tensor

/// DEC or IDEC behind the shared interface.
public struct DeepEmbeddedClustering: ClusteringMethod {
  /// The settings of DEC and IDEC.
  ///
  /// Both initialise the centres by k-means (20 restarts) on the pretrained codes, then minimise
  /// KL(P‖Q) with the target P recomputed from the whole data every ``updateInterval``
  /// iterations, and stop when fewer than ``tolerance`` of the labels change between two
  /// updates. Batches are taken in order and wrap around, as in the published Keras code. IDEC
  /// adds the reconstruction loss, `L = MSE + γ·KL`, and so keeps training the decoder.
  ///
  /// They start from ``MethodContext/autoencoder``, which the benchmark pretrains end to end as
  /// DCRL's (Docs/Algorithm.md#training). DEC's paper pretrained greedily, layer by layer, with
  /// dropout; for that, pretrain the autoencoder with
  /// `AutoencoderPretrainer.Configuration.layerWise` set and pass it in the context.
  public struct Configuration: Sendable, Codable, Hashable {
    /// DEC or IDEC.
    public enum Variant: String, Sendable, Codable, Hashable, CaseIterable {
      /// KL only; the decoder is discarded.
      case dec = "DEC"
      /// KL plus reconstruction (γ = 0.1 on the KL term).
      case idec = "IDEC"
    }

    /// Which method.
    public var variant: Variant
    /// The number of clusters.
    public var clusters: Int
    /// The mini-batch size (256).
    public var batchSize = 256
    /// Iterations between target updates (140).
    public var updateInterval = 140
    /// The label-change fraction below which training stops (0.001 = 0.1 %).
    public var tolerance = 0.001
    /// The most iterations (2·10⁴).
    public var maxIterations = 20_000
    /// γ, the weight of the KL term in IDEC's loss (0.1); unused by DEC.
    public var clusteringWeight = 0.1
    /// The optimiser: SGD (lr 0.01, momentum 0.9) for DEC, Adam (1e-3) for IDEC.
    public var optimizer: AutoencoderPretrainer.Configuration.OptimizerChoice
    /// The k-means restarts of the centre initialisation (20).
    public var kMeansRuns = 20
    /// ν of the Student-t kernel (1).
    public var degreesOfFreedom = 1.0
    /// How the KL divergence is reduced: Keras's `kld`, the batch mean of per-sample sums.
    public var reduction = LossReduction.batchMean
    /// The k-means seed.
    public var seed: UInt64 = 0

    /// The published settings of `variant` for `clusters` clusters.
    public init(variant: Variant, clusters: Int) {
      self.variant = variant
      self.clusters = clusters
      optimizer =
        variant == .dec ? .sgd(learningRate: 0.01, momentum: 0.9) : .adam(learningRate: 1e-3)
    }

    /// Checks every field (RELIABILITY I20).
    public func validate() throws(DCRLError) {
      let check = DCRLError.require
      try check(clusters > 0, "clusters", clusters, "must be positive")
      try check(batchSize > 0, "batchSize", batchSize, "must be positive")
      try check(updateInterval > 0, "updateInterval", updateInterval, "must be positive")
      try check(tolerance >= 0, "tolerance", tolerance, "must be non-negative")
      try check(maxIterations >= 0, "maxIterations", maxIterations, "must be non-negative")
      try check(clusteringWeight >= 0, "clusteringWeight", clusteringWeight, "must be non-negative")
      try check(kMeansRuns > 0, "kMeansRuns", kMeansRuns, "must be positive")
      try check(degreesOfFreedom > 0, "degreesOfFreedom", degreesOfFreedom, "must be positive")
    }
  }

  /// The settings.
  public var configuration: Configuration

  /// Creates the method.
  public init(configuration: Configuration) {
    self.configuration = configuration
  }

  /// `"DEC"` or `"IDEC"`.
  public var name: String { configuration.variant.rawValue }
  /// Both fine-tune the pretrained autoencoder.
  public var needsAutoencoder: Bool { true }

  /// Fits DEC or IDEC, fine-tuning a copy of the context's autoencoder.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let c = configuration
    try c.validate()
    let shared = try context.autoencoder(for: name, input: x)
    let n = x.shape[0]
    guard n >= c.clusters else {
      throw .clustering(.tooFewSamples(samples: n, clusters: c.clusters))
    }
    let autoencoder = shared.copy()
    let initial = try clustering { () throws(ClusteringError) in
      try KMeans(clusters: c.clusters, runs: c.kMeansRuns, seed: c.seed).fit(
        autoencoder.encodeAll(x))
    }
    let centers = Parameter(initial.centers.converted(to: x.dtype), name: "centers")
    let parameters =
      (c.variant == .idec ? autoencoder.parameters : autoencoder.encoder.parameters) + [centers]
    var optimizer: any Optimizer =
      switch c.optimizer {
      case .adam(let rate): Adam(learningRate: rate)
      case .sgd(let rate, let momentum): SGD(learningRate: rate, momentum: momentum)
      }
    var labels = initial.labels
    var target = Tensor.zeros([n, c.clusters], dtype: x.dtype, on: x.backend)
    var batchIndex = 0
    var iterations = 0
    var converged = false
    while iterations < c.maxIterations {
      if iterations % c.updateInterval == 0 {
        let q = softAssignment(
          autoencoder.encodeAll(x), centers: centers.value, degreesOfFreedom: c.degreesOfFreedom)
        target = targetDistribution(q)
        let updated = q.argmax(axis: 1)
        let changed = Double(zip(updated, labels).filter { $0 != $1 }.count) / Double(n)
        labels = updated
        context.progress?(
          MethodProgress(
            "\(name) iteration \(iterations): label change \(changed)",
            step: .iteration(iterations), labelChange: changed))
        if iterations > 0 && changed < c.tolerance {
          converged = true
          break
        }
      }
      let start = batchIndex * c.batchSize
      let indices = Array(start..<min(start + c.batchSize, n))
      batchIndex = (batchIndex + 1) * c.batchSize < n ? batchIndex + 1 : 0
      let batch = x.gatheringRows(indices)
      let (loss, _) = valueWithGradient(at: parameters) {
        let z = autoencoder.encode(Variable(batch))
        let kl = clusteringLoss(
          latent: z, centers: centers.variable, target: target.gatheringRows(indices),
          degreesOfFreedom: c.degreesOfFreedom, reduction: c.reduction)
        guard c.variant == .idec else { return kl }
        return meanSquaredError(autoencoder.decode(z), batch) + kl * c.clusteringWeight
      }
      guard loss.scalarValue.isFinite else {
        throw .nonFinite(
          epoch: iterations / max(1, n / c.batchSize), step: iterations, term: "\(name) loss")
      }
      optimizer.update(parameters)
      iterations += 1
    }
    let finalLabels =
      softAssignment(
        autoencoder.encodeAll(x), centers: centers.value, degreesOfFreedom: c.degreesOfFreedom
      )
      .argmax(axis: 1)
    return FittedDEC(
      autoencoder: autoencoder, centers: centers.value, degreesOfFreedom: c.degreesOfFreedom,
      trainingLabels: finalLabels, iterations: iterations, converged: converged)
  }
}

/// A fitted DEC or IDEC model: argmax of the soft assignment of the codes.
public struct FittedDEC: FittedClusteringMethod {
  /// The fine-tuned autoencoder.
  public let autoencoder: Autoencoder
  /// The learned centres `[C, m]`.
  public let centers: Tensor
  /// ν of the Student-t kernel.
  public let degreesOfFreedom: Double
  /// The cluster of every training sample.
  public let trainingLabels: [Int]
  /// The iterations run.
  public let iterations: Int
  /// Whether the label-change tolerance was reached before the iteration limit.
  public let converged: Bool

  /// The codes are computed on demand; see ``embed(_:)``.
  public var trainingEmbedding: Tensor? { nil }

  /// The latent codes of `x`.
  public func embed(_ x: Tensor) throws(DCRLError) -> Tensor? {
    try validateFeatures(x, expectedFeatures: autoencoder.inputDimension)
    return autoencoder.encodeAll(x)
  }

  /// argmax_j q_ij for the rows of `x`.
  public func predict(_ x: Tensor) throws(DCRLError) -> [Int] {
    guard let codes = try embed(x) else { return [] }
    return softAssignment(codes, centers: centers, degreesOfFreedom: degreesOfFreedom).argmax(
      axis: 1)
  }
}
