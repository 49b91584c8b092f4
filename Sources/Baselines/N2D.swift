// N2D: "(Not too) deep clustering" (McConville et al. 2019) — the pretrained autoencoder's codes,
// embedded by UMAP into as many dimensions as clusters, clustered by a Gaussian mixture.

import Clustering
import DCRL
import Manifold
import Tensor

/// N2D behind the shared interface.
///
/// UMAP with `min_dist = 0` and euclidean distances maps the latent codes to C dimensions; a
/// full-covariance Gaussian mixture with C components clusters them. The paper uses 20 UMAP
/// neighbours, its released code 10: both are presets. The paper's own autoencoder is trained
/// for 1000 epochs; here N2D uses the autoencoder it is given (in the benchmark tables, the
/// shared pretrained one, as every deep method does). The released code fits the mixture from
/// one k-means start; ``mixtureRuns`` keeps the best of several (scikit-learn's `n_init`).
public struct N2DMethod: ClusteringMethod {
  /// The number of clusters (also UMAP's output dimension).
  public var clusters: Int
  /// UMAP's neighbourhood size: 20 in the paper, 10 in the code.
  public var neighbors: Int
  /// The seed of UMAP and of the mixture.
  public var seed: UInt64
  /// UMAP's threads; `nil` follows `CPUBackend.blasThreads`.
  ///
  /// UMAP's SGD is bit-reproducible
  /// only with one thread (with more, its updates race as umap-learn's do; RELIABILITY D12).
  public var threads: Int?
  /// The number of mixture runs, each from its own k-means start.
  ///
  /// The highest likelihood wins (`GaussianMixture.Configuration.runs`); N2D's recipe makes
  /// one.
  public var mixtureRuns: Int

  /// Creates the method with the paper's 20 UMAP neighbours and the recipe's single mixture
  /// start.
  public init(
    clusters: Int, neighbors: Int = 20, seed: UInt64 = 0, threads: Int? = nil,
    mixtureRuns: Int = 1
  ) {
    self.clusters = clusters
    self.neighbors = neighbors
    self.seed = seed
    self.threads = threads
    self.mixtureRuns = mixtureRuns
  }

  /// The paper's setting: 20 UMAP neighbours.
  public static func paper(clusters: Int) -> N2DMethod {
    N2DMethod(clusters: clusters, neighbors: 20)
  }
  /// The released code's setting: 10 UMAP neighbours.
  public static func authorsCode(clusters: Int) -> N2DMethod {
    N2DMethod(clusters: clusters, neighbors: 10)
  }

  /// `"N2D"`.
  public var name: String { "N2D" }
  /// N2D embeds the pretrained codes.
  public var needsAutoencoder: Bool { true }

  /// Encodes `x`, runs UMAP to C dimensions and fits the mixture.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let (autoencoder, codes) = try context.codes(for: name, input: x)
    let umap = n2dUMAPConfiguration(
      clusters: clusters, neighbors: neighbors, seed: seed, threads: threads)
    context.progress?(
      MethodProgress("N2D: UMAP of \(codes.shape[0]) codes to \(clusters) dimensions"))
    let embedding = try manifold { () throws(ManifoldError) in
      try UMAP(configuration: umap).fit(codes)
    }
    context.progress?(MethodProgress("N2D: Gaussian mixture with \(clusters) components"))
    let mixture = try clustering { () throws(ClusteringError) in
      try GaussianMixture(
        components: clusters, covariance: .full, runs: mixtureRuns, seed: seed
      ).fit(embedding.embedding)
    }
    return FittedN2D(
      autoencoder: autoencoder, umap: embedding, mixture: mixture, trainingLabels: mixture.labels)
  }
}

/// A fitted N2D model.
struct FittedN2D: FittedClusteringMethod {
  let autoencoder: Autoencoder
  let umap: UMAPEmbedding
  let mixture: GaussianMixtureModel
  let trainingLabels: [Int]

  /// The UMAP embedding of the training codes (what the mixture clusters).
  var trainingEmbedding: Tensor? { umap.embedding }

  /// The UMAP embedding of new samples' codes.
  func embed(_ x: Tensor) throws(DCRLError) -> Tensor? {
    try validateFeatures(x, expectedFeatures: autoencoder.inputDimension)
    return try manifold { () throws(ManifoldError) in
      try umap.transform(autoencoder.encodeAll(x))
    }
  }

  func predict(_ x: Tensor) throws(DCRLError) -> [Int] {
    guard let points = try embed(x) else { return [] }
    return try clustering { () throws(ClusteringError) in try mixture.predict(points) }
  }
}
