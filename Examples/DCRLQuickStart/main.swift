// DCRLQuickStart: cluster your own [n, d] data with DCRL and score it — here a synthetic mixture
// of five Gaussian blobs in 30-D, so it runs anywhere in seconds.

import DCRL
import Metrics
import Tensor

var rng = Xoshiro256(seed: 0)
let centres = (0..<5).map { _ in (0..<30).map { _ in 4 * rng.nextStandardNormal() } }
var values: [Float] = []
var labels: [Int] = []
for i in 0..<1000 {
  labels.append(i % 5)
  values += centres[i % 5].map { Float($0 + rng.nextStandardNormal()) }
}
let x = Tensor(values, shape: [1000, 30])  // your data: any float matrix [samples, features]

var configuration = DCRLConfiguration()  // the library's defaults (Docs/Algorithm.md#presets)
configuration.clusters = 5
configuration.hiddenSizes = [64, 64]  // a small network for a small problem
configuration.pretraining.epochs = 30
configuration.epochs = 30
configuration.warmUpEpochs = 5
configuration.scheduleEnd = 15

let model = try DCRLTrainer(configuration: configuration).fit(x)
let predicted = try model.predict(x)
let accuracy = try clusteringAccuracy(predicted, labels)
let nmi = try normalizedMutualInformation(predicted, labels, normalization: .arithmetic)
print("ACC \(accuracy)  NMI \(nmi)  latent codes \(try model.transform(x).shape)")
