// KNNGraph: golden ties, brute-force parity across tilings, offset data, metrics, bad input.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

/// The k nearest neighbours by brute force from float64 direct differences, ties by index.
private func bruteForce(
  _ queries: [Double], _ reference: [Double], dimension d: Int, k: Int, excludeSelf: Bool,
  metric: DistanceMetric = .euclidean
) -> (indices: [Int], distances: [Double]) {
  let (m, n) = (queries.count / d, reference.count / d)
  func correlation(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
    let (ma, mb) = (a.reduce(0, +) / Double(d), b.reduce(0, +) / Double(d))
    var (dot, na, nb) = (0.0, 0.0, 0.0)
    for (x, y) in zip(a, b) {
      dot += (x - ma) * (y - mb)
      na += (x - ma) * (x - ma)
      nb += (y - mb) * (y - mb)
    }
    if na == 0 || nb == 0 { return na == 0 && nb == 0 ? 0 : 1 }
    return max(0, 1 - dot / (na.squareRoot() * nb.squareRoot()))
  }
  var indices: [Int] = []
  var distances: [Double] = []
  queries.withUnsafeBufferPointer { q in
    reference.withUnsafeBufferPointer { r in
      for i in 0..<m {
        let a = q[i * d..<(i + 1) * d]
        var all: [(Double, Int)] = []
        for j in 0..<n where !(excludeSelf && j == i) {
          let value: Double
          if metric == .euclidean {
            var sum = 0.0
            for c in 0..<d { sum += (q[i * d + c] - r[j * d + c]) * (q[i * d + c] - r[j * d + c]) }
            value = sum.squareRoot()
          } else {
            value = correlation(Array(a)[...], Array(r[j * d..<(j + 1) * d])[...])
          }
          all.append((value, j))
        }
        all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (value, j) in all.prefix(k) {
          indices.append(j)
          distances.append(value)
        }
      }
    }
  }
  return (indices, distances)
}

@Suite("KNNGraph")
struct KNNGraphTests {
  @Test(
    "I6: neighbours on data with ties and duplicates match the golden (distance, index) order",
    .tags(.golden))
  func goldenTies() throws {
    let fixture = try loadFixture("tsne_golden.json", in: .module).object("knn_ties")
    let x = fixture.doubles("x")
    let graph = try KNNGraph(exact: Tensor(x, shape: [60, 2]), neighbors: 5, threads: 1)
    #expect(graph.indices == fixture.ints("indices"))
    expectClose(graph.distances, fixture.doubles("distances"), rtol: 0, atol: 0)
    // scikit-learn's brute force finds the same distances (its tie order is not by index).
    expectClose(graph.distances, fixture.doubles("sklearn_distances"), rtol: 1e-12, atol: 1e-12)
  }

  @Test(
    "exact search equals brute force across tile boundaries, with and without self",
    arguments: [false, true])
  func bruteForceParity(includeSelf: Bool) throws {
    var rng = Xoshiro256(seed: 7)
    let (n, d, k) = (157, 9, 6)
    let x = (0..<n * d).map { _ in rng.nextStandardNormal() }
    let graph = try KNNGraph(
      exact: Tensor(x, shape: [n, d]), neighbors: k, includeSelf: includeSelf)
    let expected = bruteForce(x, x, dimension: d, k: includeSelf ? k - 1 : k, excludeSelf: true)
    if includeSelf {
      for i in 0..<n {
        #expect(graph.neighbors(of: i).first == i)
        #expect(
          Array(graph.neighbors(of: i).dropFirst())
            == Array(expected.indices[i * (k - 1)..<(i + 1) * (k - 1)]))
      }
    } else {
      #expect(graph.indices == expected.indices)
      expectClose(graph.distances, expected.distances, rtol: 1e-12, atol: 1e-12)
    }
  }

  @Test(
    "the PCA lower-bound filter gives the exact graph, Euclidean and correlation",
    arguments: [DistanceMetric.euclidean, .correlation])
  func filteredSearch(metric: DistanceMetric) throws {
    // Low intrinsic dimension in 48 coordinates (as images have), plus exact duplicates; 12
    // principal axes and 128 candidates per row leave some rows to the full rescan.
    var rng = Xoshiro256(seed: 21)
    let (n, d, k) = (360, 48, 10)
    let mixing = (0..<6 * d).map { _ in rng.nextStandardNormal() }
    var x = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
      let latent = (0..<6).map { _ in rng.nextStandardNormal() }
      for c in 0..<d {
        x[i * d + c] =
          (0..<6).reduce(0) { $0 + latent[$1] * mixing[$1 * d + c] } + 0.3
          * rng.nextStandardNormal()
      }
    }
    for c in 0..<d { x[5 * d + c] = x[4 * d + c] }
    let matrix = try HostMatrix(validating: Tensor(x, shape: [n, d]), parameter: "x")
    let filtered = exactNeighborGraph(
      matrix, neighbors: k, metric: metric, includeSelf: false, threads: 2, filter: true)
    let expected = bruteForce(x, x, dimension: d, k: k, excludeSelf: true, metric: metric)
    #expect(filtered.indices == expected.indices)
    expectClose(filtered.distances, expected.distances, rtol: 1e-9, atol: 1e-12)
  }

  @Test("the blocked symmetric scan keeps the same candidates for any tile size")
  func tilings() throws {
    var rng = Xoshiro256(seed: 3)
    let (n, d, capacity) = (101, 5, 7)
    let x = (0..<n * d).map { _ in Float(rng.nextStandardNormal()) }
    func candidates(_ tiling: NeighborSearchTiling, symmetric: Bool) -> [[Int32]] {
      x.withUnsafeBufferPointer { p in
        let heaps = blockedCandidateSearch(
          queries: p.baseAddress!, queryCount: n, reference: p.baseAddress!, referenceCount: n,
          dimension: d, capacity: capacity, symmetric: symmetric, threads: 2, tiling: tiling)
        defer { heaps.deallocate() }
        return (0..<n).map { i in heaps.candidates(i).map { Int32($0) }.sorted() }
      }
    }
    let reference = candidates(
      NeighborSearchTiling(rowBlock: 512, columnBlock: 4096), symmetric: true)
    for (rows, columns) in [(1, 1), (7, 13), (32, 5), (100, 100)] {
      #expect(
        candidates(NeighborSearchTiling(rowBlock: rows, columnBlock: columns), symmetric: true)
          == reference)
    }
    // The non-symmetric scan includes each point itself (distance 0) among its candidates.
    let withSelf = candidates(NeighborSearchTiling(rowBlock: 16, columnBlock: 32), symmetric: false)
    for i in 0..<n { #expect(withSelf[i].contains(Int32(i))) }
  }

  @Test("I10: data with a large offset and 0-255 scale gives the neighbours of direct differences")
  func offsetData() throws {
    var rng = Xoshiro256(seed: 11)
    let (n, d, k) = (120, 16, 5)
    // Raw-pixel-like values around 100 with tiny perturbations between near-duplicates.
    var x: [Double] = []
    for i in 0..<n {
      for c in 0..<d {
        let base = Double((i / 4 * 37 + c * 11) % 256)
        x.append(100 + base + 1e-3 * rng.nextStandardNormal())
      }
    }
    let graph = try KNNGraph(exact: Tensor(x.map { Float($0) }, shape: [n, d]), neighbors: k)
    let rounded = x.map { Double(Float($0)) }
    let expected = bruteForce(rounded, rounded, dimension: d, k: k, excludeSelf: true)
    #expect(graph.indices == expected.indices)
    expectClose(graph.distances, expected.distances, rtol: 1e-12, atol: 1e-12)
  }

  @Test("correlation distance equals 1 − Pearson correlation, constant rows included")
  func correlationMetric() throws {
    var rng = Xoshiro256(seed: 5)
    let (n, d, k) = (60, 7, 4)
    var x = (0..<n * d).map { _ in rng.nextStandardNormal() }
    for c in 0..<d { x[2 * d + c] = 3 }  // a constant row
    for c in 0..<d { x[5 * d + c] = 2 * x[4 * d + c] + 1 }  // perfectly correlated with row 4
    let graph = try KNNGraph(exact: Tensor(x, shape: [n, d]), neighbors: k, metric: .correlation)
    let expected = bruteForce(x, x, dimension: d, k: k, excludeSelf: true, metric: .correlation)
    expectClose(graph.distances, expected.distances, rtol: 1e-9, atol: 1e-12)
    #expect(graph.neighbors(of: 4).first == 5)
    #expect(graph.distances(of: 2).allSatisfy { $0 == 1 })
  }

  @Test("queries against a reference set equal brute force")
  func queriesAgainstReference() throws {
    var rng = Xoshiro256(seed: 9)
    let (m, n, d, k) = (33, 70, 4, 5)
    let q = (0..<m * d).map { _ in rng.nextStandardNormal() }
    let r = (0..<n * d).map { _ in rng.nextStandardNormal() }
    let graph = try KNNGraph(
      exact: Tensor(q, shape: [m, d]), in: Tensor(r, shape: [n, d]), neighbors: k)
    let expected = bruteForce(q, r, dimension: d, k: k, excludeSelf: false)
    #expect(graph.indices == expected.indices)
    expectClose(graph.distances, expected.distances, rtol: 1e-12, atol: 1e-12)
  }

  @Test("D12 the graph has the same bits for 1 and 2 threads")
  func threadIndependence() throws {
    var rng = Xoshiro256(seed: 1)
    let x = Tensor((0..<300 * 6).map { _ in Float(rng.nextStandardNormal()) }, shape: [300, 6])
    #expect(
      try KNNGraph(exact: x, neighbors: 8, threads: 1)
        == KNNGraph(exact: x, neighbors: 8, threads: 2))
  }

  @Test("I13: k >= n throws with the sample count")
  func tooManyNeighbors() {
    let x = Tensor([Double](repeating: 0, count: 10), shape: [5, 2])
    #expect(
      throws: ManifoldError.tooFewSamples(
        samples: 5, parameter: "neighbors", value: "5", constraint: "< n_samples")
    ) {
      try KNNGraph(exact: x, neighbors: 5)
    }
    #expect(throws: ManifoldError.self) { try KNNGraph(exact: x, neighbors: 0) }
    #expect((try? KNNGraph(exact: x, neighbors: 5, includeSelf: true)) != nil)
  }

  @Test("I4: a NaN is reported with its row and column")
  func nonFinite() {
    var values = [Double](repeating: 1, count: 12)
    values[7] = .nan
    #expect(throws: ManifoldError.self) {
      try KNNGraph(exact: Tensor(values, shape: [4, 3]), neighbors: 1)
    }
    do {
      _ = try KNNGraph(exact: Tensor(values, shape: [4, 3]), neighbors: 1)
    } catch {
      guard case .input(.nonFinite(_, let row, let column, _)) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(row == 2 && column == 1)
    }
  }

  @Test("I1–I3, I16: empty data, wrong rank and mismatched features throw")
  func badShapes() {
    #expect(throws: ManifoldError.input(.empty(parameter: "data"))) {
      try KNNGraph(exact: Tensor([Double](), shape: [0, 3]), neighbors: 1)
    }
    #expect(
      throws: ManifoldError.input(
        .wrongRank(parameter: "data", shape: [6], expected: "a matrix [samples, features]"))
    ) {
      try KNNGraph(exact: Tensor([Double](repeating: 0, count: 6)), neighbors: 1)
    }
    #expect(
      throws: ManifoldError.input(.featureMismatch(parameter: "queries", features: 2, expected: 3))
    ) {
      try KNNGraph(
        exact: Tensor([Double](repeating: 0, count: 4), shape: [2, 2]),
        in: Tensor([Double](repeating: 0, count: 6), shape: [2, 3]), neighbors: 1)
    }
  }
}
