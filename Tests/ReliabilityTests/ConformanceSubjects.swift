// The estimators of the conformance suite behind one shape: fit, the learned state, the methods
// that apply a fitted model to new rows, and (where the estimator saves) a save/load round trip.

import Baselines
import Clustering
import DCRL
import Foundation
import Manifold
import Tensor
import Testing

/// A fitted estimator, seen by the conformance checks.
struct Fitted {
  /// Every learned number, in a fixed order, to compare two fits bit for bit.
  var state: [Double]
  /// The methods that apply the model to new samples, by name; each returns one row per sample
  /// (a label becomes a one-element row).
  var methods: [(name: String, apply: (Tensor) throws -> [[Double]])] = []
  /// Saves the model to a fresh folder and loads it back.
  var roundTrip: (() throws -> Fitted)?
}

/// Whether fitting a permutation of the samples gives the permuted result.
enum FitOrder: Sendable {
  /// Yes, and the suite checks it.
  case invariant
  /// No, for the reason given.
  case dependent(String)
}

/// One estimator of the suite, with a tiny configuration.
struct Subject: Sendable, CustomTestStringConvertible {
  let name: String
  let fit: @Sendable (Tensor) throws -> Fitted
  let fitOrder: FitOrder
  /// What the estimator lacks that the suite would otherwise check (no `predict`, no saving).
  let limitations: [String]

  var testDescription: String { name }
}

/// Rows of a label array.
private func rows(_ labels: [Int]) -> [[Double]] { labels.map { [Double($0)] } }

/// Rows of a matrix.
func rows(_ tensor: Tensor) -> [[Double]] {
  let values = tensor.doubles
  let width = tensor.shape.count == 2 ? tensor.shape[1] : 1
  return (0..<(tensor.shape.first ?? 0)).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
}

/// The parameters of an autoencoder, flattened.
private func flattened(_ autoencoder: Autoencoder) -> [Double] {
  autoencoder.parameters.flatMap { $0.value.doubles }
}

/// A random (unpretrained) autoencoder for the deep baselines: the suite checks their contract,
/// not their accuracy.
private func sharedAutoencoder() -> Autoencoder {
  var rng = Xoshiro256(seed: 21)
  return Autoencoder(inputDimension: 4, hiddenSizes: [8], latentDimension: 2, using: &rng)
}

/// The deep baselines' fitted models, through the shared interface.
private func fitted(_ method: any FittedClusteringMethod, state: [Double]) -> Fitted {
  Fitted(
    state: state + method.trainingLabels.map(Double.init),
    methods: [
      ("predict", { rows(try method.predict($0)) }),
      ("embed", { try method.embed($0).map { rows($0) } ?? [] }),
    ])
}

/// The tiny DCRL configuration of the suite.
func conformanceDCRLConfiguration() -> DCRLConfiguration {
  var c = DCRLConfiguration()
  c.hiddenSizes = [8]
  c.latentDimension = 2
  c.clusters = 3
  c.epochs = 3
  c.warmUpEpochs = 0
  c.scheduleEnd = 2
  c.batchSize = 16
  c.pretraining.epochs = 2
  c.pretraining.batchSize = 16
  c.centerInitialization = .kMeans
  c.initializationKMeansRuns = 2
  return c
}

private func dcrlFitted(_ model: DCRLModel) -> Fitted {
  var result = Fitted(
    state: flattened(model.autoencoder) + model.centers.doubles
      + model.trainingLabels.map(Double.init),
    methods: [
      ("predict", { rows(try model.predict($0)) }),
      ("transform", { rows(try model.transform($0)) }),
      ("softAssignments", { rows(try model.softAssignments($0)) }),
      ("reconstruct", { rows(try model.reconstruct($0)) }),
    ])
  result.roundTrip = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-conformance-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    try model.save(to: directory)
    return dcrlFitted(try DCRLModel.load(from: directory))
  }
  return result
}

private func decSubject(_ variant: DeepEmbeddedClustering.Configuration.Variant) -> Subject {
  Subject(
    name: variant.rawValue,
    fit: { x in
      var c = DeepEmbeddedClustering.Configuration(variant: variant, clusters: 3)
      c.batchSize = 16
      c.updateInterval = 5
      c.maxIterations = 20
      c.kMeansRuns = 2
      let method = try DeepEmbeddedClustering(configuration: c).fit(
        x, context: MethodContext(autoencoder: sharedAutoencoder()))
      let dec = try #require(method as? FittedDEC)
      return fitted(method, state: flattened(dec.autoencoder) + dec.centers.doubles)
    },
    fitOrder: .dependent(
      "mini-batches are consecutive slices of the data in its given order, as in the published "
        + "Keras code, and the k-means++ initialisation samples by index"),
    limitations: ["FittedDEC has no save API (the autoencoder saves through NN's safetensors)"])
}

/// Every estimator of the suite.
let conformanceSubjects: [Subject] = [
  Subject(
    name: "KMeans",
    fit: { x in
      let model = try KMeans(clusters: 3, runs: 2, seed: 0).fit(x)
      return Fitted(
        state: model.centers.doubles + model.labels.map(Double.init) + [model.inertia],
        methods: [
          ("predict", { rows(try model.predict($0)) }),
          ("transform", { rows(try model.transform($0)) }),
        ])
    },
    fitOrder: .dependent(
      "k-means++ draws its seeds by sample index; with explicit initial centres the fit is "
        + "order-invariant (checked separately)"),
    limitations: ["KMeansModel has no save API"]),
  Subject(
    name: "SpectralClustering",
    fit: { x in
      let model = try SpectralClustering(clusters: 3, affinity: .nearestNeighbors(8), seed: 0)
        .fit(x)
      return Fitted(state: model.labels.map(Double.init) + model.embedding.doubles)
    },
    fitOrder: .dependent(
      "the eigensolver's random start vector and the k-means seeding are drawn in sample order"),
    limitations: ["transductive: no predict/transform for new samples", "no save API"]),
  Subject(
    name: "GaussianMixture",
    fit: { x in
      let model = try GaussianMixture(components: 3, covariance: .full, seed: 0).fit(x)
      return Fitted(
        state: model.labels.map(Double.init) + model.weights + model.means.doubles
          + model.covariances.doubles + [model.lowerBound],
        methods: [
          ("predict", { rows(try model.predict($0)) }),
          ("predictProbabilities", { rows(try model.predictProbabilities($0)) }),
          ("logLikelihoods", { try model.logLikelihoods($0).map { [$0] } }),
        ])
    },
    fitOrder: .dependent("its k-means initialisation draws k-means++ seeds by sample index"),
    limitations: ["GaussianMixtureModel has no save API"]),
  Subject(
    name: "TSNE",
    fit: { x in
      var c = TSNE.Configuration()
      c.perplexity = 5
      c.maxIterations = 250
      c.earlyExaggerationIterations = 100
      let embedding = try TSNE(configuration: c).fit(x)
      return Fitted(state: embedding.embedding.doubles + [embedding.klDivergence])
    },
    fitOrder: .dependent(
      "equivariant in exact arithmetic (PCA start, symmetric affinities), but the Barnes–Hut "
        + "sums run in sample order and 250 iterations amplify the rounding differences"),
    limitations: [
      "non-parametric, as scikit-learn's TSNE: no transform for new samples", "no save API",
    ]),
  Subject(
    name: "UMAP",
    fit: { x in
      var c = UMAP.Configuration()
      c.neighbors = 8
      c.epochs = 30
      c.threads = 1
      let embedding = try UMAP(configuration: c).fit(x)
      return Fitted(
        state: embedding.embedding.doubles,
        methods: [("transform", { rows(try embedding.transform($0)) })])
    },
    fitOrder: .dependent(
      "the SGD visits edges in sample order and draws negative samples from one random stream"),
    limitations: ["UMAPEmbedding has no save API"]),
  decSubject(.dec),
  decSubject(.idec),
  Subject(
    name: "N2D",
    fit: { x in
      let method = try N2DMethod(clusters: 3, neighbors: 8, seed: 0, threads: 1).fit(
        x, context: MethodContext(autoencoder: sharedAutoencoder()))
      return fitted(method, state: method.trainingEmbedding?.doubles ?? [])
    },
    fitOrder: .dependent("UMAP's SGD and the mixture's k-means++ seeding depend on sample order"),
    limitations: ["no save API"]),
  Subject(
    name: "DCRL",
    fit: { x in
      dcrlFitted(try DCRLTrainer(configuration: conformanceDCRLConfiguration()).fit(x))
    },
    fitOrder: .dependent(
      "pretraining and fine-tuning draw their batch orders as permutations of sample indices, "
        + "and the centres start from k-means++ on the codes"),
    limitations: []),
]
