// QuickStart: tensors, autograd and a small MLP that learns to separate two interleaved moons.

import Autograd
import Foundation
import NN
import Tensor

var rng = Xoshiro256(seed: 0)
// 400 points on two interleaved half-circles with a little noise; label = which moon.
let n = 400
var points: [Float] = []
var labels: [Int] = []
for i in 0..<n {
  let moon = i % 2
  let angle = Double.pi * rng.nextUnitDouble()
  let (x, y) = moon == 0 ? (cos(angle), sin(angle)) : (1 - cos(angle), 0.5 - sin(angle))
  points += [Float(x + 0.1 * rng.nextStandardNormal()), Float(y + 0.1 * rng.nextStandardNormal())]
  labels.append(moon)
}
let x = Tensor(points, shape: [n, 2])
let oneHot = Tensor(labels.flatMap { $0 == 0 ? [Float(1), 0] : [0, 1] }, shape: [n, 2])

let model = Sequential.perceptron([2, 32, 32, 2], using: &rng)
var optimizer = Adam(learningRate: 0.01)
for step in 0...300 {
  let (loss, _) = valueWithGradient(at: model.parameters) {
    -(model(x).logSoftmax() * oneHot).sum() / Double(n)  // cross-entropy
  }
  optimizer.update(model.parameters)
  if step % 50 == 0 { print("step \(step): loss \(String(format: "%.4f", loss.scalarValue))") }
}
let predicted = model(x).value.argmax(axis: 1)
let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(n)
print("training accuracy: \(String(format: "%.3f", accuracy))")
