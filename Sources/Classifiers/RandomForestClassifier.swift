// RandomForestClassifier: bootstrap-aggregated classification trees with √d features per
// split; predictions average the trees' class probabilities (scikit-learn's
// RandomForestClassifier).

import Tensor

/// A random forest of ``DecisionTreeClassifier`` trees with scikit-learn's
/// `RandomForestClassifier` semantics (Docs/Algorithm.md#presets).
///
/// * Each tree draws a bootstrap sample (n draws with replacement) and is grown on it with the
///   draw counts as sample weights — duplicates are weighted, not copied, as in scikit-learn —
///   examining ``DecisionTreeClassifier/Configuration/maxFeatures`` random features per split
///   (√d by default) until its leaves are pure.
/// * The forest's probability estimate is the mean of the trees' leaf class frequencies; the
///   prediction is its most probable class.
/// * Every tree's generator is seeded from one draw of a generator seeded with
///   ``Configuration/seed``, so the forest is reproducible; it is not scikit-learn's random
///   stream, so individual forests differ from scikit-learn's while their accuracy
///   distribution matches.
///
/// Trees are grown one after another on the calling thread (scikit-learn's `n_jobs=None`).
public struct RandomForestClassifier: Classifier, PresetClassifier {
  /// The hyperparameters of ``RandomForestClassifier``.
  public struct Configuration: Sendable, Codable, Hashable, PresetConfiguration {
    /// The number of trees (100, scikit-learn ≥ 0.22; 10 in 0.21).
    public var trees = 100
    /// Whether each tree sees a bootstrap sample (true) or the whole training set.
    public var bootstrap = true
    /// The per-tree settings: gini, √d features, unlimited depth, min_samples_split 2.
    public var tree: DecisionTreeClassifier.Configuration = {
      var tree = DecisionTreeClassifier.Configuration()
      tree.maxFeatures = .sqrt
      return tree
    }()
    /// The seed of the bootstrap samples and the feature draws.
    public var seed: UInt64 = 0

    /// scikit-learn ≥ 0.22's defaults: 100 trees, gini, √d features, bootstrap.
    public init() {}

    /// scikit-learn 0.21's defaults: 10 trees, gini, √d features ('auto'), bootstrap.
    public static let sklearn021: Configuration = {
      var configuration = Configuration()
      configuration.trees = 10
      return configuration
    }()

    /// scikit-learn ≥ 0.22's defaults; the same as ``init()``.
    public static let modern = Configuration()

    /// Checks every field (RELIABILITY I20).
    ///
    /// - Throws: ``ClassifierError/input(_:)`` with `InputError.invalidValue` naming the first
    ///   invalid field.
    public func validate() throws(ClassifierError) {
      try ClassifierError.require(trees >= 1, "trees", trees, "must be ≥ 1")
      try tree.validate()
    }
  }

  /// The hyperparameters.
  public var configuration: Configuration

  /// Creates a random forest with `configuration` (scikit-learn ≥ 0.22's by default).
  public init(configuration: Configuration = .modern) {
    self.configuration = configuration
  }

  /// Grows the forest on `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Complexity: O(trees · maxFeatures · n log² n) for balanced trees.
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  public func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError)
    -> RandomForestClassifierModel
  {
    try configuration.validate()
    let data = try TreeTrainingData(x, labels: labels)
    let growth = configuration.tree.growth(features: data.features)
    var seeds = Xoshiro256(seed: configuration.seed)
    var trees: [DecisionTreeClassifierModel] = []
    for _ in 0..<configuration.trees {
      var rng = Xoshiro256(seed: seeds.next())
      var weights: [Double]? = nil
      if configuration.bootstrap {
        var counts = [Double](repeating: 0, count: data.samples)
        for _ in 0..<data.samples {
          counts[Int(rng.next(upperBound: UInt64(data.samples)))] += 1
        }
        weights = counts
      }
      let nodes = growTree(data, weights: weights, growth: growth, using: &rng)
      trees.append(
        DecisionTreeClassifierModel(
          classes: data.classes, featureCount: data.features, nodes: nodes))
    }
    return RandomForestClassifierModel(
      classes: data.classes, featureCount: data.features, trees: trees)
  }
}

/// A grown ``RandomForestClassifier``.
public struct RandomForestClassifierModel: ProbabilisticClassifierModel, Codable, Hashable {
  /// The distinct training labels, in increasing order.
  public let classes: [Int]
  /// The number of features d.
  public let featureCount: Int
  /// The trees, in the order they were grown.
  public let trees: [DecisionTreeClassifierModel]

  /// The mean of the trees' leaf class frequencies for every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, classes.count]` tensor on
  /// `CPUBackend.shared`.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predictProbabilities(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let data = try hostFloats(x, expectedFeatures: featureCount)
    return probabilityTensor(
      averagedProbabilities(data), rows: data.rows, columns: classes.count)
  }

  /// The most probable class of every row of `x` under the averaged probabilities (the
  /// smallest on ties).
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predict(_ x: Tensor) throws(ClassifierError) -> [Int] {
    let data = try hostFloats(x, expectedFeatures: featureCount)
    return mostProbable(averagedProbabilities(data), classes: classes)
  }

  private func averagedProbabilities(_ x: HostValues<Float>) -> [Double] {
    var probabilities = [Double](repeating: 0, count: x.rows * classes.count)
    // Sum the trees' probabilities, then divide, as scikit-learn accumulates them.
    for tree in trees { tree.accumulateProbabilities(x, into: &probabilities) }
    let scale = 1 / Double(trees.count)
    for i in probabilities.indices { probabilities[i] *= scale }
    return probabilities
  }
}
