// clipGradientNorm against torch.nn.utils.clip_grad_norm_'s formula (RELIABILITY D6).

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@Suite("Gradient clipping")
struct GradientClippingTests {
  /// Gradients (3, 4) and (12): joint norm 13.
  ///
  /// torch's clip_grad_norm_(max_norm=6.5) returns 13
  /// and scales by 6.5 / (13 + 1e-6).
  @Test("D6 the joint norm is clipped to maxNorm with torch's 1e-6, and returned")
  func clipsJointNorm() {
    for dtype in DType.allCases {
      let a = Parameter(Tensor(converting: [0, 0], shape: [2], dtype: dtype))
      let b = Parameter(Tensor(converting: [0], shape: [1], dtype: dtype))
      let untouched = Parameter(Tensor(converting: [1], shape: [1], dtype: dtype))
      a.gradient = Tensor(converting: [3, 4], shape: [2], dtype: dtype)
      b.gradient = Tensor(converting: [12], shape: [1], dtype: dtype)
      let norm = clipGradientNorm([a, b, untouched], maxNorm: 6.5)
      #expect(norm == 13)
      let scale = 6.5 / (13 + 1e-6)
      let tolerance = dtype == .float32 ? 1e-6 : 1e-15
      expectClose(a.gradient!.doubles, [3 * scale, 4 * scale], rtol: tolerance, atol: 0)
      expectClose(b.gradient!.doubles, [12 * scale], rtol: tolerance, atol: 0)
      #expect(untouched.gradient == nil)
      // After clipping the joint norm is maxNorm (up to the 1e-6).
      let clipped =
        (a.gradient!.squared().sum().scalarValue + b.gradient!.squared().sum().scalarValue)
        .squareRoot()
      expectClose([clipped], [6.5], rtol: 1e-6, atol: 0)
    }
  }

  @Test("D6 gradients within the bound are left bit for bit unchanged")
  func leavesSmallGradients() {
    let p = Parameter(Tensor([0.1, -0.2, 0.3] as [Double]))
    p.gradient = Tensor([0.1, -0.2, 0.3] as [Double])
    let before = p.gradient!.doubles
    let norm = clipGradientNorm([p], maxNorm: 1)
    expectClose([norm], [(0.01 + 0.04 + 0.09).squareRoot()], rtol: 1e-15, atol: 0)
    #expect(p.gradient!.doubles == before)
  }

  /// PyTorch would multiply by max_norm/(inf + 1e-6) = 0 or by NaN; here nothing changes and the
  /// caller sees the non-finite norm (RELIABILITY D1 stops training on it).
  @Test("D6 D1 a NaN or infinite gradient is reported as the norm and changes nothing")
  func nonFinite() {
    for bad in [Double.nan, .infinity] {
      let p = Parameter(Tensor([1, 2] as [Double]))
      p.gradient = Tensor([bad, 2] as [Double])
      let norm = clipGradientNorm([p], maxNorm: 1)
      #expect(!norm.isFinite)
      #expect(p.gradient!.doubles[1] == 2)
    }
  }

  @Test("D6 a clipped step of a diverging quadratic stays bounded where the plain step explodes")
  func tamesExplosion() {
    // f(w) = 50·w², lr 0.1: the plain gradient step multiplies w by −9 each time.
    func run(clip: Bool) -> Double {
      let w = Parameter(Tensor([1.0] as [Double]))
      var sgd = SGD(learningRate: 0.1)
      for _ in 0..<20 {
        _ = valueWithGradient(at: [w]) { (w.variable.squared() * 50).sum() }
        if clip { clipGradientNorm([w], maxNorm: 1) }
        sgd.update([w])
      }
      return abs(w.value.scalarValue)
    }
    #expect(run(clip: false) > 1e18)
    #expect(run(clip: true) <= 1)
  }
}
