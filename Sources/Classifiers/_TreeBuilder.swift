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
  let labels: [Int32]
  let classCount: Int

  init(_ x: HostMatrix<Float>, labels: [Int], classCount: Int) {
    var columns = [Float](repeating: 0, count: x.values.count)
    for i in 0..<x.rows {
      for f in 0..<x.columns { columns[f * x.rows + i] = x.values[i * x.columns + f] }
    }
    self.columns = columns
    samples = x.rows
    features = x.columns
    self.labels = labels.map { Int32($0) }
    self.classCount = classCount
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
  var builder = TreeBuilder(data: data, weights: weights, growth: growth)
  return builder.grow(using: &rng)
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

private struct TreeBuilder {
  let data: TreeTrainingData
  let growth: TreeGrowth
  /// The weight of every sample (zero for samples left out by the bootstrap).
  let weights: [Double]
  /// The samples with nonzero weight; every node owns a contiguous range of it.
  var samples: [Int32]
  var values: [Float]
  /// The feature order the splitter draws from; known-constant features come first.
  var featureOrder: [Int]
  var constantFeatures: [Int]
  var totals: [Double]
  var leftTotals: [Double]
  let totalWeight: Double

  init(data: TreeTrainingData, weights: [Double]?, growth: TreeGrowth) {
    self.data = data
    self.growth = growth
    let weights = weights ?? [Double](repeating: 1, count: data.samples)
    self.weights = weights
    samples = (0..<data.samples).filter { weights[$0] != 0 }.map { Int32($0) }
    values = [Float](repeating: 0, count: samples.count)
    featureOrder = Array(0..<data.features)
    constantFeatures = Array(0..<data.features)
    totals = [Double](repeating: 0, count: data.classCount)
    leftTotals = totals
    totalWeight = weights.reduce(0, +)
  }

  mutating func grow(using rng: inout Xoshiro256) -> TreeNodes {
    var nodes = TreeNodes()
    let k = data.classCount
    // (start, end, depth, parent, isLeft, impurity, known constant features)
    var stack: [(Int, Int, Int, Int, Bool, Double, Int)] = [(0, samples.count, 0, -1, false, .infinity, 0)]
    var first = true
    while let (start, end, depth, parent, isLeft, parentImpurity, constants) = stack.popLast() {
      let count = end - start
      let nodeWeight = accumulateTotals(start, end)
      var isLeaf =
        depth >= growth.maxDepth || count < growth.minSamplesSplit
        || count < 2 * growth.minSamplesLeaf
      let impurity = first ? nodeImpurity(totals, nodeWeight) : parentImpurity
      first = false
      isLeaf = isLeaf || impurity <= epsilon
      var split = SplitRecord(position: end)
      var knownConstants = constants
      if !isLeaf {
        split = bestSplit(start, end, impurity: impurity, nodeWeight: nodeWeight,
          constants: &knownConstants, using: &rng)
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
      nodes.classWeights += totals[0..<k]
      nodes.depth = max(nodes.depth, depth)
      if !isLeaf {
        stack.append((split.position, end, depth + 1, id, false, split.impurityRight, knownConstants))
        stack.append((start, split.position, depth + 1, id, true, split.impurityLeft, knownConstants))
      }
    }
    return nodes
  }

  /// Sums the class weights of `samples[start..<end]` into `totals`; returns the node weight.
  mutating func accumulateTotals(_ start: Int, _ end: Int) -> Double {
    for c in totals.indices { totals[c] = 0 }
    var weight = 0.0
    for p in start..<end {
      let s = Int(samples[p])
      totals[Int(data.labels[s])] += weights[s]
      weight += weights[s]
    }
    return weight
  }

  func nodeImpurity(_ counts: [Double], _ weight: Double) -> Double {
    switch growth.criterion {
    case .gini:
      var squares = 0.0
      for c in counts { squares += c * c }
      return 1 - squares / (weight * weight)
    case .entropy:
      var entropy = 0.0
      for c in counts where c > 0 {
        let p = c / weight
        entropy -= p * log2(p)
      }
      return entropy
    }
  }

  /// The best split of `samples[start..<end]`, with the samples partitioned by it.
  mutating func bestSplit(
    _ start: Int, _ end: Int, impurity: Double, nodeWeight: Double, constants: inout Int,
    using rng: inout Xoshiro256
  ) -> SplitRecord {
    var best = SplitRecord(position: end)
    var bestProxy = -Double.infinity
    let k = data.classCount
    let n = data.samples
    var remaining = data.features
    var visited = 0
    var foundConstants = 0
    var drawnConstants = 0
    let knownConstants = constants
    var totalConstants = knownConstants
    var rightTotals = [Double](repeating: 0, count: k)
    while remaining > totalConstants
      && (visited < growth.maxFeatures || visited <= foundConstants + drawnConstants)
    {
      visited += 1
      var j = drawnConstants + Int(rng.next(upperBound: UInt64(remaining - foundConstants - drawnConstants)))
      if j < knownConstants {
        featureOrder.swapAt(drawnConstants, j)
        drawnConstants += 1
        continue
      }
      j += foundConstants
      let feature = featureOrder[j]
      samples.withUnsafeMutableBufferPointer { samples in
        values.withUnsafeMutableBufferPointer { values in
          data.columns.withUnsafeBufferPointer { columns in
            let column = columns.baseAddress! + feature * n
            for p in start..<end { values[p] = column[Int(samples[p])] }
          }
          sortTogether(values.baseAddress! + start, samples.baseAddress! + start, count: end - start)
        }
      }
      if values[end - 1] <= values[start] + featureThreshold {
        featureOrder.swapAt(j, totalConstants)
        foundConstants += 1
        totalConstants += 1
        continue
      }
      remaining -= 1
      featureOrder.swapAt(remaining, j)
      // Scan the boundaries between distinct values, moving samples from right to left.
      for c in 0..<k { leftTotals[c] = 0 }
      var leftWeight = 0.0
      var position = start
      var p = start
      while p < end {
        while p + 1 < end && values[p + 1] <= values[p] + featureThreshold { p += 1 }
        let previous = p
        p += 1
        if p >= end { break }
        if p - start < growth.minSamplesLeaf || end - p < growth.minSamplesLeaf { continue }
        while position < p {
          let s = Int(samples[position])
          leftTotals[Int(data.labels[s])] += weights[s]
          leftWeight += weights[s]
          position += 1
        }
        for c in 0..<k { rightTotals[c] = totals[c] - leftTotals[c] }
        let proxy = proxyImprovement(leftWeight: leftWeight, rightWeight: nodeWeight - leftWeight, rightTotals)
        if proxy > bestProxy {
          bestProxy = proxy
          var threshold = Double(values[previous]) / 2 + Double(values[p]) / 2
          if threshold == Double(values[p]) || threshold.isInfinite {
            threshold = Double(values[previous])
          }
          best.feature = feature
          best.position = p
          best.threshold = threshold
        }
      }
    }
    if best.position < end {
      // Partition the samples by the chosen split; they were last sorted by another feature.
      let column = best.feature * n
      var partitionEnd = end
      var p = start
      while p < partitionEnd {
        if Double(data.columns[column + Int(samples[p])]) <= best.threshold {
          p += 1
        } else {
          partitionEnd -= 1
          samples.swapAt(p, partitionEnd)
        }
      }
      for c in 0..<k { leftTotals[c] = 0 }
      var leftWeight = 0.0
      for q in start..<best.position {
        let s = Int(samples[q])
        leftTotals[Int(data.labels[s])] += weights[s]
        leftWeight += weights[s]
      }
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

  /// The criterion's proxy of the impurity decrease (larger is better): for gini
  /// Σ_c left_c²/W_left + Σ_c right_c²/W_right; for entropy −W_left·H_left − W_right·H_right.
  func proxyImprovement(leftWeight: Double, rightWeight: Double, _ rightTotals: [Double])
    -> Double
  {
    switch growth.criterion {
    case .gini:
      var left = 0.0
      var right = 0.0
      for c in 0..<data.classCount {
        left += leftTotals[c] * leftTotals[c]
        right += rightTotals[c] * rightTotals[c]
      }
      return left / leftWeight + right / rightWeight
    case .entropy:
      return -leftWeight * nodeImpurity(leftTotals, leftWeight)
        - rightWeight * nodeImpurity(rightTotals, rightWeight)
    }
  }
}
