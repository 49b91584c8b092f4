// ShallowBaselines: K-Means and SC-Ncut on the raw features, and AE+K-Means on the pretrained
// autoencoder's codes — thin configurations over the Clustering module.

import Clustering
import DCRL
import Tensor

extension MethodContext {
  /// The pretrained autoencoder, which `method` needs, after checking that `x` has its input
  /// dimension.
  func autoencoder(for method: String, input x: Tensor) throws(DCRLError) -> Autoencoder {
    guard let autoencoder else {
      throw .input(
        .invalidValue(
          parameter: "context.autoencoder", value: "nil",
          constraint: "\(method) needs a pretrained autoencoder"))
    }
    try validateFeatures(x, expectedFeatures: autoencoder.inputDimension)
    return autoencoder
  }

  /// The pretrained autoencoder, checked as ``autoencoder(for:input:)`` does, and its codes of
  /// `x`: the input of the methods that cluster in the code space.
  func codes(for method: String, input x: Tensor) throws(DCRLError) -> (
    autoencoder: Autoencoder, codes: Tensor
  ) {
    let autoencoder = try self.autoencoder(for: method, input: x)
    return (autoencoder, autoencoder.encodeAll(x))
  }
}

/// K-Means on the raw features (the paper's first baseline), scikit-learn's defaults of the
/// paper's era: k-means++, 10 restarts, 300 iterations, tolerance 1e-4.
public struct KMeansMethod: ClusteringMethod {
  /// The number of clusters.
  public var clusters: Int
  /// The k-means restarts (scikit-learn's `n_init`).
  public var runs = 10
  /// The seed.
  public var seed: UInt64 = 0

  /// Creates the method.
  public init(clusters: Int, runs: Int = 10, seed: UInt64 = 0) {
    self.clusters = clusters
    self.runs = runs
    self.seed = seed
  }

  /// `"K-Means"`.
  public var name: String { "K-Means" }
  /// Raw features only.
  public var needsAutoencoder: Bool { false }

  /// Fits k-means to `x`.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let model = try clustering { () throws(ClusteringError) in
      try KMeans(clusters: clusters, runs: runs, seed: seed).fit(x)
    }
    return FittedKMeans(model: model, encoder: nil)
  }
}

/// A fitted k-means, on raw features or on an autoencoder's codes.
struct FittedKMeans: FittedClusteringMethod {
  let model: KMeansModel
  let encoder: Autoencoder?
  var codes: Tensor?

  var trainingLabels: [Int] { model.labels }
  var trainingEmbedding: Tensor? { codes }

  func embed(_ x: Tensor) throws(DCRLError) -> Tensor? {
    guard let encoder else { return nil }
    try validateFeatures(x, expectedFeatures: encoder.inputDimension)
    return encoder.encodeAll(x)
  }

  func predict(_ x: Tensor) throws(DCRLError) -> [Int] {
    let points = try embed(x) ?? x
    return try clustering { () throws(ClusteringError) in try model.predict(points) }
  }
}

/// SC-Ncut, the paper's second baseline: spectral clustering with the normalised cut.
///
/// It uses a k-nearest-neighbour affinity of the raw features. Transductive: it cannot predict
/// new samples.
public struct SpectralMethod: ClusteringMethod {
  /// The spectral-clustering settings.
  public var configuration: SpectralClustering.Configuration

  /// Creates the method: a 10-nearest-neighbour affinity (scikit-learn's `n_neighbors`), the
  /// symmetric normalised Laplacian, and k-means on the row-normalised spectral embedding.
  public init(clusters: Int, neighbors: Int = 10, seed: UInt64 = 0) {
    configuration = SpectralClustering.Configuration(
      clusters: clusters, affinity: .nearestNeighbors(neighbors), seed: seed)
  }

  /// `"SC-Ncut"`.
  public var name: String { "SC-Ncut" }
  /// Raw features only.
  public var needsAutoencoder: Bool { false }

  /// Fits spectral clustering to `x`.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let model = try clustering { () throws(ClusteringError) in
      try SpectralClustering(configuration: configuration).fit(x)
    }
    return FittedSpectral(trainingLabels: model.labels, trainingEmbedding: model.embedding)
  }
}

struct FittedSpectral: FittedClusteringMethod {
  let trainingLabels: [Int]
  let trainingEmbedding: Tensor?

  func predict(_ x: Tensor) throws(DCRLError) -> [Int] {
    throw .unsupported("SC-Ncut is transductive and cannot cluster new samples")
  }

  func embed(_ x: Tensor) throws(DCRLError) -> Tensor? {
    throw .unsupported("SC-Ncut's spectral embedding does not extend to new samples")
  }
}

/// AE+K-Means: k-means (20 restarts) on the latent codes of the shared pretrained autoencoder.
public struct AutoencoderKMeansMethod: ClusteringMethod {
  /// The number of clusters.
  public var clusters: Int
  /// The k-means restarts.
  public var runs = 20
  /// The seed.
  public var seed: UInt64 = 0

  /// Creates the method.
  public init(clusters: Int, runs: Int = 20, seed: UInt64 = 0) {
    self.clusters = clusters
    self.runs = runs
    self.seed = seed
  }

  /// `"AE+K-Means"`.
  public var name: String { "AE+K-Means" }
  /// Clusters the pretrained codes.
  public var needsAutoencoder: Bool { true }

  /// Encodes `x` and runs k-means on the codes.
  public func fit(_ x: Tensor, context: MethodContext) throws(DCRLError)
    -> any FittedClusteringMethod
  {
    let (autoencoder, codes) = try context.codes(for: name, input: x)
    let model = try clustering { () throws(ClusteringError) in
      try KMeans(clusters: clusters, runs: runs, seed: seed).fit(codes)
    }
    return FittedKMeans(model: model, encoder: autoencoder, codes: codes)
  }
}
