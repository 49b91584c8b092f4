// _BlockKrylov: the largest eigenpairs of a symmetric operator by a restarted block Krylov
// (block Lanczos) method with full reorthogonalisation and Rayleigh–Ritz extraction.

import Tensor

/// The outcome of ``largestEigenpairs(size:count:multiply:block:steps:tolerance:maxRestarts:seed:)``.
struct Eigenpairs {
  /// Eigenvalues, descending.
  var values: [Double]
  /// Row-major `[size, count]`: column `j` is the unit eigenvector of `values[j]`.
  var vectors: [Double]
  /// Restarts made.
  var restarts: Int
  /// Whether every residual `‖A·v − λ·v‖` met the tolerance.
  var converged: Bool
}

/// The `count` largest eigenpairs of the symmetric operator `multiply` (row-major
/// `[size, width]` blocks in and out).
///
/// Each restart builds an orthonormal basis of the block Krylov space
/// `span{X, AX, …, A^s X}` (block Gram–Schmidt against the whole basis, twice, so orthogonality
/// holds to rounding), projects `A` onto it (`H = Qᵀ·A·Q`, from the products already computed),
/// and takes the Ritz vectors of `H`'s `block` largest eigenvalues as the next `X`. The block
/// being wider than `count` makes the method find repeated and clustered eigenvalues (a graph
/// with several components has eigenvalue 1 once per component), which single-vector Lanczos
/// can miss. Convergence is declared when the `count` leading residuals are at most
/// `tolerance`; the eigenvalues of a normalised adjacency lie in `[−1, 1]`, so this is relative.
///
/// - Complexity: per restart, `steps + 1` products of `A` with `[size, block]` blocks and
///   O(size·(steps·block)²) for the orthogonalisation; O(size·steps·block) memory.
func largestEigenpairs(
  size: Int, count: Int, multiply: ([Double], Int) -> [Double], block: Int, steps: Int,
  tolerance: Double, maxRestarts: Int, seed: UInt64
) -> Eigenpairs {
  let width = Swift.min(block, size)
  var rng = Xoshiro256(seed: seed)
  var x = (0..<(size * width)).map { _ in rng.nextStandardNormal() }
  x = orthonormalized(x, against: [], size: size, width: width, using: &rng)
  var values: [Double] = []
  var restarts = 0
  while true {
    restarts += 1
    var basis = [x]
    var products: [[Double]] = []
    for step in 0...steps {
      products.append(multiply(basis[step], width))
      if step == steps || basis.count * width >= size { break }
      basis.append(
        orthonormalized(products[step], against: basis, size: size, width: width, using: &rng))
    }
    // Rayleigh–Ritz on the basis: H = Qᵀ(AQ), symmetrised against rounding.
    let q = tensor(columnsOf: basis, size: size, width: width)
    let aq = tensor(columnsOf: Array(products.prefix(basis.count)), size: size, width: width)
    let m = basis.count * width
    var h = matmul(q, aq, transposeA: true).doubles
    for r in 0..<m {
      for c in 0..<r {
        let mean = (h[r * m + c] + h[c * m + r]) / 2
        h[r * m + c] = mean
        h[c * m + r] = mean
      }
    }
    let keep = width  // m ≥ width: the basis holds at least X
    let (ritzValues, ritzVectors) = symmetricEigendecomposition(
      Tensor(h, shape: [m, m], on: CPUBackend.shared), indices: (m - keep)...(m - 1))
    // Descending order: reverse the columns LAPACK returns in ascending order.
    let y = Tensor(
      reversedColumns(ritzVectors.doubles, rows: m, columns: keep), shape: [m, keep],
      on: CPUBackend.shared)
    values = ritzValues.doubles.reversed()
    let next = matmul(q, y).doubles  // [size, keep]
    let image = matmul(aq, y).doubles
    var worst = 0.0
    for j in 0..<Swift.min(count, keep) {
      var residual = 0.0
      for i in 0..<size {
        let r = image[i * keep + j] - values[j] * next[i * keep + j]
        residual += r * r
      }
      worst = Swift.max(worst, residual.squareRoot())
    }
    let converged = worst <= tolerance || m >= size
    if converged || restarts >= maxRestarts {
      let vectors = (0..<size).flatMap { i in (0..<count).map { next[i * keep + $0] } }
      return Eigenpairs(
        values: Array(values.prefix(count)), vectors: vectors, restarts: restarts,
        converged: converged)
    }
    // The Ritz vectors are orthonormal already (Q and the eigenvectors of H are).
    x = next
  }
}

/// The columns of `blocks` (each row-major `[size, width]`) side by side, as a `[size, m]`
/// float64 tensor.
private func tensor(columnsOf blocks: [[Double]], size: Int, width: Int) -> Tensor {
  let m = blocks.count * width
  var values = [Double](repeating: 0, count: size * m)
  for (b, block) in blocks.enumerated() {
    for i in 0..<size {
      for c in 0..<width { values[i * m + b * width + c] = block[i * width + c] }
    }
  }
  return Tensor(values, shape: [size, m], on: CPUBackend.shared)
}

private func reversedColumns(_ values: [Double], rows: Int, columns: Int) -> [Double] {
  (0..<rows).flatMap { r in (0..<columns).map { values[r * columns + columns - 1 - $0] } }
}

/// `block` (row-major `[size, width]`) made orthonormal and orthogonal to every block of
/// `basis`: projections removed twice (classical Gram–Schmidt, re-orthogonalised), then
/// modified Gram–Schmidt within the block.
///
/// A column that vanishes (it lay in the span already)
/// is replaced by a fresh random direction, so the basis keeps growing.
private func orthonormalized(
  _ block: [Double], against basis: [[Double]], size: Int, width: Int,
  using rng: inout Xoshiro256
) -> [Double] {
  // Each column's norm before any projection: a column that loses nearly all of it lay in the
  // span already.
  let inputNorms = (0..<width).map { c in
    (0..<size).reduce(0.0) { $0 + block[$1 * width + c] * block[$1 * width + c] }.squareRoot()
  }
  var w = Tensor(block, shape: [size, width], on: CPUBackend.shared)
  /// Removes from `x`'s columns their projections on every block of `basis`.
  func project(_ x: inout Tensor) {
    for previous in basis {
      let p = Tensor(previous, shape: [size, width], on: CPUBackend.shared)
      let coefficients = matmul(p, x, transposeA: true)  // [width, columns of x]
      matmul(p, coefficients, alpha: -1, beta: 1, accumulatingInto: &x)
    }
  }
  project(&w)
  project(&w)
  // Cholesky QR twice (GEMMs only); a block that is numerically rank deficient goes through the
  // slower column-by-column path instead.
  for _ in 0..<2 {
    let gram = matmul(w, w, transposeA: true).doubles
    guard let lower = choleskyFactor(gram, width) else { break }
    let diagonal = (0..<width).map { lower[$0 * width + $0] }
    guard (diagonal.min() ?? 0) > 1e-7 * (diagonal.max() ?? 0) else { break }
    let inverseTransposed = Tensor(
      transposedInverseOfLowerTriangular(lower, width), shape: [width, width],
      on: CPUBackend.shared)
    w = matmul(w, inverseTransposed)
  }
  var values = w.doubles
  let gram = matmul(w, w, transposeA: true).doubles
  let orthonormal = (0..<width).allSatisfy { r in
    (0..<width).allSatisfy { c in abs(gram[r * width + c] - (r == c ? 1 : 0)) < 1e-10 }
  }
  if orthonormal { return values }

  for c in 0..<width {
    var attempts = 0
    var original = inputNorms[c]
    while true {
      for previous in 0..<c {
        for _ in 0..<2 {
          var dot = 0.0
          for i in 0..<size { dot += values[i * width + previous] * values[i * width + c] }
          for i in 0..<size { values[i * width + c] -= dot * values[i * width + previous] }
        }
      }
      let norm = (0..<size).reduce(0.0) { $0 + values[$1 * width + c] * values[$1 * width + c] }
        .squareRoot()
      if (norm > 1e-8 * original && norm > 1e-300) || attempts > 3 {
        for i in 0..<size { values[i * width + c] /= Swift.max(norm, 1e-300) }
        break
      }
      // The column lay in the span: restart it from a random direction orthogonal to the basis.
      attempts += 1
      var fresh = Tensor(
        (0..<size).map { _ in rng.nextStandardNormal() }, shape: [size, 1], on: CPUBackend.shared)
      project(&fresh)
      project(&fresh)
      let freshValues = fresh.doubles
      for i in 0..<size { values[i * width + c] = freshValues[i] }
      original = freshValues.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
    }
  }
  return values
}
