// Layers: initialisation bounds, naming, and shapes.

import Autograd
import NN
import Tensor
import Testing
import _TestSupport

@Suite("Layers")
struct LayerTests {
  @Test("Linear starts uniform within ±1/√fanIn, as torch.nn.Linear")
  func linearInitialisation() {
    var rng = Xoshiro256(seed: 1)
    let layer = Linear(400, 50, using: &rng)
    let bound = 1 / Double(400).squareRoot()
    let weights = layer.weight.value.doubles
    #expect(weights.allSatisfy { abs($0) <= bound })
    // A uniform distribution on ±b has standard deviation b/√3.
    let sd = (weights.reduce(0) { $0 + $1 * $1 } / Double(weights.count)).squareRoot()
    #expect(abs(sd - bound / Double(3).squareRoot()) < 0.02 * bound)
    #expect(layer.bias!.value.doubles.allSatisfy { abs($0) <= bound })
  }

  @Test("perceptron layers are named like torch.nn.Sequential and map the shapes")
  func perceptron() {
    var rng = Xoshiro256(seed: 2)
    let mlp = Sequential.perceptron([784, 500, 500, 2000, 10], using: &rng)
    #expect(
      mlp.namedParameters.map(\.name) == [
        "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias",
      ])
    let weights: Int = 784 * 500 + 500 * 500 + 500 * 2000 + 2000 * 10
    let biases: Int = 500 + 500 + 2000 + 10
    let total = mlp.parameters.reduce(0) { $0 + $1.value.count }
    #expect(total == weights + biases)
    let out = mlp(Tensor.zeros([3, 784]))
    #expect(out.shape == [3, 10])
  }

  @Test("same seed, same initial weights")
  func seededInitialisation() {
    var a = Xoshiro256(seed: 3)
    var b = Xoshiro256(seed: 3)
    #expect(
      Linear(5, 4, using: &a).weight.value.floats == Linear(5, 4, using: &b).weight.value.floats)
  }
}
