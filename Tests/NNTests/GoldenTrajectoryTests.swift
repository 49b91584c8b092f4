// The NN stack against PyTorch: a 32-16-8-4 autoencoder trained 10 Adam steps from exported
// weights (Scripts/golden/torch_ae_trajectory.py).

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@Suite("Golden trajectory against PyTorch")
struct GoldenTrajectoryTests {
  /// The encoder and decoder with the fixture's initial weights, in float64.
  private func model(_ fixture: Fixture, _ key: String) -> (Sequential, Sequential) {
    var rng = Xoshiro256(seed: 0)
    let sizes = [32, 16, 8, 4]
    let encoder = Sequential.perceptron(sizes, dtype: .float64, using: &rng)
    let decoder = Sequential.perceptron(sizes.reversed(), dtype: .float64, using: &rng)
    for (prefix, network) in [("encoder", encoder), ("decoder", decoder)] {
      for (name, parameter) in network.namedParameters {
        let values = fixture.object(key).doubles("\(prefix).\(name)")
        parameter.value = Tensor(values, shape: parameter.value.shape)
      }
    }
    return (encoder, decoder)
  }

  @Test("10 Adam steps: every loss within rtol 1e-5, step-0 gradients within 1e-6", .tags(.golden))
  func trajectory() throws {
    let fixture = try loadFixture("torch_ae_trajectory.json", in: .module)
    let (encoder, decoder) = model(fixture, "initial")
    let x = Tensor(fixture.doubles("x"), shape: [64, 32])
    let parameters = encoder.parameters + decoder.parameters
    var optimizer = Adam(learningRate: 1e-3)
    let expectedLosses = fixture.doubles("losses")
    var losses: [Double] = []
    for step in 0..<10 {
      let (loss, _) = valueWithGradient(at: parameters) {
        meanSquaredError(decoder(encoder(x)), x)
      }
      losses.append(loss.scalarValue)
      if step == 0 {
        for (prefix, network) in [("encoder", encoder), ("decoder", decoder)] {
          for (name, parameter) in network.namedParameters {
            expectClose(
              parameter.gradient!.doubles,
              fixture.object("step0_gradients").doubles("\(prefix).\(name)"),
              rtol: 0, atol: 1e-6, "step-0 gradient of \(prefix).\(name)")
          }
        }
      }
      optimizer.update(parameters)
    }
    expectClose(losses, expectedLosses, rtol: 1e-5, atol: 0, "losses")
    let (finalEncoder, finalDecoder) = model(fixture, "final")
    expectClose(
      parameters.flatMap(\.value.doubles),
      (finalEncoder.parameters + finalDecoder.parameters).flatMap(\.value.doubles), rtol: 1e-6,
      atol: 1e-9, "weights after 10 steps")
  }
}
