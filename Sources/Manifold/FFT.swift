// FFT: a mixed-radix Stockham FFT along the first axis of split-complex arrays, and 2-D helpers.

import Foundation
import Tensor

/// A fast Fourier transform of one length, applied along the first axis of a row-major
/// `[length, width]` array of split complex values (separate real and imaginary arrays).
///
/// The algorithm is Stockham's autosort FFT (Van Loan, *Computational Frameworks for the Fast
/// Fourier Transform*, §1.7) with radices 4, 2, 3 and 5 and a direct DFT for any other prime
/// factor. Because one butterfly combines whole rows, and in every stage the `stride · width`
/// elements a butterfly touches are contiguous, each inner loop is a long unit-stride loop
/// that the compiler vectorises, at every stage and for any width.
///
/// It is written here rather than linked from FFTW so that the package needs no extra system
/// library (CI installs only OpenBLAS, LAPACKE and zlib); t-SNE's FFT sizes are 2-3-5-smooth
/// by construction (``smoothLength(atLeast:)``), where these radices are efficient.
///
/// Convention: the forward transform is `X_k = Σ_j x_j e^{−2πi jk/n}`; the inverse uses
/// `e^{+2πi jk/n}` and is not scaled (divide by `n` yourself).
struct FFTPlan: Sendable {
  struct Stage: Sendable {
    let radix: Int
    /// The sub-transform length after this stage (`n / radix` of the stage's input length).
    let m: Int
    /// The product of the previous stages' radices.
    let stride: Int
    /// Forward twiddles `e^{−2πi p u / (m·radix)}` at `[p · radix + u]`.
    let twiddleRe: [Double]
    let twiddleIm: [Double]
  }

  let length: Int
  let stages: [Stage]

  init(length: Int) {
    precondition(length >= 1, "FFTPlan: length must be positive, got \(length)")
    self.length = length
    var radices: [Int] = []
    var rest = length
    for radix in [4, 2, 3, 5] {
      while rest % radix == 0 {
        radices.append(radix)
        rest /= radix
      }
    }
    var factor = 7
    while rest > 1 {
      while rest % factor == 0 {
        radices.append(factor)
        rest /= factor
      }
      factor += 2
    }
    var stages: [Stage] = []
    var current = length
    var stride = 1
    for radix in radices {
      let m = current / radix
      var re = [Double](repeating: 1, count: m * radix)
      var im = [Double](repeating: 0, count: m * radix)
      for p in 0..<m {
        for u in 0..<radix {
          let angle = -2 * Double.pi * Double(p * u) / Double(current)
          re[p * radix + u] = cos(angle)
          im[p * radix + u] = sin(angle)
        }
      }
      stages.append(Stage(radix: radix, m: m, stride: stride, twiddleRe: re, twiddleIm: im))
      current = m
      stride *= radix
    }
    self.stages = stages
  }

  /// The smallest `m ≥ n` whose only prime factors are 2, 3 and 5.
  static func smoothLength(atLeast n: Int) -> Int {
    var candidate = max(1, n)
    while true {
      var rest = candidate
      for prime in [2, 3, 5] { while rest % prime == 0 { rest /= prime } }
      if rest == 1 { return candidate }
      candidate += 1
    }
  }

  /// Transforms every column of the `[length, width]` arrays in place.
  ///
  /// `scratchRe`/`scratchIm` must hold `length · width` elements; the ping-pong between the
  /// data and the scratch ends with a copy back when the stage count is odd. Each stage's
  /// butterflies are split into chunks run on up to `threads` threads; they write disjoint
  /// elements, so the result does not depend on `threads`.
  func transform(
    re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, width: Int,
    scratchRe: UnsafeMutablePointer<Double>, scratchIm: UnsafeMutablePointer<Double>,
    inverse: Bool, threads: Int = 1
  ) {
    var (xr, xi, yr, yi) = (re, im, scratchRe, scratchIm)
    for stage in stages {
      let block = stage.stride * width
      // Split the work into at least 4 chunks per thread when it is large enough.
      let wanted = threads > 1 && stage.m * block >= 16_384 ? threads * 4 : 1
      let piecesPerP = max(1, min(block / 1024, (wanted + stage.m - 1) / stage.m))
      let pieceLength = (block + piecesPerP - 1) / piecesPerP
      let (sxr, sxi, syr, syi) = (xr, xi, yr, yi)
      concurrentForEach(stage.m * piecesPerP, threads: wanted > 1 ? threads : 1) { chunk in
        let p = chunk / piecesPerP
        let start = (chunk % piecesPerP) * pieceLength
        let end = min(block, start + pieceLength)
        if start < end {
          apply(
            stage, p: p, elements: start..<end, sxr, sxi, syr, syi, width: width, inverse: inverse)
        }
      }
      swap(&xr, &yr)
      swap(&xi, &yi)
    }
    if xr != re {
      re.update(from: xr, count: length * width)
      im.update(from: xi, count: length * width)
    }
  }

  /// One butterfly group `p` of one stage, restricted to the elements `elements` of each
  /// contiguous `stride · width` block.
  private func apply(
    _ stage: Stage, p: Int, elements: Range<Int>, _ xr: UnsafeMutablePointer<Double>,
    _ xi: UnsafeMutablePointer<Double>, _ yr: UnsafeMutablePointer<Double>,
    _ yi: UnsafeMutablePointer<Double>, width: Int, inverse: Bool
  ) {
    let (r, m, s) = (stage.radix, stage.m, stage.stride)
    let count = elements.count
    let first = elements.lowerBound
    let sign: Double = inverse ? 1 : -1
    // Inputs a_t = x[s(p + t m)], outputs y[s(r p + u)]: contiguous blocks of s rows.
    let input = { (t: Int) in (s * (p + t * m)) * width + first }
    let output = { (u: Int) in (s * (r * p + u)) * width + first }
    switch r {
    case 2: radix2(xr, xi, yr, yi, input, output, count)
    case 4: radix4(xr, xi, yr, yi, input, output, count, sign)
    case 3: radix3(xr, xi, yr, yi, input, output, count, sign)
    case 5: radix5(xr, xi, yr, yi, input, output, count, sign)
    default: genericRadix(r, xr, xi, yr, yi, input, output, count, sign)
    }
    if p == 0 { return }
    for u in 1..<r {
      let wr = stage.twiddleRe[p * r + u]
      let wi = sign * -stage.twiddleIm[p * r + u]
      let (outR, outI) = (yr + output(u), yi + output(u))
      for e in 0..<count {
        let (br, bi) = (outR[e], outI[e])
        outR[e] = br * wr - bi * wi
        outI[e] = br * wi + bi * wr
      }
    }
  }
}

private typealias Offset = (Int) -> Int

@inline(__always)
private func radix2(
  _ xr: UnsafeMutablePointer<Double>, _ xi: UnsafeMutablePointer<Double>,
  _ yr: UnsafeMutablePointer<Double>, _ yi: UnsafeMutablePointer<Double>,
  _ input: Offset, _ output: Offset, _ block: Int
) {
  let (a0r, a0i, a1r, a1i) = (xr + input(0), xi + input(0), xr + input(1), xi + input(1))
  let (b0r, b0i, b1r, b1i) = (yr + output(0), yi + output(0), yr + output(1), yi + output(1))
  for e in 0..<block {
    let (ar, ai, br, bi) = (a0r[e], a0i[e], a1r[e], a1i[e])
    b0r[e] = ar + br
    b0i[e] = ai + bi
    b1r[e] = ar - br
    b1i[e] = ai - bi
  }
}

@inline(__always)
private func radix4(
  _ xr: UnsafeMutablePointer<Double>, _ xi: UnsafeMutablePointer<Double>,
  _ yr: UnsafeMutablePointer<Double>, _ yi: UnsafeMutablePointer<Double>,
  _ input: Offset, _ output: Offset, _ block: Int, _ sign: Double
) {
  let a = (0..<4).map { (xr + input($0), xi + input($0)) }
  let b = (0..<4).map { (yr + output($0), yi + output($0)) }
  let (a0r, a0i, a1r, a1i) = (a[0].0, a[0].1, a[1].0, a[1].1)
  let (a2r, a2i, a3r, a3i) = (a[2].0, a[2].1, a[3].0, a[3].1)
  let (b0r, b0i, b1r, b1i) = (b[0].0, b[0].1, b[1].0, b[1].1)
  let (b2r, b2i, b3r, b3i) = (b[2].0, b[2].1, b[3].0, b[3].1)
  for e in 0..<block {
    let (t0r, t0i) = (a0r[e] + a2r[e], a0i[e] + a2i[e])
    let (t1r, t1i) = (a0r[e] - a2r[e], a0i[e] - a2i[e])
    let (t2r, t2i) = (a1r[e] + a3r[e], a1i[e] + a3i[e])
    // (sign · i) · (a1 − a3): forward uses −i.
    let (t3r, t3i) = (-sign * (a1i[e] - a3i[e]), sign * (a1r[e] - a3r[e]))
    b0r[e] = t0r + t2r
    b0i[e] = t0i + t2i
    b2r[e] = t0r - t2r
    b2i[e] = t0i - t2i
    b1r[e] = t1r + t3r
    b1i[e] = t1i + t3i
    b3r[e] = t1r - t3r
    b3i[e] = t1i - t3i
  }
}

@inline(__always)
private func radix3(
  _ xr: UnsafeMutablePointer<Double>, _ xi: UnsafeMutablePointer<Double>,
  _ yr: UnsafeMutablePointer<Double>, _ yi: UnsafeMutablePointer<Double>,
  _ input: Offset, _ output: Offset, _ block: Int, _ sign: Double
) {
  let (a0r, a0i, a1r, a1i) = (xr + input(0), xi + input(0), xr + input(1), xi + input(1))
  let (a2r, a2i) = (xr + input(2), xi + input(2))
  let (b0r, b0i, b1r, b1i) = (yr + output(0), yi + output(0), yr + output(1), yi + output(1))
  let (b2r, b2i) = (yr + output(2), yi + output(2))
  let s = sign * 0.866_025_403_784_438_6  // sign · sin(2π/3)
  for e in 0..<block {
    let (sr, si) = (a1r[e] + a2r[e], a1i[e] + a2i[e])
    let (mr, mi) = (a0r[e] - 0.5 * sr, a0i[e] - 0.5 * si)
    // (sign · i · sin 60°) · (a1 − a2)
    let (dr, di) = (-s * (a1i[e] - a2i[e]), s * (a1r[e] - a2r[e]))
    b0r[e] = a0r[e] + sr
    b0i[e] = a0i[e] + si
    b1r[e] = mr + dr
    b1i[e] = mi + di
    b2r[e] = mr - dr
    b2i[e] = mi - di
  }
}

@inline(__always)
private func radix5(
  _ xr: UnsafeMutablePointer<Double>, _ xi: UnsafeMutablePointer<Double>,
  _ yr: UnsafeMutablePointer<Double>, _ yi: UnsafeMutablePointer<Double>,
  _ input: Offset, _ output: Offset, _ block: Int, _ sign: Double
) {
  let a = (0..<5).map { (xr + input($0), xi + input($0)) }
  let b = (0..<5).map { (yr + output($0), yi + output($0)) }
  let (c1, c2) = (cos(2 * Double.pi / 5), cos(4 * Double.pi / 5))
  let (s1, s2) = (sign * sin(2 * Double.pi / 5), sign * sin(4 * Double.pi / 5))
  let (a0r, a0i, a1r, a1i, a2r, a2i) = (a[0].0, a[0].1, a[1].0, a[1].1, a[2].0, a[2].1)
  let (a3r, a3i, a4r, a4i) = (a[3].0, a[3].1, a[4].0, a[4].1)
  let (b0r, b0i, b1r, b1i, b2r, b2i) = (b[0].0, b[0].1, b[1].0, b[1].1, b[2].0, b[2].1)
  let (b3r, b3i, b4r, b4i) = (b[3].0, b[3].1, b[4].0, b[4].1)
  for e in 0..<block {
    let (p1r, p1i) = (a1r[e] + a4r[e], a1i[e] + a4i[e])
    let (m1r, m1i) = (a1r[e] - a4r[e], a1i[e] - a4i[e])
    let (p2r, p2i) = (a2r[e] + a3r[e], a2i[e] + a3i[e])
    let (m2r, m2i) = (a2r[e] - a3r[e], a2i[e] - a3i[e])
    let (q1r, q1i) = (a0r[e] + c1 * p1r + c2 * p2r, a0i[e] + c1 * p1i + c2 * p2i)
    let (q2r, q2i) = (a0r[e] + c2 * p1r + c1 * p2r, a0i[e] + c2 * p1i + c1 * p2i)
    // i · (s1 m1 + s2 m2) and i · (s2 m1 − s1 m2), with the direction's sign folded into s.
    let (u1r, u1i) = (-(s1 * m1i + s2 * m2i), s1 * m1r + s2 * m2r)
    let (u2r, u2i) = (-(s2 * m1i - s1 * m2i), s2 * m1r - s1 * m2r)
    b0r[e] = a0r[e] + p1r + p2r
    b0i[e] = a0i[e] + p1i + p2i
    b1r[e] = q1r + u1r
    b1i[e] = q1i + u1i
    b4r[e] = q1r - u1r
    b4i[e] = q1i - u1i
    b2r[e] = q2r + u2r
    b2i[e] = q2i + u2i
    b3r[e] = q2r - u2r
    b3i[e] = q2i - u2i
  }
}

private func genericRadix(
  _ r: Int, _ xr: UnsafeMutablePointer<Double>, _ xi: UnsafeMutablePointer<Double>,
  _ yr: UnsafeMutablePointer<Double>, _ yi: UnsafeMutablePointer<Double>,
  _ input: Offset, _ output: Offset, _ block: Int, _ sign: Double
) {
  for u in 0..<r {
    let (outR, outI) = (yr + output(u), yi + output(u))
    for e in 0..<block {
      outR[e] = 0
      outI[e] = 0
    }
    for t in 0..<r {
      let angle = sign * 2 * Double.pi * Double((t * u) % r) / Double(r)
      let (wr, wi) = (cos(angle), sin(angle))
      let (inR, inI) = (xr + input(t), xi + input(t))
      for e in 0..<block {
        outR[e] += inR[e] * wr - inI[e] * wi
        outI[e] += inR[e] * wi + inI[e] * wr
      }
    }
  }
}

/// Writes the transpose of the row-major `rows × columns` matrix `source` into `destination`,
/// in cache-sized tiles.
func transposeMatrix(
  _ source: UnsafePointer<Double>, rows: Int, columns: Int,
  into destination: UnsafeMutablePointer<Double>
) {
  let tile = 32
  for r0 in stride(from: 0, to: rows, by: tile) {
    for c0 in stride(from: 0, to: columns, by: tile) {
      for r in r0..<min(r0 + tile, rows) {
        for c in c0..<min(c0 + tile, columns) {
          destination[c * rows + r] = source[r * columns + c]
        }
      }
    }
  }
}
