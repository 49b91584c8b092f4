// TSNE+FFTGradient: FIt-SNE's interpolation-based repulsive forces (Linderman et al. 2019).

/// The repulsive term by polynomial interpolation on an equispaced grid and FFT convolution
/// (Linderman, Rachh, Hoskins, Steinerberger and Kluger, *Nature Methods* 16, 2019; the same
/// scheme as FIt-SNE and openTSNE's `fft` method).
///
/// With the kernel `k(y, z) = w(y, z)² = (1 + ‖y − z‖²)⁻²`, both the forces and Z are sums of
/// kernel-weighted "charges": in 2-D, `φ_t(y_i) = Σ_j k(y_i, y_j) c_t(y_j)` for
/// `c = (1, y₁, y₂, ‖y‖²)`, then `Σ_j w_ij² (y_i − y_j) = y_i φ₀ − (φ₁, φ₂)` and
/// `Z = Σ_i [(1 + ‖y_i‖²) φ₀ − 2 y_i·(φ₁, φ₂) + φ₃] − n`. The charges are spread onto
/// `pointsPerInterval` Lagrange nodes per interval of a square grid over the embedding, the
/// grid sums are a discrete convolution done by zero-padded FFTs (``FFTPlan``), and the
/// potentials are interpolated back with the same weights. Two real charge grids are packed
/// into one complex grid, so each iteration costs one kernel transform and two complex
/// convolutions.
struct FFTRepulsion: RepulsionMethod {
  let pointsPerInterval: Int
  let minimumIntervals: Int
  let intervalsPerUnit: Double
  private var plans: [Int: FFTPlan] = [:]

  init(pointsPerInterval: Int, minimumIntervals: Int, intervalsPerUnit: Double) {
    self.pointsPerInterval = pointsPerInterval
    self.minimumIntervals = minimumIntervals
    self.intervalsPerUnit = intervalsPerUnit
  }

  mutating func plan(_ length: Int) -> FFTPlan {
    if let plan = plans[length] { return plan }
    let plan = FFTPlan(length: length)
    plans[length] = plan
    return plan
  }

  mutating func forces(
    _ positions: [Double], count n: Int, dimensions dims: Int, threads: Int
  ) -> RepulsiveForces {
    let grid = InterpolationGrid(
      positions, count: n, dimensions: dims, pointsPerInterval: pointsPerInterval,
      minimumIntervals: minimumIntervals, intervalsPerUnit: intervalsPerUnit)
    let fftPlan = plan(2 * grid.nodes)
    return dims == 1
      ? grid.forces1D(positions, plan: fftPlan, threads: threads)
      : grid.forces2D(positions, plan: fftPlan, threads: threads)
  }
}

/// The interpolation grid of one iteration: a square box over the embedding cut into
/// `intervals` equal intervals per axis, each with `p` equispaced Lagrange nodes at
/// `(k + ½)/p` of the interval.
struct InterpolationGrid {
  let count: Int
  let dimensions: Int
  let p: Int
  let intervals: Int
  /// Grid nodes per axis (`intervals · p`).
  let nodes: Int
  /// The distance between neighbouring nodes.
  let spacing: Double
  /// Per point and axis: the first node index of its interval, and its `p` Lagrange weights.
  var firstNode: [Int32]
  var weights: [Double]

  init(
    _ y: [Double], count n: Int, dimensions dims: Int, pointsPerInterval p: Int,
    minimumIntervals: Int, intervalsPerUnit: Double
  ) {
    let low = y.min() ?? 0
    let high = y.max() ?? 0
    let extent = max(high - low, 1e-12)
    let wanted = max(minimumIntervals, Int(extent * intervalsPerUnit))
    intervals = FFTPlan.smoothLength(atLeast: wanted)
    let width = extent / Double(intervals)
    count = n
    dimensions = dims
    self.p = p
    nodes = intervals * p
    spacing = width / Double(p)
    // Lagrange basis on the nodes s_k = (k + ½)/p of the unit interval.
    let s = (0..<p).map { (Double($0) + 0.5) / Double(p) }
    let denominators = (0..<p).map { k in
      (0..<p).filter { $0 != k }.reduce(1.0) { $0 * (s[k] - s[$1]) }
    }
    firstNode = [Int32](repeating: 0, count: n * dims)
    weights = [Double](repeating: 0, count: n * dims * p)
    let intervals = intervals
    for index in 0..<(n * dims) {
      let scaled = (y[index] - low) / width
      let box = min(max(Int(scaled), 0), intervals - 1)
      let u = scaled - Double(box)
      firstNode[index] = Int32(box * p)
      for k in 0..<p {
        var value = 1.0
        for l in 0..<p where l != k { value *= u - s[l] }
        weights[index * p + k] = value / denominators[k]
      }
    }
  }

  /// `(1 + spacing² · offset²)⁻²` for integer node offsets, the squared Cauchy kernel.
  @inline(__always) func kernel(_ squaredOffset: Double) -> Double {
    let w = 1 / (1 + spacing * spacing * squaredOffset)
    return w * w
  }

  /// Calls `body` with every node of point `i`'s `p × p` stencil on the 2-D grid and its
  /// interpolation weight `w_x · w_y`, read from `weights` (the buffer of ``weights``).
  @inline(__always)
  func forEachStencilNode(
    of i: Int, _ weights: UnsafePointer<Double>, _ body: (_ node: Int, _ weight: Double) -> Void
  ) {
    let (bx, by) = (Int(firstNode[2 * i]), Int(firstNode[2 * i + 1]))
    let (wx, wy) = (weights + 2 * i * p, weights + (2 * i + 1) * p)
    for kx in 0..<p {
      for ky in 0..<p {
        body((bx + kx) * nodes + by + ky, wx[kx] * wy[ky])
      }
    }
  }

  /// The 2-D forces and Z (see ``FFTRepulsion``).
  func forces2D(_ y: [Double], plan: FFTPlan, threads: Int) -> RepulsiveForces {
    let (m, length) = (nodes, 2 * nodes)
    let area = length * length
    var workRe = [Double](repeating: 0, count: area)
    var workIm = [Double](repeating: 0, count: area)
    var scratchRe = [Double](repeating: 0, count: area)
    var scratchIm = [Double](repeating: 0, count: area)
    var spectrum = [Double](repeating: 0, count: area)
    // Charge grids (1, y₁) and (y₂, ‖y‖²) as two complex M × M grids, stored as four real
    // grids one after the other.
    let cells = m * m
    var charges = [Double](repeating: 0, count: 4 * cells)
    charges.withUnsafeMutableBufferPointer { grids in
      weights.withUnsafeBufferPointer { weights in
        let (grids, weights) = (grids.baseAddress!, weights.baseAddress!)
        for i in 0..<count {
          let (y1, y2) = (y[2 * i], y[2 * i + 1])
          let squared = y1 * y1 + y2 * y2
          forEachStencilNode(of: i, weights) { node, w in
            grids[node] += w
            grids[cells + node] += w * y1
            grids[2 * cells + node] += w * y2
            grids[3 * cells + node] += w * squared
          }
        }
      }
    }
    var potentials = [Double](repeating: 0, count: 4 * cells)
    workRe.withUnsafeMutableBufferPointer { wr in
      workIm.withUnsafeMutableBufferPointer { wi in
        scratchRe.withUnsafeMutableBufferPointer { sr in
          scratchIm.withUnsafeMutableBufferPointer { si in
            spectrum.withUnsafeMutableBufferPointer { k in
              let buffers = ConvolutionBuffers(
                re: wr.baseAddress!, im: wi.baseAddress!, scratchRe: sr.baseAddress!,
                scratchIm: si.baseAddress!, spectrum: k.baseAddress!, nodes: m, plan: plan,
                threads: threads)
              buffers.prepareKernel { a, b in kernel(Double(a * a + b * b)) }
              charges.withUnsafeBufferPointer { grids in
                potentials.withUnsafeMutableBufferPointer { out in
                  for pair in 0..<2 {
                    buffers.convolve(
                      grids.baseAddress! + 2 * pair * cells,
                      grids.baseAddress! + (2 * pair + 1) * cells,
                      into: out.baseAddress! + 2 * pair * cells,
                      out.baseAddress! + (2 * pair + 1) * cells)
                  }
                }
              }
            }
          }
        }
      }
    }
    var forces = [Double](repeating: 0, count: 2 * count)
    let z = forces.withUnsafeMutableBufferPointer { out in
      potentials.withUnsafeBufferPointer { phi in
        weights.withUnsafeBufferPointer { weights in
          let (out, phi, weights) = (out, phi.baseAddress!, weights.baseAddress!)
          return deterministicSum(count, chunkSize: 1024, threads: threads) { range in
            var partial = 0.0
            for i in range {
              var (phi0, phi1, phi2, phi3) = (0.0, 0.0, 0.0, 0.0)
              forEachStencilNode(of: i, weights) { node, w in
                phi0 += w * phi[node]
                phi1 += w * phi[cells + node]
                phi2 += w * phi[2 * cells + node]
                phi3 += w * phi[3 * cells + node]
              }
              let (y1, y2) = (y[2 * i], y[2 * i + 1])
              partial += (1 + y1 * y1 + y2 * y2) * phi0 - 2 * (y1 * phi1 + y2 * phi2) + phi3
              out[2 * i] = y1 * phi0 - phi1
              out[2 * i + 1] = y2 * phi0 - phi2
            }
            return partial
          }
        }
      }
    }
    return RepulsiveForces(forces: forces, normalizer: z - Double(count))
  }

  /// The 1-D forces and Z, with charges `(1, y, y²)` as three columns of one transform.
  func forces1D(_ y: [Double], plan: FFTPlan, threads: Int) -> RepulsiveForces {
    let (m, length) = (nodes, 2 * nodes)
    var re = [Double](repeating: 0, count: length * 3)
    var im = [Double](repeating: 0, count: length * 3)
    var scratchRe = re
    var scratchIm = im
    for i in 0..<count {
      let first = Int(firstNode[i])
      for k in 0..<p {
        let w = weights[i * p + k]
        re[(first + k) * 3] += w
        re[(first + k) * 3 + 1] += w * y[i]
        re[(first + k) * 3 + 2] += w * y[i] * y[i]
      }
    }
    var kernelRe = [Double](repeating: 0, count: length)
    var kernelIm = kernelRe
    for a in 0..<length where a != m {
      let offset = a < m ? a : a - length
      kernelRe[a] = kernel(Double(offset * offset))
    }
    plan.transform(
      re: &kernelRe, im: &kernelIm, width: 1, scratchRe: &scratchRe, scratchIm: &scratchIm,
      inverse: false)
    plan.transform(
      re: &re, im: &im, width: 3, scratchRe: &scratchRe, scratchIm: &scratchIm, inverse: false)
    for a in 0..<length {
      for t in 0..<3 {
        re[a * 3 + t] *= kernelRe[a] / Double(length)
        im[a * 3 + t] *= kernelRe[a] / Double(length)
      }
    }
    plan.transform(
      re: &re, im: &im, width: 3, scratchRe: &scratchRe, scratchIm: &scratchIm, inverse: true)
    var forces = [Double](repeating: 0, count: count)
    var z = 0.0
    for i in 0..<count {
      var phi = (0.0, 0.0, 0.0)
      let first = Int(firstNode[i])
      for k in 0..<p {
        let w = weights[i * p + k]
        phi.0 += w * re[(first + k) * 3]
        phi.1 += w * re[(first + k) * 3 + 1]
        phi.2 += w * re[(first + k) * 3 + 2]
      }
      z += (1 + y[i] * y[i]) * phi.0 - 2 * y[i] * phi.1 + phi.2
      forces[i] = y[i] * phi.0 - phi.1
    }
    return RepulsiveForces(forces: forces, normalizer: z - Double(count))
  }
}

/// Work buffers for 2-D circular convolutions of `M × M` grids zero-padded to `2M × 2M`.
///
/// Layout: a forward pass along the first axis, a transpose, and a second pass leave the
/// spectrum transposed (`[k₂][k₁]`); the kernel spectrum is stored the same way, and the
/// inverse runs the steps backwards, so only two transposes are needed per convolution. Rows
/// and columns that are known to be zero, or are not needed, are skipped.
private struct ConvolutionBuffers {
  let re: UnsafeMutablePointer<Double>
  let im: UnsafeMutablePointer<Double>
  let scratchRe: UnsafeMutablePointer<Double>
  let scratchIm: UnsafeMutablePointer<Double>
  /// The kernel's spectrum (real: the kernel is real and even), transposed layout.
  let spectrum: UnsafeMutablePointer<Double>
  let nodes: Int
  let plan: FFTPlan
  let threads: Int

  var length: Int { 2 * nodes }

  /// Fills ``spectrum`` with the 2-D DFT of the circulant kernel `k(a, b)` for offsets
  /// `a, b ∈ (−M, M)` (the unused offset `M` is zero).
  func prepareKernel(_ k: (Int, Int) -> Double) {
    let (m, n) = (nodes, length)
    for a in 0..<n {
      for b in 0..<n {
        let (da, db) = (a < m ? a : a - n, b < m ? b : b - n)
        re[a * n + b] = a == m || b == m ? 0 : k(da, db)
        im[a * n + b] = 0
      }
    }
    forwardPasses(width: n)
    for index in 0..<(n * n) { spectrum[index] = re[index] }
  }

  /// Two forward passes and a transpose over a `[2M][width]` input in `re`/`im`; the transposed
  /// `[2M][2M]` spectrum ends in `re`/`im`.
  private func forwardPasses(width: Int) {
    let n = length
    transform(width: width, inverse: false)
    transpose(rows: n, columns: width)
    (re + width * n).update(repeating: 0, count: (n - width) * n)
    (im + width * n).update(repeating: 0, count: (n - width) * n)
    transform(width: n, inverse: false)
  }

  /// One FFT pass along the first axis of the `[2M][width]` grid in `re`/`im`.
  private func transform(width: Int, inverse: Bool) {
    plan.transform(
      re: re, im: im, width: width, scratchRe: scratchRe, scratchIm: scratchIm, inverse: inverse,
      threads: threads)
  }

  /// Transposes the `rows × columns` grid in `re`/`im` in place, through the scratch buffers.
  private func transpose(rows: Int, columns: Int) {
    transposeMatrix(re, rows: rows, columns: columns, into: scratchRe)
    transposeMatrix(im, rows: rows, columns: columns, into: scratchIm)
    re.update(from: scratchRe, count: rows * columns)
    im.update(from: scratchIm, count: rows * columns)
  }

  /// The convolutions of the kernel with the real grids `a` and `b` (row-major `M × M`),
  /// packed as one complex grid `a + i b`, written to `outA` and `outB`.
  func convolve(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into outA: UnsafeMutablePointer<Double>,
    _ outB: UnsafeMutablePointer<Double>
  ) {
    let (m, n) = (nodes, length)
    for row in 0..<n {
      for column in 0..<m {
        re[row * m + column] = row < m ? a[row * m + column] : 0
        im[row * m + column] = row < m ? b[row * m + column] : 0
      }
    }
    forwardPasses(width: m)
    let scale = 1 / Double(n * n)
    for index in 0..<(n * n) {
      let factor = spectrum[index] * scale
      re[index] *= factor
      im[index] *= factor
    }
    transform(width: n, inverse: true)
    // Keep the first M rows ([c][k₁], c < M), transpose to [k₁][c], and invert along k₁.
    transpose(rows: m, columns: n)
    transform(width: m, inverse: true)
    outA.update(from: re, count: m * m)
    outB.update(from: im, count: m * m)
  }
}
