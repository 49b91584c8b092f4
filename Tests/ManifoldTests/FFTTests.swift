// FFT: the mixed-radix Stockham transform against a direct DFT, and the inverse round trip.

import Foundation
import Tensor
import Testing
import _TestSupport

@testable import Manifold

@Suite("FFT")
struct FFTTests {
  @Test(
    "forward and inverse transforms equal the direct DFT",
    arguments: [1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 30, 49, 60, 64, 75, 300])
  func directDFT(length n: Int) {
    var rng = Xoshiro256(seed: UInt64(n))
    let width = 3
    let re = (0..<n * width).map { _ in 2 * rng.nextUnitDouble() - 1 }
    let im = (0..<n * width).map { _ in 2 * rng.nextUnitDouble() - 1 }
    let plan = FFTPlan(length: n)
    for inverse in [false, true] {
      var xr = re
      var xi = im
      var sr = [Double](repeating: 0, count: n * width)
      var si = sr
      xr.withUnsafeMutableBufferPointer { xr in
        xi.withUnsafeMutableBufferPointer { xi in
          sr.withUnsafeMutableBufferPointer { sr in
            si.withUnsafeMutableBufferPointer { si in
              plan.transform(
                re: xr.baseAddress!, im: xi.baseAddress!, width: width, scratchRe: sr.baseAddress!,
                scratchIm: si.baseAddress!, inverse: inverse, threads: 2)
            }
          }
        }
      }
      var expectedRe: [Double] = []
      var expectedIm: [Double] = []
      for k in 0..<n {
        for c in 0..<width {
          var (sumRe, sumIm) = (0.0, 0.0)
          for j in 0..<n {
            let angle = (inverse ? 2.0 : -2.0) * Double.pi * Double(j * k % n) / Double(n)
            sumRe += re[j * width + c] * cos(angle) - im[j * width + c] * sin(angle)
            sumIm += re[j * width + c] * sin(angle) + im[j * width + c] * cos(angle)
          }
          expectedRe.append(sumRe)
          expectedIm.append(sumIm)
        }
      }
      expectClose(xr, expectedRe, rtol: 1e-10, atol: 1e-10 * Double(n))
      expectClose(xi, expectedIm, rtol: 1e-10, atol: 1e-10 * Double(n))
    }
  }

  @Test("smooth lengths have only the prime factors 2, 3 and 5")
  func smoothLengths() {
    #expect(FFTPlan.smoothLength(atLeast: 1) == 1)
    #expect(FFTPlan.smoothLength(atLeast: 7) == 8)
    #expect(FFTPlan.smoothLength(atLeast: 49) == 50)
    #expect(FFTPlan.smoothLength(atLeast: 121) == 125)
    #expect(FFTPlan.smoothLength(atLeast: 150) == 150)
  }
}
