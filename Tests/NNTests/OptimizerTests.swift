// Optimisers against their defining formulas, and independence of two optimisers (D7).

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@Suite("Optimizers")
struct OptimizerTests {
  /// `torch.optim.Adam`'s update written out in scalar Swift.
  private func adamReference(
    p: [Double], gradients: [[Double]], lr: Double, weightDecay: Double
  ) -> [Double] {
    var p = p
    var m = [Double](repeating: 0, count: p.count)
    var v = m
    for (index, g) in gradients.enumerated() {
      let t = Double(index + 1)
      for i in p.indices {
        let grad = g[i] + weightDecay * p[i]
        m[i] = 0.9 * m[i] + 0.1 * grad
        v[i] = 0.999 * v[i] + 0.001 * grad * grad
        let denominator = (v[i] / (1 - pow(0.999, t))).squareRoot() + 1e-8
        p[i] -= lr / (1 - pow(0.9, t)) * m[i] / denominator
      }
    }
    return p
  }

  @Test("Adam follows torch.optim.Adam's formula", arguments: [0.0, 0.05])
  func adam(weightDecay: Double) {
    let start = [0.5, -1.0, 2.0]
    let gradients = [[0.1, -0.2, 0.3], [0.0, 0.5, -0.1], [1.0, 1.0, 1.0]]
    let parameter = Parameter(Tensor(start))
    var optimizer = Adam(learningRate: 0.01, weightDecay: weightDecay)
    for g in gradients {
      parameter.gradient = Tensor(g)
      optimizer.update([parameter])
    }
    expectClose(
      parameter.value.doubles,
      adamReference(p: start, gradients: gradients, lr: 0.01, weightDecay: weightDecay),
      rtol: 1e-12, atol: 1e-14)
    #expect(optimizer.state(of: parameter)?.step == 3)
  }

  @Test("SGD with momentum, dampening and Nesterov follows torch.optim.SGD's formula")
  func sgd() {
    for (momentum, dampening, nesterov) in [
      (0.0, 0.0, false), (0.9, 0.0, false), (0.9, 0.1, false), (0.99, 0.0, true),
    ] {
      let parameter = Parameter(Tensor([1.0, -2.0]))
      var optimizer = SGD(
        learningRate: 0.1, momentum: momentum, dampening: dampening, nesterov: nesterov,
        weightDecay: 0.01)
      var p = [1.0, -2.0]
      var buffer: [Double]? = nil
      for g in [[0.5, 0.25], [-1.0, 0.0], [0.2, 0.2]] {
        parameter.gradient = Tensor(g)
        optimizer.update([parameter])
        var d = zip(g, p).map { $0 + 0.01 * $1 }
        if momentum != 0 {
          let b = buffer.map { zip($0, d).map { momentum * $0 + (1 - dampening) * $1 } } ?? d
          buffer = b
          d = nesterov ? zip(d, b).map { $0 + momentum * $1 } : b
        }
        p = zip(p, d).map { $0 - 0.1 * $1 }
      }
      expectClose(
        parameter.value.doubles, p, rtol: 1e-13, atol: 1e-15,
        "momentum \(momentum) dampening \(dampening) nesterov \(nesterov)")
    }
  }

  @Test("D7: two optimisers over the same parameters keep independent state")
  func independentOptimizers() {
    let shared = Parameter(Tensor([1.0, 1.0]))
    let alone = Parameter(Tensor([1.0, 1.0]))
    var first = Adam(learningRate: 0.1)
    var second = Adam(learningRate: 0.1)
    var reference = Adam(learningRate: 0.1)
    // `first` steps twice on `shared`; `second` steps once. `reference` mirrors `second` alone.
    for g in [[1.0, -1.0], [0.5, 0.5]] {
      shared.gradient = Tensor(g)
      first.update([shared])
    }
    shared.gradient = Tensor([2.0, 2.0])
    second.update([shared])
    #expect(second.state(of: shared)?.step == 1 && first.state(of: shared)?.step == 2)
    alone.gradient = Tensor([2.0, 2.0])
    reference.update([alone])
    expectClose(
      second.state(of: shared)!.firstMoment.doubles,
      reference.state(of: alone)!.firstMoment.doubles, rtol: 0, atol: 0)
    expectClose(
      second.state(of: shared)!.secondMoment.doubles,
      reference.state(of: alone)!.secondMoment.doubles, rtol: 0, atol: 0)
  }

  @Test("parameters without a gradient are skipped")
  func skipsMissingGradients() {
    let p = Parameter(Tensor([1.0]))
    var optimizer = Adam()
    optimizer.update([p])
    #expect(p.value.doubles == [1.0] && optimizer.state(of: p) == nil)
  }
}
