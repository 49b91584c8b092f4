// DecisionTreeClassifier: one CART classification tree grown with scikit-learn's best
// splitter; the building block of the random forest.

import Foundation
import Tensor

/// A classification tree with scikit-learn's `DecisionTreeClassifier` semantics (best
/// splitter, depth-first growth; see ``RandomForestClassifier`` for the ensemble).
///
/// Features are converted to float32, as scikit-learn converts them for trees; thresholds are
/// float64 midpoints between consecutive distinct values, and a sample goes left when its
/// feature is ≤ the threshold. Leaves predict the weighted class frequencies of their training
/// samples. With ``Configuration/maxFeatures`` below d the features examined at each node are
/// drawn from ``Configuration/seed``.
public struct DecisionTreeClassifier: Classifier {
  /// The hyperparameters of ``DecisionTreeClassifier`` (also the per-tree settings of
  /// ``RandomForestClassifier``).
  public struct Configuration: Sendable, Codable, Hashable {
    /// The impurity a split minimises.
    public enum Criterion: String, Sendable, Codable, Hashable, CaseIterable {
      /// Gini impurity 1 − Σ_c p_c².
      case gini
      /// Entropy −Σ_c p_c log₂ p_c.
      case entropy
    }

    /// How many features are examined at each split.
    public enum MaxFeatures: Sendable, Codable, Hashable {
      /// All d features.
      case all
      /// max(1, ⌊√d⌋) (scikit-learn's forests: 'sqrt', 'auto' in 0.21).
      case sqrt
      /// max(1, ⌊log₂ d⌋).
      case log2
      /// A fixed count in 1…d.
      case count(Int)
      /// max(1, ⌊fraction·d⌋) for a fraction in (0, 1].
      case fraction(Double)

      /// The number of features for `d` features.
      public func resolved(features d: Int) -> Int {
        switch self {
        case .all: return d
        case .sqrt: return max(1, Int(Double(d).squareRoot()))
        case .log2: return max(1, Int(Foundation.log2(Double(d))))
        case .count(let k): return min(k, d)
        case .fraction(let f): return max(1, Int(f * Double(d)))
        }
      }
    }

    /// The split criterion (`.gini`).
    public var criterion = Criterion.gini
    /// The features examined per split (`.all` for a single tree).
    public var maxFeatures = MaxFeatures.all
    /// The largest depth; `nil` grows until the leaves are pure or too small.
    public var maxDepth: Int? = nil
    /// The fewest samples a node needs to be split (2).
    public var minSamplesSplit = 2
    /// The fewest samples each child must keep (1).
    public var minSamplesLeaf = 1
    /// The seed of the feature draws.
    public var seed: UInt64 = 0

    /// scikit-learn's defaults: gini, all features, unlimited depth, min_samples_split 2.
    public init() {}

    /// Checks every field (RELIABILITY I20).
    ///
    /// - Throws: ``ClassifierError/input(_:)`` with `InputError.invalidValue` naming the first
    ///   invalid field.
    public func validate() throws(ClassifierError) {
      let check = ClassifierError.require
      switch maxFeatures {
      case .count(let k): try check(k >= 1, "maxFeatures", k, "must be ≥ 1")
      case .fraction(let f):
        try check(f > 0 && f <= 1, "maxFeatures", f, "a fraction must be in (0, 1]")
      default: break
      }
      if let maxDepth { try check(maxDepth >= 1, "maxDepth", maxDepth, "must be ≥ 1 or nil") }
      try check(minSamplesSplit >= 2, "minSamplesSplit", minSamplesSplit, "must be ≥ 2")
      try check(minSamplesLeaf >= 1, "minSamplesLeaf", minSamplesLeaf, "must be ≥ 1")
    }

    /// The builder's settings for `features` features.
    func growth(features: Int) -> TreeGrowth {
      TreeGrowth(
        criterion: criterion, maxFeatures: maxFeatures.resolved(features: features),
        maxDepth: maxDepth ?? Int.max,
        minSamplesSplit: max(minSamplesSplit, 2 * minSamplesLeaf), minSamplesLeaf: minSamplesLeaf)
    }
  }

  /// The hyperparameters.
  public var configuration: Configuration

  /// Creates a decision tree with `configuration` (scikit-learn's defaults by default).
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Grows the tree on `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Complexity: O(maxFeatures · n log² n) for a balanced tree.
  /// - Throws: ``ClassifierError`` for an invalid configuration or input.
  public func fit(_ x: Tensor, labels: [Int]) throws(ClassifierError)
    -> DecisionTreeClassifierModel
  {
    try configuration.validate()
    let data = try TreeTrainingData(x, labels: labels)
    var rng = Xoshiro256(seed: configuration.seed)
    let nodes = growTree(
      data, weights: nil, growth: configuration.growth(features: data.features), using: &rng)
    return DecisionTreeClassifierModel(
      classes: data.classes, featureCount: data.features, nodes: nodes)
  }
}

/// A grown ``DecisionTreeClassifier``: parallel node arrays in scikit-learn's `tree_` layout.
public struct DecisionTreeClassifierModel: ProbabilisticClassifierModel, Codable, Hashable {
  /// The distinct training labels, in increasing order.
  public let classes: [Int]
  /// The number of features d.
  public let featureCount: Int
  let nodes: TreeNodes

  /// The number of nodes.
  public var nodeCount: Int { nodes.feature.count }
  /// The depth of the deepest leaf (a single-leaf tree has depth 0).
  public var depth: Int { nodes.depth }
  /// The number of leaves.
  public var leafCount: Int { nodes.left.filter { $0 == -1 }.count }
  /// The split feature of every node, −2 at leaves (scikit-learn's `tree_.feature`).
  public var splitFeatures: [Int] { nodes.feature }
  /// The threshold of every node, −2 at leaves (scikit-learn's `tree_.threshold`).
  public var thresholds: [Double] { nodes.threshold }
  /// The left child of every node, −1 at leaves (scikit-learn's `tree_.children_left`).
  public var leftChildren: [Int] { nodes.left }
  /// The right child of every node, −1 at leaves (scikit-learn's `tree_.children_right`).
  public var rightChildren: [Int] { nodes.right }
  /// The impurity of every node.
  public var impurities: [Double] { nodes.impurity }
  /// The number of training samples in every node.
  public var sampleCounts: [Int] { nodes.sampleCount }

  /// The leaf's class distribution for every row of `x`.
  ///
  /// Shape: `x` is `[m, d]`; the result is a float64 `[m, classes.count]` tensor on
  /// `CPUBackend.shared`.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predictProbabilities(_ x: Tensor) throws(ClassifierError) -> Tensor {
    let data = try hostFloats(x, expectedFeatures: featureCount)
    var probabilities = [Double](repeating: 0, count: data.rows * classes.count)
    accumulateProbabilities(data, into: &probabilities)
    return probabilityTensor(probabilities, rows: data.rows, columns: classes.count)
  }

  /// The most frequent class of the leaf of every row of `x` (the smallest on ties).
  ///
  /// Shape: `x` is `[m, d]`; the result has `m` labels.
  /// - Throws: ``ClassifierError`` for a non-finite or wrongly shaped `x`.
  public func predict(_ x: Tensor) throws(ClassifierError) -> [Int] {
    let data = try hostFloats(x, expectedFeatures: featureCount)
    var probabilities = [Double](repeating: 0, count: data.rows * classes.count)
    accumulateProbabilities(data, into: &probabilities)
    return mostProbable(probabilities, classes: classes)
  }

  /// The leaf reached by `x`.
  func leaf(_ x: UnsafePointer<Float>) -> Int {
    var node = 0
    while nodes.left[node] != -1 {
      node =
        Double(x[nodes.feature[node]]) <= nodes.threshold[node]
        ? nodes.left[node] : nodes.right[node]
    }
    return node
  }

  /// Adds `scale` times each row's leaf distribution into `probabilities` (`[m, K]`).
  func accumulateProbabilities(
    _ x: HostValues<Float>, into probabilities: inout [Double], scale: Double = 1
  ) {
    let k = classes.count
    x.values.withUnsafeBufferPointer { values in
      for i in 0..<x.rows {
        let node = leaf(values.baseAddress! + i * x.columns)
        var total = 0.0
        for c in 0..<k { total += nodes.classWeights[node * k + c] }
        for c in 0..<k {
          probabilities[i * k + c] += scale * nodes.classWeights[node * k + c] / total
        }
      }
    }
  }
}

/// For every row of `[m, K]` probabilities, the class of the largest (the first on ties).
func mostProbable(_ probabilities: [Double], classes: [Int]) -> [Int] {
  let k = classes.count
  return probabilities.withUnsafeBufferPointer { p in
    (0..<(p.count / k)).map { classes[argmax(p.baseAddress! + $0 * k, count: k)] }
  }
}
