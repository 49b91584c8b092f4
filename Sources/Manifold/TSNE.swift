// TSNE: the t-SNE estimator (van der Maaten and Hinton 2008) and its fitted embedding.

import Tensor

/// A t-SNE progress report, sent every ``TSNE/Configuration/checkInterval`` iterations.
public struct TSNEProgress: Sendable, Hashable, Codable {
  /// The number of iterations done so far.
  public var iteration: Int
  /// KL(P‖Q) for the unexaggerated P at the positions the last gradient was taken at (with the
  /// approximate Z of the Barnes–Hut and FFT methods).
  public var klDivergence: Double
  /// The norm of the gain-scaled gradient of the last iteration.
  public var gradientNorm: Double
  /// The factor P was multiplied by in the last iteration.
  public var exaggeration: Double
}

/// Why a t-SNE run ended.
public enum TSNEStopReason: String, Sendable, Hashable, Codable {
  /// ``TSNE/Configuration/maxIterations`` were done.
  case maximumIterations
  /// The KL divergence did not improve for ``TSNE/Configuration/iterationsWithoutProgress``.
  case noProgress
  /// The gradient norm fell below ``TSNE/Configuration/minimumGradientNorm``.
  case smallGradient
  /// The progress callback returned `ProgressAction.stop`.
  case stoppedByCallback
}

/// t-distributed stochastic neighbour embedding.
///
/// `fit` computes the input affinities P (a Gaussian per point tuned to the perplexity,
/// symmetrised), initialises the embedding, and minimises KL(P‖Q) by gradient descent with
/// momentum and gains, where Q is a Student-t kernel with one degree of freedom. The three
/// gradient methods (``TSNE/Configuration/GradientMethod``) trade exactness for speed.
///
/// DCRL initialises its cluster centres from a t-SNE of the first 3000 latent codes with
/// scikit-learn 0.21's defaults (Docs/Algorithm.md#initialisation):
///
/// ```swift
/// var configuration = TSNE.Configuration.sklearn021
/// configuration.seed = 0
/// let points = try TSNE(configuration: configuration).fit(latentCodes).embedding  // [3000, 2]
/// ```
///
/// Reproducibility: with the same seed and data, the result has the same bits for every
/// `threads` setting, because every parallel loop writes per-point results and sums partials
/// over fixed chunks in order. The OpenBLAS thread count is another matter: it can change the
/// last bits of the GEMM-based PCA initialisation (the neighbour graph is re-ranked exactly in
/// float64 and does not change), so bit-for-bit reproduction also needs the same OpenBLAS
/// thread count (`CPUBackend.setBLASThreads`).
public struct TSNE: Sendable {
  /// The hyperparameters.
  public let configuration: Configuration

  /// Creates an estimator; the configuration is validated by ``fit(_:initialization:progress:)``.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Embeds the rows of `data` in ``TSNE/Configuration/components`` dimensions.
  ///
  /// - Parameters:
  ///   - data: The samples, one per row, float32 or float64.
  ///   - initialization: Starting positions `[n, components]` that override
  ///     ``TSNE/Configuration/initialization``.
  ///   - progress: Called every ``TSNE/Configuration/checkInterval`` iterations with the KL
  ///     divergence; returning `ProgressAction.stop` ends the run.
  /// - Returns: The embedding, in the dtype and on the backend of `data`.
  /// - Throws: ``ManifoldError`` for an invalid configuration, invalid data (I1–I4), fewer
  ///   than 2 samples, `perplexity >= n` (I14), or an `initialization` of the wrong shape.
  /// - Complexity: per iteration O(n²) for the exact gradient, O(n log n) for Barnes–Hut and
  ///   O(n + grid log grid) for FFT interpolation; the neighbour search is O(n²·d / 2) once.
  ///
  /// Shape: `data` is `[n, d]`; the embedding is `[n, components]`.
  public func fit(
    _ data: Tensor, initialization: Tensor? = nil,
    progress: ((TSNEProgress) -> ProgressAction)? = nil
  ) throws(ManifoldError) -> TSNEEmbedding {
    try configuration.validate()
    let matrix = try HostMatrix(validating: data, parameter: "data")
    let n = matrix.rows
    guard n >= 2 else {
      throw .tooFewSamples(samples: n, parameter: "n_samples", value: "\(n)", constraint: ">= 2")
    }
    try TSNE.checkPerplexity(configuration.perplexity, samples: n)
    let threads = resolvedThreadCount(configuration.threads)
    let affinities = try inputAffinities(matrix, threads: threads)
    var positions = try initialPositions(matrix, given: initialization)
    var objective = TSNEObjective(
      count: n, dimensions: configuration.components, p: affinities, threads: threads,
      repulsion: TSNE.repulsionMethod(for: configuration.gradientMethod))
    let result = optimize(&objective, positions: &positions, progress: progress)
    return TSNEEmbedding(
      embedding: Tensor(
        converting: positions, shape: [n, configuration.components], dtype: data.dtype,
        on: data.backend),
      klDivergence: result.klDivergence, iterations: result.iterations,
      stopReason: result.stopReason, history: result.history,
      learningRate: configuration.resolvedLearningRate(samples: n, exaggeration: 1),
      configuration: configuration)
  }

  /// P over all pairs or over the exact ⌊3·perplexity⌋ + 1 nearest neighbours.
  func inputAffinities(_ matrix: HostMatrix, threads: Int) throws(ManifoldError) -> SparseMatrix {
    if configuration.usesAllPoints {
      return TSNE.allPointsJointProbabilities(
        matrix, perplexity: configuration.perplexity, metric: configuration.metric,
        threads: threads)
    }
    let k = min(matrix.rows - 1, Int(3 * configuration.perplexity + 1))
    let graph = exactNeighborGraph(
      matrix, neighbors: k, metric: configuration.metric, includeSelf: false, threads: threads)
    return try TSNE.jointProbabilities(
      neighbors: graph, perplexity: configuration.perplexity, threads: threads)
  }

  /// The starting positions, row-major `[n, components]`.
  func initialPositions(_ matrix: HostMatrix, given: Tensor?) throws(ManifoldError) -> [Double] {
    let (n, components) = (matrix.rows, configuration.components)
    if let given {
      guard given.shape == [n, components] else {
        throw .input(
          .invalidValue(
            parameter: "initialization", value: "a tensor of shape \(given.shape)",
            constraint: "must be of shape [\(n), \(components)]"))
      }
      let start = try HostMatrix(validating: given, parameter: "initialization")
      return (0..<n * components).map { start.value($0 / components, $0 % components) }
    }
    var rng = Xoshiro256(seed: configuration.seed)
    func random(_ deviation: Double) -> [Double] {
      (0..<n * components).map { _ in deviation * rng.nextStandardNormal() }
    }
    switch configuration.initialization {
    case .random(let deviation):
      return random(deviation)
    case .pca:
      // scikit-learn ≥ 1.2 and openTSNE: PCA scaled so that PC1 has standard deviation 1e-4.
      guard var scores = principalComponentScores(matrix, components: components) else {
        return random(1e-4)
      }
      var mean = 0.0
      for i in 0..<n { mean += scores[i * components] }
      mean /= Double(n)
      var variance = 0.0
      for i in 0..<n {
        variance += (scores[i * components] - mean) * (scores[i * components] - mean)
      }
      let deviation = (variance / Double(n)).squareRoot()
      if !(deviation > 0) { return random(1e-4) }  // constant data: PCA gives no direction
      for k in scores.indices { scores[k] *= 1e-4 / deviation }
      return scores
    }
  }
}

/// A fitted t-SNE embedding and how the optimisation went.
public struct TSNEEmbedding: Sendable {
  /// The embedded points.
  ///
  /// Shape: `[n, components]`, in the input's dtype and backend.
  public let embedding: Tensor
  /// KL(P‖Q) at the last iteration (with the approximate Z of Barnes–Hut/FFT).
  public let klDivergence: Double
  /// The number of gradient-descent iterations done.
  public let iterations: Int
  /// Why the optimisation stopped.
  public let stopReason: TSNEStopReason
  /// Every progress report, in order.
  public let history: [TSNEProgress]
  /// The learning rate of the final phase (resolves the automatic rules).
  public let learningRate: Double
  /// The configuration the embedding was fitted with.
  public let configuration: TSNE.Configuration
}
