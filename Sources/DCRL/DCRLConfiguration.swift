// DCRLConfiguration: every hyperparameter of DCRL, its presets and its validation.

import NN

/// The hyperparameters of DCRL (Docs/Algorithm.md#model, Docs/Algorithm.md#training, #presets).
///
/// The defaults are the library's recommended DCRL (``recommended``): the paper's architecture
/// (D-500-500-2000-10) and isometry neighbourhood (k = 3), the authors' code's loss forms,
/// warm-up, reconstruction term and L_C scaling, plus a better start and label-free
/// stabilisation. Use ``paper(for:)`` or ``authorsCode(for:)`` for the method as published,
/// ``recommended(for:)`` for the recommended one on a benchmark, then change fields as needed;
/// ``validate()`` checks them all.
public struct DCRLConfiguration: Sendable, Codable, Hashable {
  /// The datasets for which the authors' code ships settings (Docs/Algorithm.md#presets).
  public enum Benchmark: String, Sendable, Codable, Hashable, CaseIterable {
    /// MNIST-full, 70,000 images.
    case mnistFull = "mnist-full"
    /// MNIST-test, the 10,000 official test images.
    case mnistTest = "mnist-test"
    /// USPS, 9,298 digits.
    case usps
    /// Fashion-MNIST, 70,000 images.
    case fashionMNIST = "fashion-mnist"
    /// REUTERS-10K (or the R8 substitute built from Reuters-21578).
    case reuters
    /// UCI HAR (GCML only).
    case har
    /// UCI Pendigits (GCML only).
    case pendigits
  }

  /// Which parts of DCRL are switched off, for the ablation study (Table 5,
  /// Docs/Algorithm.md#presets).
  public enum Ablation: String, Sendable, Codable, Hashable, CaseIterable {
    /// The full model.
    case none
    /// (A) Without L_iso, L_rank and L_align.
    case withoutStructureLosses = "without-structure-losses"
    /// (B) Without the clustering loss L_C (α ≡ 0).
    case withoutClusteringLoss = "without-clustering-loss"
    /// (C) Constant weights: α = 0.1 and β = 1 from the end of the warm-up.
    case withoutWeightGraduality = "without-weight-graduality"
    /// (D) All four losses summed in each mini-batch, with L_iso and L_align on the batch's own
    ///   within-cluster neighbours and cluster means.
    case withoutAlternatingTraining = "without-alternating-training"
  }

  // MARK: Architecture

  /// The encoder's hidden layer sizes, which the decoder mirrors.
  ///
  /// Paper: [500, 500, 2000]; authors' code: [500, 500, 500, 2000].
  public var hiddenSizes: [Int] = [500, 500, 2000]
  /// The latent dimension m (10).
  public var latentDimension = 10
  /// The number of clusters C.
  public var clusters = 10

  // MARK: Losses

  /// k, the neighbours per point in L_iso (paper 3, code 5).
  public var isometryNeighbors = 3
  /// κ, the ranking scale of L_rank (3).
  public var rankingScale = 3.0
  /// The constant in front of L_C (0.1): α(e) = clusteringWeight · a(e).
  public var clusteringWeight = 0.1
  /// How the KL divergence of L_C is reduced; `.mean` (÷ B·C) reproduces the code (§7.8).
  public var clusteringReduction = LossReduction.mean
  /// Whether the reconstruction loss stays in the mini-batch loss during fine-tuning with the
  /// decaying factor a(e), as in the authors' code (§7.5).
  public var reconstructionDuringFineTuning = true
  /// ν, the Student-t degrees of freedom of the soft assignment (1).
  public var degreesOfFreedom = 1.0
  /// Which parts of the model are switched off (Table 5).
  public var ablation = Ablation.none
  /// Label-free changes that keep the clusters after the schedule's end; `nil` runs the
  /// fine-tuning loop exactly as published.
  public var stabilization: DCRLStabilization? = nil

  // MARK: Schedule

  /// E, the fine-tuning epochs (300).
  public var epochs = 300
  /// T0, the warm-up epochs in which only 0.1·L_C + L_rec is trained (code: 10/30/50).
  public var warmUpEpochs = 30
  /// The epoch at which α reaches 0 and the length of β's ramp (E/2 = 150).
  public var scheduleEnd = 150
  /// B, the mini-batch size (256).
  public var batchSize = 256
  /// The learning rate of both Adam optimisers (1e-3).
  public var learningRate = 1e-3

  // MARK: Pretraining and initialisation

  /// The denoising-autoencoder pretraining.
  public var pretraining = AutoencoderPretrainer.Configuration()
  /// How the centres are initialised (the paper: t-SNE then k-means; recommended: UMAP then a
  /// mixture).
  public var centerInitialization = CenterInitialization.tsneThenKMeans
  /// A warm-up that trains L_C towards the initial partition, not the sharpened soft assignment.
  ///
  /// It acts only with ``CenterInitialization/umapThenMixture``, the start that partitions
  /// every point; `nil`: as published.
  public var partitionWarmUp: PartitionWarmUp? = nil
  /// The Gaussian mixture's starts in the UMAP + mixture initialisation, each from its own
  /// seeded k-means start; the one with the highest likelihood wins (scikit-learn's `n_init`).
  ///
  /// The choice reads only the mixture's own likelihood; `nil` makes one start, as N2D does.
  public var initializationMixtureStarts: Int? = nil
  /// How many of the first samples are embedded with t-SNE to initialise the centres.
  public var initializationSubsetSize = 3000
  /// The k-means restarts on the 2-D t-SNE points (20).
  public var initializationKMeansRuns = 20
  /// The k-means seed of the initialisation (the code's `random_state = 0`).
  public var initializationKMeansSeed: UInt64 = 0

  // MARK: Reproducibility

  /// The seed of every random choice: weights, noise, batches, t-SNE.
  public var seed: UInt64 = 0
  /// Rows per chunk in full-data passes; bounds memory at 70k samples.
  public var fullPassChunkSize = 8192

  /// The recommended configuration, ``recommended``.
  ///
  /// That is the paper's architecture, losses and schedule with T0 = 30, centres from UMAP and a
  /// Gaussian mixture of all codes with a warm-up towards that partition,
  /// ``DCRLStabilization/recommended`` and 200 epochs. Start from ``paper(for:)`` or
  /// ``published`` for the method as published.
  public init() {
    self.init(published: ())
    applyRecommendedChanges()
  }

  /// The published method's dataset-agnostic settings: every stored default, no recommended
  /// change.
  private init(published: Void) {}

  /// The published DCRL with the dataset-agnostic settings (T0 = 30, t-SNE + k-means start, no
  /// stabilisation); ``paper(for:)`` adds a benchmark's settings.
  public static var published: DCRLConfiguration { DCRLConfiguration(published: ()) }
}

extension DCRLConfiguration {
  /// The paper's settings for `dataset`: D-500-500-2000-10, k = 3, κ = 3, batch 256, Adam 1e-3,
  /// 300 epochs, schedules ending at 150; and, where the paper is silent, the authors' code's
  /// per-dataset settings (warm-up, noise, initialisation subset, pretraining, seed) as
  /// Docs/Algorithm.md §7 recommends.
  public static func paper(for dataset: Benchmark) -> DCRLConfiguration {
    var configuration = DCRLConfiguration.published
    configuration.applyCodeSettings(for: dataset)
    return configuration
  }

  /// The authors' released code for `dataset` (Docs/Algorithm.md#presets): D-500-500-500-2000-10,
  /// k = 5 and the per-dataset table (warm-up, noise, initialisation subset, pretraining, seed).
  public static func authorsCode(for dataset: Benchmark) -> DCRLConfiguration {
    var configuration = paper(for: dataset)
    configuration.hiddenSizes = [500, 500, 500, 2000]
    configuration.isometryNeighbors = 5
    return configuration
  }

  private mutating func applyCodeSettings(for dataset: Benchmark) {
    // (clu_num, n_clusters, noise, ae_epochs, seed, start_time) from param/*.json.
    let table: (Int, Int, Double, Int, UInt64, Int) =
      switch dataset {
      case .mnistFull: (3000, 10, 0.2, 200, 0, 10)
      case .mnistTest: (10000, 10, 0.2, 200, 0, 30)
      case .usps: (3000, 10, 0.23, 200, 0, 50)
      case .fashionMNIST: (3000, 10, 0.2, 200, 0, 30)
      case .reuters: (3000, 4, 0.2, 200, 4, 30)
      case .har: (5000, 6, 0.2, 200, 5, 30)
      case .pendigits: (4000, 10, 0.2, 500, 0, 50)
      }
    initializationSubsetSize = table.0
    clusters = table.1
    pretraining.noise = table.2
    pretraining.epochs = table.3
    seed = table.4
    warmUpEpochs = table.5
    if dataset == .reuters { pretraining.optimizer = .sgd(learningRate: 0.1, momentum: 0.99) }
  }

  /// Checks every field, throwing for the first that is out of range (RELIABILITY I20).
  public func validate() throws(DCRLError) {
    let check = DCRLError.require
    try check(!hiddenSizes.isEmpty, "hiddenSizes", hiddenSizes, "must list at least one layer")
    try check(hiddenSizes.allSatisfy { $0 > 0 }, "hiddenSizes", hiddenSizes, "must be positive")
    try check(latentDimension > 0, "latentDimension", latentDimension, "must be positive")
    try check(clusters > 0, "clusters", clusters, "must be positive")
    try check(isometryNeighbors > 0, "isometryNeighbors", isometryNeighbors, "must be positive")
    try check(
      rankingScale > 0 && rankingScale.isFinite, "rankingScale", rankingScale, "must be positive")
    try check(
      clusteringWeight >= 0 && clusteringWeight.isFinite, "clusteringWeight", clusteringWeight,
      "must be non-negative")
    try check(degreesOfFreedom > 0, "degreesOfFreedom", degreesOfFreedom, "must be positive")
    try check(epochs >= 0, "epochs", epochs, "must be non-negative")
    try check(scheduleEnd > 0, "scheduleEnd", scheduleEnd, "must be positive")
    try check(
      warmUpEpochs >= 0 && warmUpEpochs < scheduleEnd, "warmUpEpochs", warmUpEpochs,
      "must be in 0..<scheduleEnd (\(scheduleEnd))")
    try check(batchSize > 0, "batchSize", batchSize, "must be positive")
    try check(
      learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "must be positive")
    try check(
      initializationSubsetSize > 0, "initializationSubsetSize", initializationSubsetSize,
      "must be positive")
    try check(
      initializationKMeansRuns > 0, "initializationKMeansRuns", initializationKMeansRuns,
      "must be positive")
    try check(fullPassChunkSize > 0, "fullPassChunkSize", fullPassChunkSize, "must be positive")
    try stabilization?.validate()
    if let starts = initializationMixtureStarts {
      try check(starts >= 1, "initializationMixtureStarts", starts, "must be >= 1")
    }
    if let partitionWarmUp {
      try check(
        partitionWarmUp.smoothing >= 0 && partitionWarmUp.smoothing < 1,
        "partitionWarmUp.smoothing", partitionWarmUp.smoothing, "must be in 0..<1")
    }
    try pretraining.validate()
  }
}
