// distributed-check: run under `mpirun -np R` to check the MPI communicator and data-parallel
// pretraining against one process. DistributedTests starts it; it is also the first thing to
// run on a new cluster.
//
//   mpirun -np 2 distributed-check collectives
//   mpirun -np 2 distributed-check pretraining
//   mpirun -np 2 distributed-check fine-tuning
//   mpirun -np 2 distributed-check failure     (rank 1 fails; every rank must stop, exit 1)
//   mpirun -np 2 distributed-check bandwidth   (all-reduce of the autoencoder's gradients)

import DCRL
import Distributed
import Foundation
import Tensor

/// Prints `message` from rank 0 only.
func say(_ communicator: any Communicator, _ message: String) {
  if communicator.rank == 0 { print(message) }
}

/// Exits with status 1 after `message` when `condition` fails (every rank evaluates the same).
func require(_ condition: Bool, _ message: @autoclosure () -> String, _ c: any Communicator) {
  guard condition else { c.abort("check failed: \(message())") }
}

/// Every collective against its definition.
func collectives(_ c: any Communicator) throws {
  let r = c.rank
  let n = c.size
  var floats: [Float] = [Float(r) + 1, -Float(r)]
  try c.allReduceSum(&floats)
  require(
    floats == [Float(n * (n + 1) / 2), -Float(n * (n - 1) / 2)], "all-reduce sum \(floats)", c)
  var maxima: [Double] = [Double(r), -Double(r)]
  try c.allReduce(&maxima, .maximum)
  require(maxima == [Double(n - 1), 0], "all-reduce maximum \(maxima)", c)
  var large = [Double](repeating: Double(r), count: 1 << 20)
  try c.allReduceSum(&large)
  require(large.allSatisfy { $0 == Double(n * (n - 1) / 2) }, "large all-reduce", c)
  var broadcast: [Int64] = [Int64(r), 7]
  try c.broadcast(&broadcast, root: n - 1)
  require(broadcast == [Int64(n - 1), 7], "broadcast \(broadcast)", c)
  let gathered = try c.allGather([Int32](repeating: Int32(r), count: r + 1))
  require(
    gathered == (0..<n).map { [Int32](repeating: Int32($0), count: $0 + 1) },
    "all-gather \(gathered)", c)
  let received = try c.allToAll((0..<n).map { [UInt8(r * 16 + $0)] })
  require(received == (0..<n).map { [UInt8($0 * 16 + r)] }, "all-to-all \(received)", c)
  let array: [Float] = try c.broadcastArray(r == 0 ? [1, 2, 3] : [], root: 0)
  require(array == [1, 2, 3], "broadcast of an array \(array)", c)
  try c.barrier()
  say(c, "collectives: ok on \(n) ranks")
}

/// Blobs in 24-D, 300 rows, the same on every rank.
func blobs() -> Tensor {
  var rng = Xoshiro256(seed: 21)
  let centres = (0..<5).map { _ in (0..<24).map { _ in 3 * rng.nextStandardNormal() } }
  var values: [Float] = []
  for i in 0..<300 { values += centres[i % 5].map { Float($0 + rng.nextStandardNormal()) } }
  return Tensor(values, shape: [300, 24])
}

/// Pretrains on the ranks and, on rank 0, on one process; compares step losses and parameters.
func pretraining(_ c: any Communicator) throws {
  let x = blobs()
  let shard = try RowShard.balanced(rows: x.shape[0], ranks: c.size, rank: c.rank)
  for (epochs, batch) in [(20, 512), (1, 64)] {
    var configuration = AutoencoderPretrainer.Configuration()
    configuration.epochs = epochs
    configuration.batchSize = batch
    configuration.noise = 0.2
    configuration.seed = 3
    let pretrainer = AutoencoderPretrainer(configuration: configuration)
    var losses: [Double] = []
    let start = Date()
    let model = try pretrainer.fit(
      shard: x.rows(shard.range), communicator: c, hiddenSizes: [64, 32], latentDimension: 5
    ) { epoch in
      losses.append(epoch.loss)
      return .continue
    }
    let seconds = Date().timeIntervalSince(start)
    var worstLoss = 0.0
    var worstParameter: Float = 0
    if c.rank == 0 {
      var reference: [Double] = []
      let single = try pretrainer.fit(x, hiddenSizes: [64, 32], latentDimension: 5) { epoch in
        reference.append(epoch.loss)
        return .continue
      }
      for (a, b) in zip(losses, reference) {
        worstLoss = max(worstLoss, abs(a - b) / max(abs(b), 1e-12))
      }
      for (a, b) in zip(model.parameters, single.parameters) {
        for (u, v) in zip(a.value.floats, b.value.floats) {
          worstParameter = max(worstParameter, abs(u - v))
        }
      }
    }
    // Every rank ends with rank 0's parameters.
    let mine = model.parameters.flatMap(\.value.floats)
    let root: [Float] = try c.broadcastArray(mine, root: 0)
    require(root == mine, "rank \(c.rank)'s parameters differ from rank 0's", c)
    let steps = epochs * ((x.shape[0] + batch - 1) / batch)
    say(
      c,
      "pretraining: \(c.size) ranks, \(steps) steps of batch \(min(batch, x.shape[0])): "
        + "largest relative step-loss difference \(worstLoss), largest parameter difference "
        + "\(worstParameter), \(String(format: "%.2f", seconds)) s")
    require(worstLoss <= 1e-5, "step losses differ by \(worstLoss)", c)
    require(worstParameter <= 1e-4, "parameters differ by \(worstParameter)", c)
  }
  say(c, "pretraining: ok")
}

/// DCRL fine-tuning on the ranks and, on rank 0, on one process from the same autoencoder:
/// 20 one-step epochs (a batch larger than the data) compared step by step, then one epoch of
/// five steps compared parameter by parameter.
func fineTuning(_ c: any Communicator) throws {
  let x = blobs()
  let shard = try RowShard.balanced(rows: x.shape[0], ranks: c.size, rank: c.rank)
  var configuration = DCRLConfiguration.paper(for: .mnistTest)
  configuration.hiddenSizes = [32, 16]
  configuration.latentDimension = 5
  configuration.clusters = 5
  configuration.centerInitialization = .kMeans
  configuration.initializationSubsetSize = 300
  configuration.pretraining.epochs = 10
  configuration.pretraining.batchSize = 64
  let pretrained = try DCRLTrainer(configuration: configuration).pretrain(x)
  for (epochs, batch) in [(20, 512), (1, 64)] {
    configuration.epochs = epochs
    configuration.warmUpEpochs = min(5, epochs)
    configuration.scheduleEnd = 15
    configuration.batchSize = batch
    let trainer = DCRLTrainer(configuration: configuration)
    let autoencoder = pretrained.copy()
    let start = Date()
    let model = try trainer.fit(
      shard: x.rows(shard.range), communicator: c, autoencoder: autoencoder)
    let seconds = Date().timeIntervalSince(start)
    // fit(shard:) made every rank's autoencoder rank 0's first: the reference starts there.
    var worstLoss = 0.0
    var worstParameter: Float = 0
    var agreement = 1.0
    if c.rank == 0 {
      let single = try trainer.fit(x, autoencoder: pretrained.copy())
      func terms(_ r: DCRLEpochReport) -> [Double?] {
        [r.clustering, r.reconstruction, r.ranking, r.isometry, r.alignment]
      }
      for (a, b) in zip(model.history, single.history) {
        for case (let u?, let v?) in zip(terms(a), terms(b)) {
          worstLoss = max(worstLoss, abs(u - v) / max(abs(v), 1e-12))
        }
      }
      let mine = model.autoencoder.parameters.map(\.value) + [model.centers]
      let theirs = single.autoencoder.parameters.map(\.value) + [single.centers]
      for (a, b) in zip(mine, theirs) {
        for (u, v) in zip(a.floats, b.floats) { worstParameter = max(worstParameter, abs(u - v)) }
      }
      agreement =
        Double(zip(model.trainingLabels, single.trainingLabels).filter { $0 == $1 }.count)
        / Double(x.shape[0])
    }
    let mine = model.autoencoder.parameters.flatMap(\.value.floats) + model.centers.floats
    let root: [Float] = try c.broadcastArray(mine, root: 0)
    require(root == mine, "rank \(c.rank)'s model differs from rank 0's", c)
    say(
      c,
      "fine-tuning: \(c.size) ranks, \(epochs) epochs of batch \(min(batch, x.shape[0])): "
        + "largest relative loss difference \(worstLoss), largest parameter difference "
        + "\(worstParameter), labels agreeing \(agreement), \(String(format: "%.2f", seconds)) s")
    require(worstLoss <= 1e-3, "losses differ by \(worstLoss)", c)
    require(agreement >= 0.999, "labels agree on \(agreement) only", c)
    if epochs == 1 {
      require(worstParameter <= 1e-4, "parameters differ by \(worstParameter)", c)
    }
  }
  say(c, "fine-tuning: ok")
}

/// Times 50 all-reduces of 3,330,794 floats, the gradient of the 784-500-500-2000-10
/// autoencoder: what one data-parallel step exchanges.
func bandwidth(_ c: any Communicator) throws {
  var buffer = [Float](repeating: Float(c.rank), count: 3_330_794)
  try c.allReduceSum(&buffer)
  try c.barrier()
  let start = Date()
  for _ in 0..<50 { try c.allReduceSum(&buffer) }
  let seconds = Date().timeIntervalSince(start) / 50
  let megabytes = Double(buffer.count * 4) / 1e6
  say(
    c,
    "bandwidth: all-reduce of \(String(format: "%.1f", megabytes)) MB on \(c.size) ranks: "
      + "\(String(format: "%.2f", seconds * 1e3)) ms (\(String(format: "%.2f", megabytes / 1e3 / seconds)) GB/s of buffer)"
  )
}

let arguments = CommandLine.arguments.dropFirst()
let communicator: any Communicator
do {
  communicator = try DistributedLaunch.communicator()
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
do {
  for mode in arguments.isEmpty ? ["collectives", "pretraining", "fine-tuning"] : Array(arguments) {
    switch mode {
    case "collectives": try collectives(communicator)
    case "pretraining": try pretraining(communicator)
    case "fine-tuning": try fineTuning(communicator)
    case "bandwidth": try bandwidth(communicator)
    case "failure":
      // Rank 1 fails while the others wait in a collective: all must stop, none hang.
      if communicator.rank == 1 { communicator.abort("deliberate failure on rank 1") }
      try communicator.barrier()
      say(communicator, "failure: the barrier returned although rank 1 failed")
    default:
      communicator.abort(
        "unknown mode '\(mode)'; use collectives, pretraining, fine-tuning, bandwidth or failure")
    }
  }
} catch {
  communicator.abort("\(error)")
}
