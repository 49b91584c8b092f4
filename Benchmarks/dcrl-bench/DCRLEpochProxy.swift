// DCRLEpochProxy: one DCRL fine-tuning epoch (Docs/Algorithm.md#training) assembled from the DCRL
// module's
// losses, for timing on MNIST-full shapes until the DCRL trainer exists.

import Autograd
import DCRL
import Foundation
import NN
import Tensor

/// One DCRL fine-tuning epoch in the regime where every loss term is active.
///
/// That is an epoch ≥ T0 before the clustering weight reaches zero, following
/// Docs/Algorithm.md#training and
/// §8:
///
/// 1. full-data forward: latent codes, Student-t Q (Eq. 1), target P (Eq. 2), labels π = argmax Q,
///    input-space cluster means v;
/// 2. the L_iso pairs: each point's k = 5 nearest latent neighbours within its predicted cluster
///    (distances on the backend in row chunks, selection on the host) and their input distances
///    divided by √D;
/// 3. ⌈N/256⌉ mini-batch steps of a·(0.1·KL(P_b‖Q_b) + MSE) + L_rank/⌊N/256⌋ with Adam #1
///    (reading the loss each step, as a trainer must to stop on NaN);
/// 4. one full-data step of b·L_iso + L_align with Adam #2.
///
/// It is a proxy, not the trainer: the autoencoder starts random (no pretraining), the schedule
/// weights are fixed (a = 1, b = 0.5), and the kNN search is a brute-force stand-in for the
/// Manifold module's. With random weights, argmax Q can put most points in one cluster, which
/// would make the within-cluster kNN far costlier than in a real run; when the MNIST labels are
/// given, they stand in for the partition π (and the centres start at the per-digit latent
/// means), so the clusters have the sizes a converged DCRL run has (about 7 000 each). What a
/// later session must add: time `DCRLTrainer` itself for one epoch once it lands.
struct DCRLEpochProxy {
  let x: Tensor
  /// The partition standing in for π, if given.
  let partition: [Int]?
  let autoencoder: Autoencoder
  let centers: Parameter
  var optimizer1 = Adam(learningRate: 1e-3)
  var optimizer2 = Adam(learningRate: 1e-3)
  var rng: Xoshiro256
  let batch = 256
  let neighbors = 5
  let clusters = 10

  /// Seconds per stage of one epoch.
  struct Timing {
    var stages: [(name: String, seconds: Double)] = []
    var batches = 0
    var total: Double { stages.reduce(0) { $0 + $1.seconds } }
  }

  /// Creates the proxy on `x`'s backend; `partition` (values in 0..<10) stands in for π.
  init(x: Tensor, partition: [Int]?, seed: UInt64) {
    self.x = x
    self.partition = partition
    rng = Xoshiro256(seed: seed)
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: [500, 500, 2000], latentDimension: 10,
      on: x.backend, using: &rng)
    self.autoencoder = autoencoder
    // Centres: the latent means of the partition, else the codes of the first points (stand-ins
    // for the t-SNE/k-means start).
    if let partition {
      let codes = autoencoder.encodeAll(x)
      var counts = [Double](repeating: 0, count: clusters)
      for label in partition { counts[label] += 1 }
      let inverse = Tensor(
        converting: counts.map { $0 > 0 ? 1 / $0 : 0 }, shape: [clusters, 1], dtype: x.dtype,
        on: x.backend)
      centers = Parameter(
        codes.scatteringRows(partition, rowCount: clusters) * inverse, name: "centers")
    } else {
      centers = Parameter(autoencoder.encodeAll(x.rows(0..<clusters)), name: "centers")
    }
  }

  /// Runs one epoch and returns its stage timings; throws if a loss is not finite.
  mutating func runEpoch() throws -> Timing {
    var timing = Timing()
    let backend = x.backend
    let clock = ContinuousClock()
    var start = clock.now
    func lap(_ name: String) {
      backend.synchronize()
      timing.stages.append((name, (clock.now - start).seconds))
      start = clock.now
    }

    let n = x.shape[0]
    let z = autoencoder.encodeAll(x)
    let q = studentT(z, centers.value)
    let weighted = q.squared() / q.sum(axis: 0)
    let p = weighted / weighted.sum(axis: 1).reshaped([n, 1])
    let predicted = q.argmax(axis: 1)
    let labels = partition ?? predicted
    let v = clusterMeans(x, labels)
    lap("full forward: Z, Q, P, π, v")

    let (first, second) = withinClusterNeighbors(z, labels)
    lap("within-cluster latent \(neighbors)-NN (brute force, \(first.count) pairs)")
    let pairs = IsometryPairs(
      first: first, second: second, inputDistances: inputDistances(first, second))
    lap("input distances of the L_iso pairs")

    let parameters = autoencoder.parameters + [centers]
    let order = randomPermutation(n, using: &rng)
    let rankDivisor = Double(max(n / batch, 1))
    for batchStart in stride(from: 0, to: n, by: batch) {
      let indices = Array(order[batchStart..<min(batchStart + batch, n)])
      let xb = x.gatheringRows(indices)
      let pb = p.gatheringRows(indices)
      let (loss, _) = valueWithGradient(at: parameters) {
        let latent = autoencoder.encode(Variable(xb))
        let clustering = klDivergence(
          target: pb, logPrediction: studentT(latent, centers.variable).log(),
          reduction: .batchMean)
        let reconstruction = meanSquaredError(autoencoder.decode(latent), xb)
        let ranking = rankingLoss(centers: centers.variable, inputCenters: v, scale: 3)
        return clustering * 0.1 + reconstruction + ranking * (1 / rankDivisor)
      }
      guard loss.scalarValue.isFinite else { throw ProxyError.nonFinite("mini-batch loss") }
      optimizer1.update(parameters)
      timing.batches += 1
    }
    lap("\(timing.batches) mini-batch steps (Adam #1)")

    let (full, _) = valueWithGradient(at: parameters) {
      let latent = autoencoder.encode(Variable(x))
      return isometryLoss(latent: latent, pairs: pairs) * 0.5
        + alignmentLoss(latent: latent, labels: labels, centers: centers.variable)
    }
    guard full.scalarValue.isFinite else { throw ProxyError.nonFinite("full-data loss") }
    optimizer2.update(parameters)
    lap("full-data L_iso + L_align step (Adam #2)")
    return timing
  }

  /// The Student-t soft assignment with one degree of freedom (the first DCRL equation).
  func studentT(_ z: Tensor, _ mu: Tensor) -> Tensor {
    let kernel = (pairwiseSquaredDistances(z, mu) + 1).pow(-1)
    return kernel / kernel.sum(axis: 1).reshaped([z.shape[0], 1])
  }

  /// The Student-t soft assignment on variables, for the mini-batch loss.
  func studentT(_ z: Variable, _ mu: Variable) -> Variable {
    let kernel = (pairwiseSquaredDistances(z, mu) + 1).pow(-1)
    return kernel / kernel.sum(axis: 1).reshaped([z.shape[0], 1])
  }

  /// The mean input of each predicted cluster (zero for empty clusters).
  func clusterMeans(_ x: Tensor, _ labels: [Int]) -> Tensor {
    var counts = [Double](repeating: 0, count: clusters)
    for label in labels { counts[label] += 1 }
    let inverse = Tensor(
      converting: counts.map { $0 > 0 ? 1 / $0 : 0 }, shape: [clusters, 1], dtype: x.dtype,
      on: x.backend)
    return x.scatteringRows(labels, rowCount: clusters) * inverse
  }

  /// Each point's `neighbors` nearest latent neighbours within its cluster: distances on the
  /// backend in chunks of rows, selection on the host.
  func withinClusterNeighbors(_ z: Tensor, _ labels: [Int]) -> (first: [Int], second: [Int]) {
    var first: [Int] = []
    var second: [Int] = []
    for cluster in 0..<clusters {
      let members = labels.indices.filter { labels[$0] == cluster }
      guard members.count >= 2 else { continue }
      let k = min(neighbors, members.count - 1)
      let codes = z.gatheringRows(members)
      let chunk = 2048
      for chunkStart in stride(from: 0, to: members.count, by: chunk) {
        let rows = chunkStart..<min(chunkStart + chunk, members.count)
        let distances = pairwiseSquaredDistances(codes.rows(rows), codes).floats
        distances.withUnsafeBufferPointer { all in
          for (offset, row) in rows.enumerated() {
            let line = UnsafeBufferPointer(
              rebasing: all[(offset * members.count)..<((offset + 1) * members.count)])
            for neighbour in smallest(k, of: line, excluding: row) {
              first.append(members[row])
              second.append(members[neighbour])
            }
          }
        }
      }
    }
    return (first, second)
  }

  /// d_X(x_i, x_j)/√D for each pair, in chunks.
  func inputDistances(_ first: [Int], _ second: [Int]) -> Tensor {
    var inputDistances: [Tensor] = []
    let scale = 1 / Double(x.shape[1]).squareRoot()
    for start in stride(from: 0, to: first.count, by: 65_536) {
      let end = min(start + 65_536, first.count)
      let difference =
        x.gatheringRows(Array(first[start..<end])) - x.gatheringRows(Array(second[start..<end]))
      inputDistances.append(difference.squared().sum(axis: 1).sqrt() * scale)
    }
    return inputDistances.isEmpty
      ? Tensor.zeros([0], on: x.backend) : Tensor.concatenatingRows(inputDistances)
  }

  /// The positions of the `k` smallest values of `line` other than position `index`, nearest
  /// first (ties keep the lower position).
  private func smallest(
    _ k: Int, of line: UnsafeBufferPointer<Float>, excluding index: Int
  ) -> [Int] {
    var values = [Float](repeating: .infinity, count: k)
    var positions = [Int](repeating: -1, count: k)
    var threshold = Float.infinity
    for position in 0..<line.count where position != index {
      let value = line[position]
      guard value < threshold || positions[k - 1] < 0 else { continue }
      var slot = k - 1
      while slot > 0 && (values[slot - 1] > value || positions[slot - 1] < 0) {
        values[slot] = values[slot - 1]
        positions[slot] = positions[slot - 1]
        slot -= 1
      }
      values[slot] = value
      positions[slot] = position
      threshold = values[k - 1]
    }
    return positions
  }

  enum ProxyError: Error, CustomStringConvertible {
    case nonFinite(String)
    var description: String {
      switch self {
      case .nonFinite(let term): return "the \(term) is not finite"
      }
    }
  }
}
