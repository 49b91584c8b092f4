// Tape semantics: accumulation, constants, detaching, parameter gradients (G3, D8).

import Autograd
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("Tape")
struct TapeTests {
  @Test("G3: a variable used twice accumulates both gradients")
  func reuseAccumulates() {
    let w = Parameter(Tensor([1, 2, 3] as [Double]))
    let (value, gradients) = valueWithGradient(at: [w]) {
      let v = w.variable
      return (v * v).sum() + v.sum()
    }
    #expect(value.scalarValue == 14 + 6)
    #expect(gradients[0].doubles == [3, 5, 7])
  }

  @Test("G3: one parameter used through two leaves accumulates")
  func twoLeaves() {
    let w = Parameter(Tensor([2] as [Double]))
    let (_, gradients) = valueWithGradient(at: [w]) { (w.variable * w.variable * w.variable).sum() }
    #expect(gradients[0].doubles == [12])
  }

  @Test("gradients replace, never accumulate across calls")
  func noHiddenAccumulation() {
    let w = Parameter(Tensor([1, 1] as [Double]))
    for _ in 0..<3 {
      _ = valueWithGradient(at: [w]) { (w.variable * 2).sum() }
      #expect(w.gradient?.doubles == [2, 2])
    }
  }

  @Test("constants and detached variables receive no gradient; unused parameters get zeros")
  func constants() {
    let w = Parameter(Tensor([3] as [Double]))
    let unused = Parameter(Tensor([5, 5] as [Double]))
    let (_, gradients) = valueWithGradient(at: [w, unused]) {
      let c = Variable(Tensor([4] as [Double]))
      return (w.variable * c + w.variable.detached() * w.variable).sum()
    }
    // d/dw (4w + w_detached·w) = 4 + w = 7.
    #expect(gradients[0].doubles == [7])
    #expect(gradients[1].doubles == [0, 0])
  }

  @Test("G3: broadcasting gradients are reduced back to each operand's shape")
  func broadcastShapes() {
    let a = Parameter(Tensor.ones([3, 4], dtype: .float64))
    let row = Parameter(Tensor.ones([4], dtype: .float64))
    let column = Parameter(Tensor.ones([3, 1], dtype: .float64))
    let scalar = Parameter(Tensor.ones([], dtype: .float64))
    let (_, g) = valueWithGradient(at: [a, row, column, scalar]) {
      (a.variable * row.variable + column.variable - scalar.variable).sum()
    }
    #expect(g[0].shape == [3, 4] && g[1].shape == [4] && g[2].shape == [3, 1] && g[3].shape == [])
    #expect(g[1].doubles == [3, 3, 3, 3] && g[2].doubles == [4, 4, 4] && g[3].doubles == [-12])
  }

  @Test("D8: a shared subgraph feeding two losses is differentiated once per use")
  func sharedSubgraph() {
    let w = Parameter(Tensor([1, 2] as [Double]))
    let (_, g) = valueWithGradient(at: [w]) {
      let shared = (w.variable * 3).exp()
      return shared.sum() + (shared * shared).sum()
    }
    let expected = [1.0, 2.0].map { x in 3 * Foundation.exp(3 * x) + 6 * Foundation.exp(6 * x) }
    expectClose(g[0].doubles, expected, rtol: 1e-12, atol: 0)
  }

  @Test("a deep chain (10,000 ops) backpropagates without recursion")
  func deepChain() {
    let w = Parameter(Tensor([1] as [Double]))
    let (_, g) = valueWithGradient(at: [w]) {
      var v = w.variable
      for _ in 0..<10_000 { v = v * 1.0001 }
      return v.sum()
    }
    #expect(abs(g[0].doubles[0] - Foundation.pow(1.0001, 10_000)) < 1e-9)
  }
}
