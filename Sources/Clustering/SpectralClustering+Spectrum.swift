// SpectralClustering+Spectrum: the leading eigenvectors of the normalised adjacency and the
// embedding k-means clusters.

import Tensor

/// The leading eigenpairs of `D^{-1/2}·A·D^{-1/2}` with the degree scaling used.
struct Spectrum {
  /// Descending eigenvalues of the normalised adjacency.
  var eigenvalues: [Double]
  /// `[n, k]` row-major unit eigenvectors.
  var vectors: [Double]
  /// `D^{-1/2}`.
  var inverseSquareRootDegrees: [Double]
  var converged: Bool
  var restarts: Int
}

extension SpectralClustering {
  /// The `k` leading eigenvectors of the normalised affinity of `data`.
  func leadingEigenvectors(_ data: Tensor, dense: Bool) -> Spectrum {
    let n = data.shape[0]
    let k = configuration.clusters
    // Isolated points (degree 0) are scaled by 1, as SciPy's normalised Laplacian does.
    func scaling(_ degrees: [Double]) -> [Double] {
      degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 1 }
    }
    switch configuration.affinity {
    case .radialBasis(let gamma):
      var affinity = radialBasisAffinity(data, gamma: gamma)
      let scale = scaling((0..<n).map { i in affinity[(i * n)..<((i + 1) * n)].reduce(0, +) })
      for i in 0..<n {
        for j in 0..<n { affinity[i * n + j] *= scale[i] * scale[j] }
      }
      return denseSpectrum(affinity, n: n, k: k, scale: scale)
    case .nearestNeighbors(let neighbors):
      let graph = nearestNeighborAffinity(data, neighbors: neighbors)
      let scale = scaling(graph.rowSums)
      let normalized = graph.symmetricallyScaled(by: scale)
      if dense { return denseSpectrum(normalized.dense(), n: n, k: k, scale: scale) }
      let pairs = largestEigenpairs(
        size: n, count: k, multiply: { normalized.multiply($0, width: $1) },
        block: k + Swift.max(k, 8), steps: 8, tolerance: configuration.eigenTolerance,
        maxRestarts: 500, seed: configuration.seed)
      return Spectrum(
        eigenvalues: pairs.values, vectors: pairs.vectors, inverseSquareRootDegrees: scale,
        converged: pairs.converged, restarts: pairs.restarts)
    }
  }

  private func denseSpectrum(_ matrix: [Double], n: Int, k: Int, scale: [Double]) -> Spectrum {
    let (values, vectors) = symmetricEigendecomposition(
      Tensor(matrix, shape: [n, n], on: CPUBackend.shared), indices: (n - k)...(n - 1))
    let ascending = vectors.doubles
    // Descending order, as the block Krylov solver returns them.
    let columns = (0..<n).flatMap { i in (0..<k).map { ascending[i * k + (k - 1 - $0)] } }
    return Spectrum(
      eigenvalues: values.doubles.reversed(), vectors: columns, inverseSquareRootDegrees: scale,
      converged: true, restarts: 0)
  }

  /// The points k-means clusters: rows of `U` normalised, or `D^{-1/2}U` with fixed signs.
  func embed(_ spectrum: Spectrum) -> [Double] {
    let k = configuration.clusters
    let n = spectrum.inverseSquareRootDegrees.count
    var points = spectrum.vectors
    switch configuration.embedding {
    case .normalizedRows:
      for i in 0..<n {
        let norm = (0..<k).reduce(0.0) { $0 + points[i * k + $1] * points[i * k + $1] }.squareRoot()
        if norm > 0 { for j in 0..<k { points[i * k + j] /= norm } }
      }
    case .randomWalk:
      for i in 0..<n {
        for j in 0..<k { points[i * k + j] *= spectrum.inverseSquareRootDegrees[i] }
      }
      // scikit-learn's _deterministic_vector_sign_flip: the largest |entry| of each vector > 0.
      for j in 0..<k {
        var largest = 0
        for i in 1..<n where abs(points[i * k + j]) > abs(points[largest * k + j]) { largest = i }
        if points[largest * k + j] < 0 { for i in 0..<n { points[i * k + j] = -points[i * k + j] } }
      }
    }
    return points
  }
}
