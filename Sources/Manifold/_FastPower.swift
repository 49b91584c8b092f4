// _FastPower: x^y for the UMAP layout's curve, as exp2(y · log2 x) with short polynomials.

import Foundation

/// The plain twin of ``fastPower(_:_:)``: libm's `powf`.
func referencePower(_ x: Float, _ y: Float) -> Float {
  powf(x, y)
}

/// `x^y` for `x > 0`, to a relative error below `4·10⁻⁷ + 10⁻⁷·|y·log2 x|` (a few float ulps
/// plus the rounding of `y·log2 x` in float) where the result is a normal float.
///
/// The UMAP layout evaluates `d^{2b}` for an edge's attraction and for each of its negative
/// samples, and libm's `powf` (correctly rounded, with full special-case handling) was a fifth
/// of a 70 000-point fit. This computes `log2 x` from the exponent bits and a series in
/// `t = (m − 1)/(m + 1)` for the mantissa `m ∈ [√½, √2)`, and `2^z` from the rounded integer
/// part and a degree-6 Taylor polynomial of `e^f` on `|f| ≤ ln2/2`: straight-line code that
/// the processor overlaps across the independent terms of an edge. SGD steps are clipped to ±4
/// and tolerate far larger errors; umap-learn's numba kernel runs with `fastmath` for the same
/// reason.
///
/// Inputs that are not positive normal floats (0, subnormals, infinities, NaN) and results
/// outside the normal range go through `powf`, so the special cases are libm's.
@inline(__always)
func fastPower(_ x: Float, _ y: Float) -> Float {
  guard x.isNormal, x > 0 else { return powf(x, y) }
  // log2 x = e + log2 m, with m ∈ [√½, √2).
  let bits = x.bitPattern
  var exponent = Int32(bitPattern: (bits >> 23) & 0xff) - 127
  var m = Float(bitPattern: (bits & 0x007f_ffff) | 0x3f80_0000)
  if m > 1.414_213_5 {
    m *= 0.5
    exponent += 1
  }
  let t = (m - 1) / (m + 1)
  let t2 = t * t
  // 2/ln 2 · (t + t³/3 + t⁵/5 + t⁷/7 + t⁹/9); |t| ≤ 0.1716.
  let series = t * (1 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7 + t2 * (1.0 / 9)))))
  let z = y * (Float(exponent) + 2.885_390_1 * series)
  guard z > -125, z < 126 else { return powf(x, y) }
  let whole = z.rounded(.toNearestOrEven)
  let f = (z - whole) * 0.693_147_18  // ln 2 · fraction, |f| ≤ 0.3466
  // e^f by its Taylor series to degree 6: error below 1.3·10⁻⁷ on this interval.
  let p =
    1 + f * (1 + f * (0.5 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120 + f * (1.0 / 720))))))
  return p * Float(bitPattern: UInt32(Int32(whole) + 127) << 23)
}
