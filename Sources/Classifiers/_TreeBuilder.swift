// _TreeBuilder: depth-first growth of one classification tree with scikit-learn's best
// splitter: random feature order, sorted scans, midpoint thresholds, gini or entropy.

import Foundation
import Tensor

/// Training data shared by every tree of a forest: float32 features stored column by column,
/// and the class index of every sample.
struct TreeTrainingData: Sendable {
  /// Feature `f` of sample `i` is `columns[f · samples + i]`.
  let columns: [Float]
  let samples: Int
  let features: Int
  /// Every sample's index into ``classes``.
  let labels: [Int32]
  /// The distinct training labels in increasing order.
  let classes: [Int]
  var classCount: Int { classes.count }

  /// `x` as float32 columns and `labels` encoded, after the checks every tree's `fit` makes.
  init(_ x: Tensor, labels: [Int]) throws(ClassifierError) {
    let x = try hostFloats(x)
    let encoding = try LabelEncoding(labels, samples: x.rows)
    var columns = [Float](repeating: 0, count: x.values.count)
    for i in 0..<x.rows {
      for f in 0..<x.columns { columns[f * x.rows + i] = x.values[i * x.columns + f] }
    }
    self.columns = columns
    samples = x.rows
    features = x.columns
    self.labels = encoding.encoded.map { Int32($0) }
    classes = encoding.classes
  }
}

/// The settings the builder needs, resolved against the data.
struct TreeGrowth: Sendable {
  var criterion: DecisionTreeClassifier.Configuration.Criterion
  /// Features examined per split (at least one non-constant one is always examined).
  var maxFeatures: Int
  var maxDepth: Int
  var minSamplesSplit: Int
  var minSamplesLeaf: Int
}

/// A grown tree as parallel arrays, in scikit-learn's `tree_` layout.
struct TreeNodes: Sendable, Codable, Hashable {
  /// The split feature, −2 at leaves.
  var feature: [Int] = []
  /// The split threshold (go left when x_f ≤ threshold), −2 at leaves.
  var threshold: [Double] = []
  /// The left child, −1 at leaves.
  var left: [Int] = []
  /// The right child, −1 at leaves.
  var right: [Int] = []
  /// The weighted class counts of every node, `[nodes, classes]`.
  var classWeights: [Double] = []
  /// The node impurity.
  var impurity: [Double] = []
  /// The number of distinct training samples in every node.
  var sampleCount: [Int] = []
  /// The largest depth of any node (the root has depth 0).
  var depth = 0
}

/// Grows a tree on the samples of nonzero `weights` (all samples with weight 1 when `nil`).
///
/// This is scikit-learn's `DepthFirstTreeBuilder` with the `BestSplitter`: nodes are created
/// in depth-first order (left subtree first); a node is a leaf when it is at `maxDepth`, has
/// fewer than `minSamplesSplit` (or 2·`minSamplesLeaf`) samples, is pure (impurity ≤ ε), or has
/// no valid split. A split examines features in random order without replacement until
/// `maxFeatures` of them have been drawn, going on past that while only constant ones were
/// drawn; features found constant in a node are skipped in its descendants. Each examined
/// feature's values are sorted and every boundary between distinct values (differing by more
/// than 10⁻⁷ in float32) with at least `minSamplesLeaf` samples per side is scored by the
/// criterion's proxy; the threshold is the midpoint of the two values (the lower one if the
/// midpoint rounds to the upper).
func growTree(
  _ data: TreeTrainingData, weights: [Double]?, growth: TreeGrowth,
  using rng: inout Xoshiro256
) -> TreeNodes {
  TreeBuilder(data: data, weights: weights, growth: growth).grow(using: &rng)
}

private let featureThreshold: Float = 1e-7
private let epsilon = Double.ulpOfOne

private struct SplitRecord {
  var feature = -2
  var position: Int
  var threshold = -2.0
  var impurityLeft = Double.infinity
  var impurityRight = Double.infinity
  var improvement = -Double.infinity
}

/// The state of one tree's growth: buffers allocated once and reused by every node.
private final class TreeBuilder {
  let data: TreeTrainingData
  let growth: TreeGrowth
  let classCount: Int
  /// The weight of every sample (zero for samples left out by the bootstrap).
  let weights: UnsafeMutablePointer<Double>
  let labels: UnsafeMutablePointer<Int32>
  /// The samples with nonzero weight; every node owns a contiguous range of it.
  let samples: UnsafeMutablePointer<Int32>
  let sampleCount: Int
  /// Scratch for the feature values of a node, sorted with their samples.
  let entries: UnsafeMutablePointer<SortEntry>
  /// The feature order the splitter draws from; known-constant features come first.
  var featureOrder: [Int]
  var constantFeatures: [Int]
  /// Class weights of the current node, of the left side of a split, and of its right side.
  let totals: UnsafeMutablePointer<Double>
  let leftTotals: UnsafeMutablePointer<Double>
  let rightTotals: UnsafeMutablePointer<Double>
  let totalWeight: Double

  init(data: TreeTrainingData, weights: [Double]?, growth: TreeGrowth) {
    self.data = data
    self.growth = growth
    classCount = data.classCount
    let weights = weights ?? [Double](repeating: 1, count: data.samples)
    self.weights = .allocate(capacity: data.samples)
    self.weights.initialize(from: weights, count: data.samples)
    labels = .allocate(capacity: data.samples)
    labels.initialize(from: data.labels, count: data.samples)
    let kept = (0..<data.samples).filter { weights[$0] != 0 }.map { Int32($0) }
    sampleCount = kept.count
    samples = .allocate(capacity: max(kept.count, 1))
    samples.initialize(from: kept, count: kept.count)
    entries = .allocate(capacity: max(kept.count, 1))
    featureOrder = Array(0..<data.features)
    constantFeatures = Array(0..<data.features)
    totals = .allocate(capacity: classCount)
    leftTotals = .allocate(capacity: classCount)
    rightTotals = .allocate(capacity: classCount)
    totalWeight = weights.reduce(0, +)
  }

  deinit {
    weights.deallocate()
    labels.deallocate()
    samples.deallocate()
    entries.deallocate()
    totals.deallocate()
    leftTotals.deallocate()
    rightTotals.deallocate()
  }

  func grow(using rng: inout Xoshiro256) -> TreeNodes {
    var nodes = TreeNodes()
    let k = classCount
    // (start, end, depth, parent, isLeft, impurity, known constant features)
    var stack: [(Int, Int, Int, Int, Bool, Double, Int)] = [
      (0, sampleCount, 0, -1, false, .infinity, 0)
    ]
    var first = true
    while let (start, end, depth, parent, isLeft, parentImpurity, constants) = stack.popLast() {
      let count = end - start
      let nodeWeight = accumulate(start, end, into: totals)
      var isLeaf =
        depth >= growth.maxDepth || count < growth.minSamplesSplit
        || count < 2 * growth.minSamplesLeaf
      let impurity = first ? nodeImpurity(totals, nodeWeight) : parentImpurity
      first = false
      isLeaf = isLeaf || impurity <= epsilon
      var split = SplitRecord(position: end)
      var knownConstants = constants
      if !isLeaf {
        split = bestSplit(
          start, end, impurity: impurity, nodeWeight: nodeWeight, constants: &knownConstants,
          using: &rng)
        isLeaf = split.position >= end || split.improvement + epsilon < 0
      }
      let id = nodes.feature.count
      if parent >= 0 {
        if isLeft { nodes.left[parent] = id } else { nodes.right[parent] = id }
      }
      nodes.feature.append(isLeaf ? -2 : split.feature)
      nodes.threshold.append(isLeaf ? -2 : split.threshold)
      nodes.left.append(-1)
      nodes.right.append(-1)
      nodes.impurity.append(impurity)
      nodes.sampleCount.append(count)
      nodes.classWeights.append(contentsOf: UnsafeBufferPointer(start: totals, count: k))
      nodes.depth = max(nodes.depth, depth)
      if !isLeaf {
        stack.append(
          (split.position, end, depth + 1, id, false, split.impurityRight, knownConstants))
        stack.append(
          (start, split.position, depth + 1, id, true, split.impurityLeft, knownConstants))
      }
    }
    return nodes
  }

  /// Sums the class weights of `samples[start..<end]` into `counts`; returns their total.
  func accumulate(_ start: Int, _ end: Int, into counts: UnsafeMutablePointer<Double>) -> Double {
    counts.update(repeating: 0, count: classCount)
    var weight = 0.0
    for p in start..<end {
      let s = Int(samples[p])
      counts[Int(labels[s])] += weights[s]
      weight += weights[s]
    }
    return weight
  }

  func nodeImpurity(_ counts: UnsafeMutablePointer<Double>, _ weight: Double) -> Double {
    switch growth.criterion {
    case .gini:
      var squares = 0.0
      for c in 0..<classCount { squares += counts[c] * counts[c] }
      return 1 - squares / (weight * weight)
    case .entropy:
      var entropy = 0.0
      for c in 0..<classCount where counts[c] > 0 {
        let p = counts[c] / weight
        entropy -= p * log2(p)
      }
      return entropy
    }
  }

  /// The criterion's proxy of the impurity decrease (larger is better): for gini
  /// Σ_c left_c²/W_left + Σ_c right_c²/W_right; for entropy −W_left·H_left − W_right·H_right.
  @inline(__always)
  func proxyImprovement(leftWeight: Double, rightWeight: Double) -> Double {
    switch growth.criterion {
    case .gini:
      var left = 0.0
      var right = 0.0
      for c in 0..<classCount {
        left += leftTotals[c] * leftTotals[c]
        right += rightTotals[c] * rightTotals[c]
      }
      return left / leftWeight + right / rightWeight
    case .entropy:
      return -leftWeight * nodeImpurity(leftTotals, leftWeight)
        - rightWeight * nodeImpurity(rightTotals, rightWeight)
    }
  }

  /// The best split of `samples[start..<end]`, with the samples partitioned by it.
  func bestSplit(
    _ start: Int, _ end: Int, impurity: Double, nodeWeight: Double, constants: inout Int,
    using rng: inout Xoshiro256
  ) -> SplitRecord {
    var best = SplitRecord(position: end)
    var bestProxy = -Double.infinity
    let k = classCount
    let n = data.samples
    let count = end - start
    let node = entries + start
    var remaining = data.features
    var visited = 0
    var foundConstants = 0
    var drawnConstants = 0
    let knownConstants = constants
    var totalConstants = knownConstants
    while remaining > totalConstants
      && (visited < growth.maxFeatures || visited <= foundConstants + drawnConstants)
    {
      visited += 1
      let draws = remaining - foundConstants - drawnConstants
      var j = drawnConstants + Int(rng.next(upperBound: UInt64(draws)))
      if j < knownConstants {
        featureOrder.swapAt(drawnConstants, j)
        drawnConstants += 1
        continue
      }
      j += foundConstants
      let feature = featureOrder[j]
      data.columns.withUnsafeBufferPointer { columns in
        let column = columns.baseAddress! + feature * n
        for p in 0..<count {
          let sample = samples[start + p]
          node[p] = SortEntry(value: column[Int(sample)], sample: sample)
        }
      }
      sortEntries(node, count: count)
      if node[count - 1].value <= node[0].value + featureThreshold {
        featureOrder.swapAt(j, totalConstants)
        foundConstants += 1
        totalConstants += 1
        continue
      }
      remaining -= 1
      featureOrder.swapAt(remaining, j)
      // Scan the boundaries between distinct values, moving samples from right to left.
      leftTotals.update(repeating: 0, count: k)
      var leftWeight = 0.0
      var moved = 0
      var p = 0
      while p < count {
        while p + 1 < count && node[p + 1].value <= node[p].value + featureThreshold { p += 1 }
        let previous = p
        p += 1
        if p >= count { break }
        if p < growth.minSamplesLeaf || count - p < growth.minSamplesLeaf { continue }
        while moved < p {
          let s = Int(node[moved].sample)
          leftTotals[Int(labels[s])] += weights[s]
          leftWeight += weights[s]
          moved += 1
        }
        for c in 0..<k { rightTotals[c] = totals[c] - leftTotals[c] }
        let proxy = proxyImprovement(leftWeight: leftWeight, rightWeight: nodeWeight - leftWeight)
        if proxy > bestProxy {
          bestProxy = proxy
          var threshold = Double(node[previous].value) / 2 + Double(node[p].value) / 2
          if threshold == Double(node[p].value) || threshold.isInfinite {
            threshold = Double(node[previous].value)
          }
          best.feature = feature
          best.position = start + p
          best.threshold = threshold
        }
      }
    }
    if best.position < end {
      // Partition the samples by the chosen split.
      data.columns.withUnsafeBufferPointer { columns in
        let column = columns.baseAddress! + best.feature * n
        var partitionEnd = end
        var p = start
        while p < partitionEnd {
          if Double(column[Int(samples[p])]) <= best.threshold {
            p += 1
          } else {
            partitionEnd -= 1
            (samples[p], samples[partitionEnd]) = (samples[partitionEnd], samples[p])
          }
        }
      }
      let leftWeight = accumulate(start, best.position, into: leftTotals)
      for c in 0..<k { rightTotals[c] = totals[c] - leftTotals[c] }
      let rightWeight = nodeWeight - leftWeight
      best.impurityLeft = nodeImpurity(leftTotals, leftWeight)
      best.impurityRight = nodeImpurity(rightTotals, rightWeight)
      best.improvement =
        (nodeWeight / totalWeight)
        * (impurity - rightWeight / nodeWeight * best.impurityRight
          - leftWeight / nodeWeight * best.impurityLeft)
    }
    // Keep the known constants in their original order for siblings and descendants, then
    // record the newly found ones after them.
    for f in 0..<knownConstants { featureOrder[f] = constantFeatures[f] }
    for f in knownConstants..<(knownConstants + foundConstants) {
      constantFeatures[f] = featureOrder[f]
    }
    constants = totalConstants
    return best
  }
}
