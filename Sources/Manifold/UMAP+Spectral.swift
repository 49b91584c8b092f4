// UMAP+Spectral: connected components and the spectral initialisation (Laplacian eigenvectors).

import Foundation
import Tensor

extension UMAP {
  /// The number of connected components of a symmetric graph (union–find).
  static func connectedComponents(_ graph: SparseMatrix) -> Int {
    var parent = Array(0..<graph.rowCount)
    func root(_ i: Int) -> Int {
      var i = i
      while parent[i] != i {
        parent[i] = parent[parent[i]]
        i = parent[i]
      }
      return i
    }
    for row in 0..<graph.rowCount {
      for k in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] {
        let (a, b) = (root(row), root(Int(graph.columnIndices[k])))
        if a != b { parent[max(a, b)] = min(a, b) }
      }
    }
    return (0..<graph.rowCount).filter { root($0) == $0 }.count
  }

  /// The eigenvectors of the symmetric normalised Laplacian `L = I − D^{-1/2} W D^{-1/2}` for
  /// its `components` smallest eigenvalues after the trivial one, row-major `[n, components]`
  /// (umap-learn's `spectral_layout`); `nil` when the graph is disconnected or the solver
  /// fails.
  ///
  /// Small graphs (n ≤ 2000) are diagonalised densely with LAPACK. Larger ones use Lanczos
  /// iterations with full reorthogonalisation on `D^{-1/2} W D^{-1/2}` (whose largest
  /// eigenvalues are `1 − λ(L)`), deflated by the known top eigenvector `D^{1/2} 1`, with
  /// `max(2k + 1, √n)`-dimensional Krylov spaces as umap-learn's ARPACK call, stopped early
  /// once the residuals fall below 10⁻⁴ (checked every 16 steps: the full reorthogonalisation
  /// costs O(steps² · n), so on MNIST 70k this is several times cheaper than the full space),
  /// and restarted from the current Ritz vectors if they have not (at most 8 times; the last
  /// Ritz vectors are used either way, as an initialisation needs no more).
  static func spectralLayout(_ graph: SparseMatrix, components: Int, seed: UInt64) -> [Double]? {
    let n = graph.rowCount
    guard n > components + 1, connectedComponents(graph) == 1 else { return nil }
    var degree = [Double](repeating: 0, count: n)
    for row in 0..<n {
      for k in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] { degree[row] += graph.values[k] }
    }
    guard degree.allSatisfy({ $0 > 0 }) else { return nil }
    let inverseRoot = degree.map { 1 / $0.squareRoot() }
    if n <= 2000 {
      var m = [Double](repeating: 0, count: n * n)
      for row in 0..<n {
        for k in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] {
          let column = Int(graph.columnIndices[k])
          m[row * n + column] -= inverseRoot[row] * graph.values[k] * inverseRoot[column]
        }
        m[row * n + row] += 1
      }
      guard
        let (_, vectors) = try? symmetricEigendecomposition(
          m, order: n, driver: .divideAndConquer)
      else { return nil }
      var layout = [Double](repeating: 0, count: n * components)
      for i in 0..<n {
        for c in 0..<components { layout[i * components + c] = vectors[i * n + c + 1] }
      }
      return layout
    }
    return lanczosLayout(
      graph, inverseRoot: inverseRoot, degree: degree, components: components, seed: seed)
  }

  /// The Lanczos solver on any connected graph, whatever its size (tests compare it with the
  /// dense solver on small graphs).
  static func lanczosLayoutForTesting(_ graph: SparseMatrix, components: Int) -> [Double]? {
    var degree = [Double](repeating: 0, count: graph.rowCount)
    for row in 0..<graph.rowCount {
      for k in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] { degree[row] += graph.values[k] }
    }
    return lanczosLayout(
      graph, inverseRoot: degree.map { 1 / $0.squareRoot() }, degree: degree,
      components: components, seed: 0)
  }

  private static func lanczosLayout(
    _ graph: SparseMatrix, inverseRoot: [Double], degree: [Double], components k: Int, seed: UInt64
  ) -> [Double]? {
    let n = graph.rowCount
    let steps = min(n - 1, max(2 * (k + 1) + 1, Int(Double(n).squareRoot())))
    // The known top eigenvector of D^{-1/2} W D^{-1/2}.
    let rootDegree = degree.map { $0.squareRoot() }
    let topNorm = rootDegree.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let top = rootDegree.map { $0 / topNorm }
    func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
      for row in 0..<n {
        var sum = 0.0
        for e in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] {
          let column = Int(graph.columnIndices[e])
          sum += graph.values[e] * inverseRoot[column] * x[column]
        }
        y[row] = inverseRoot[row] * sum
      }
      // Deflate the top eigenvector.
      var projection = 0.0
      for i in 0..<n { projection += top[i] * y[i] }
      for i in 0..<n { y[i] -= projection * top[i] }
    }
    var rng = Xoshiro256(seed: seed)
    var start = (0..<n).map { _ in rng.nextStandardNormal() }
    var basis = [Double](repeating: 0, count: (steps + 1) * n)
    var result: [Double]?
    for _ in 0..<8 {
      // Orthogonalise the start against the top eigenvector and normalise.
      let overlap = zip(start, top).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<n { start[i] -= overlap * top[i] }
      let norm = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { return nil }
      var alphas: [Double] = []
      var betas: [Double] = []
      let used = basis.withUnsafeMutableBufferPointer { q -> Int in
        let q = q.baseAddress!
        for i in 0..<n { q[i] = start[i] / norm }
        var w = [Double](repeating: 0, count: n)
        var coefficients = [Double](repeating: 0, count: steps + 1)
        for j in 0..<steps {
          multiply(q + j * n, into: &w)
          // Full reorthogonalisation against q_0…q_j, twice (classical Gram–Schmidt, BLAS).
          for pass in 0..<2 {
            hostGEMV(m: j + 1, n: n, q, lda: n, w, &coefficients)
            hostGEMV(
              transpose: true, m: j + 1, n: n, alpha: -1, q, lda: n, coefficients, beta: 1, &w)
            if pass == 0 { alphas.append(coefficients[j]) } else { alphas[j] += coefficients[j] }
          }
          let beta = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
          betas.append(beta)
          if beta < 1e-10 || j == steps - 1 { return j + 1 }
          // Stop as soon as the wanted Ritz pairs have converged (checked every 16 steps).
          if j + 1 >= 2 * (k + 1), (j + 1) % 16 == 0,
            ritzPairs(alphas, betas, used: j + 1, wanted: k)?.converged == true
          {
            return j + 1
          }
          for i in 0..<n { q[(j + 1) * n + i] = w[i] / beta }
        }
        return steps
      }
      guard used >= k,
        let (vectors, wanted, converged) = ritzPairs(alphas, betas, used: used, wanted: k)
      else { return nil }
      var layout = [Double](repeating: 0, count: n * k)
      for (c, column) in wanted.enumerated() {
        for j in 0..<used {
          let s = vectors[j * used + column]
          if s == 0 { continue }
          for i in 0..<n { layout[i * k + c] += s * basis[j * n + i] }
        }
      }
      result = layout
      if converged { break }
      // Restart from the sum of the wanted Ritz vectors.
      for i in 0..<n {
        var sum = 0.0
        for c in 0..<k { sum += layout[i * k + c] }
        start[i] = sum
      }
    }
    return result
  }

  /// The eigenvectors of the Lanczos tridiagonal matrix (`alphas` on the diagonal, the first
  /// `used − 1` of `betas` beside it; row-major, ascending eigenvalues), the columns of the
  /// `wanted` largest Ritz values (largest first), and whether their residual estimates
  /// `|β_last · s_last|` are all below 10⁻⁴; `nil` when LAPACK fails.
  private static func ritzPairs(_ alphas: [Double], _ betas: [Double], used: Int, wanted k: Int)
    -> (vectors: [Double], columns: [Int], converged: Bool)?
  {
    guard
      let (_, vectors) = try? tridiagonalEigendecomposition(
        diagonal: Array(alphas.prefix(used)), offDiagonal: Array(betas.prefix(used - 1))),
      used >= k
    else { return nil }
    let columns = (0..<k).map { used - 1 - $0 }
    let lastBeta = betas[used - 1]
    let converged = columns.allSatisfy { abs(lastBeta * vectors[(used - 1) * used + $0]) < 1e-4 }
    return (vectors, columns, converged)
  }
}
