// BarnesHutTree: a quadtree/octree over the embedding and the Barnes–Hut repulsive forces.

/// A space-partitioning tree (quadtree in 2-D, octree in 3-D) over points stored as
/// `SIMD4<Double>` with the unused lanes zero.
///
/// Cells are halved along every axis until they hold at most `leafCapacity` points (or all
/// their points coincide, or 64 levels are reached). Each node keeps its points' centre of
/// mass, their number, and the squared largest side of its cell; children are stored
/// contiguously, and a leaf's points are a contiguous range of ``order``.
struct BarnesHutTree {
  var centers: [SIMD4<Double>] = []
  var counts: [Double] = []
  var squaredWidths: [Double] = []
  /// The first child's node index, or −1 for a leaf.
  var firstChild: [Int32] = []
  var childCount: [Int32] = []
  /// For a leaf, its points are `order[pointStart[node]..<pointEnd[node]]`.
  var pointStart: [Int32] = []
  var pointEnd: [Int32] = []
  /// The points permuted so that every node's points are contiguous.
  var order: [Int32] = []

  init(points: [SIMD4<Double>], dimensions: Int, leafCapacity: Int = 8) {
    let n = points.count
    order = (0..<Int32(n)).map { $0 }
    var low = SIMD4<Double>(repeating: .infinity)
    var high = SIMD4<Double>(repeating: -.infinity)
    for point in points {
      low = pointwiseMin(low, point)
      high = pointwiseMax(high, point)
    }
    var boxLow: [SIMD4<Double>] = []
    var boxHigh: [SIMD4<Double>] = []
    func addNode(_ start: Int, _ end: Int, _ lo: SIMD4<Double>, _ hi: SIMD4<Double>) {
      var sum = SIMD4<Double>.zero
      for k in start..<end { sum += points[Int(order[k])] }
      centers.append(sum / Double(end - start))
      counts.append(Double(end - start))
      let width = hi - lo
      squaredWidths.append((0..<dimensions).map { width[$0] * width[$0] }.max() ?? 0)
      firstChild.append(-1)
      childCount.append(0)
      pointStart.append(Int32(start))
      pointEnd.append(Int32(end))
      boxLow.append(lo)
      boxHigh.append(hi)
    }
    if n == 0 { return }
    addNode(0, n, low, high)
    var depth: [Int] = [0]
    var scratch = [Int32](repeating: 0, count: n)
    let cellsPerNode = 1 << dimensions
    var node = 0
    while node < centers.count {
      defer { node += 1 }
      let (start, end) = (Int(pointStart[node]), Int(pointEnd[node]))
      let (lo, hi) = (boxLow[node], boxHigh[node])
      if end - start <= leafCapacity || squaredWidths[node] == 0 || depth[node] >= 64 { continue }
      // All points identical (duplicates): keep them in one leaf.
      let first = points[Int(order[start])]
      if (start..<end).allSatisfy({ points[Int(order[$0])] == first }) { continue }
      let middle = (lo + hi) / 2
      var histogram = [Int](repeating: 0, count: cellsPerNode + 1)
      @inline(__always) func code(_ p: SIMD4<Double>) -> Int {
        var value = 0
        for c in 0..<dimensions where p[c] > middle[c] { value |= 1 << c }
        return value
      }
      for k in start..<end { histogram[code(points[Int(order[k])]) + 1] += 1 }
      for c in 0..<cellsPerNode { histogram[c + 1] += histogram[c] }
      var cursor = histogram
      for k in start..<end {
        let index = order[k]
        let cell = code(points[Int(index)])
        scratch[start + cursor[cell]] = index
        cursor[cell] += 1
      }
      for k in start..<end { order[k] = scratch[k] }
      firstChild[node] = Int32(centers.count)
      var children: Int32 = 0
      for cell in 0..<cellsPerNode where histogram[cell + 1] > histogram[cell] {
        var childLow = lo
        var childHigh = hi
        for c in 0..<dimensions {
          if cell & (1 << c) != 0 { childLow[c] = middle[c] } else { childHigh[c] = middle[c] }
        }
        addNode(start + histogram[cell], start + histogram[cell + 1], childLow, childHigh)
        depth.append(depth[node] + 1)
        children += 1
      }
      childCount[node] = children
    }
  }
}

/// Barnes–Hut repulsion (van der Maaten 2014): a cell of squared width `w²` whose centre of
/// mass lies at squared distance `d²` from the point is summarised by its centre of mass when
/// `w² < angle² · d²`, as scikit-learn's `_quad_tree.summarize`; leaves that are not far
/// enough are summed point by point, excluding the point itself.
///
/// Points are visited in tree order so that consecutive traversals touch the same nodes.
/// Each point's force depends only on the tree, and Z is summed over fixed chunks in order,
/// so the result does not depend on the thread count.
struct BarnesHutRepulsion: RepulsionMethod {
  let angle: Double

  mutating func forces(
    _ positions: [Double], count n: Int, dimensions dims: Int, threads: Int
  ) -> RepulsiveForces {
    var points = [SIMD4<Double>](repeating: .zero, count: n)
    for i in 0..<n {
      for c in 0..<dims { points[i][c] = positions[i * dims + c] }
    }
    let tree = BarnesHutTree(points: points, dimensions: dims)
    var forces = [Double](repeating: 0, count: n * dims)
    let theta2 = angle * angle
    let z = tree.centers.withUnsafeBufferPointer { centers in
      tree.counts.withUnsafeBufferPointer { counts in
        tree.squaredWidths.withUnsafeBufferPointer { widths in
          tree.firstChild.withUnsafeBufferPointer { firstChild in
            tree.childCount.withUnsafeBufferPointer { childCount in
              tree.pointStart.withUnsafeBufferPointer { pointStart in
                tree.pointEnd.withUnsafeBufferPointer { pointEnd in
                  tree.order.withUnsafeBufferPointer { order in
                    points.withUnsafeBufferPointer { points in
                      forces.withUnsafeMutableBufferPointer { out in
                        let out = out
                        return deterministicSum(n, chunkSize: 128, threads: threads) { range in
                          var stack = [Int32](repeating: 0, count: 64 * 8 + 8)
                          var partialZ = 0.0
                          for position in range {
                            let i = Int(order[position])
                            let p = points[i]
                            var force = SIMD4<Double>.zero
                            var z = 0.0
                            var top = 1
                            stack[0] = 0
                            while top > 0 {
                              top -= 1
                              let node = Int(stack[top])
                              let delta = p - centers[node]
                              let d2 = (delta * delta).sum()
                              let child = Int(firstChild[node])
                              if widths[node] < theta2 * d2 {
                                let w = 1 / (1 + d2)
                                let count = counts[node]
                                z += count * w
                                force += (count * w * w) * delta
                              } else if child < 0 {
                                for k in Int(pointStart[node])..<Int(pointEnd[node]) {
                                  let j = Int(order[k])
                                  if j == i { continue }
                                  let dj = p - points[j]
                                  let w = 1 / (1 + (dj * dj).sum())
                                  z += w
                                  force += (w * w) * dj
                                }
                              } else {
                                for c in 0..<Int(childCount[node]) {
                                  if top == stack.count { stack.append(0) }
                                  stack[top] = Int32(child + c)
                                  top += 1
                                }
                              }
                            }
                            for c in 0..<dims { out[i * dims + c] = force[c] }
                            partialZ += z
                          }
                          return partialZ
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return RepulsiveForces(forces: forces, normalizer: z)
  }
}
