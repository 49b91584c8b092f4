// DataParallelPretraining: the autoencoder's pretraining with the rows split over the ranks of
// a Communicator, each step equal to the single-process step on the same global mini-batch.

import Autograd
import Distributed
import NN
import Tensor

/// One data-parallel pretraining step's plumbing: this rank's shard of the rows and the group.
///
/// Every rank draws the same permutation and the same noise from the same seeded generator, so
/// all ranks see the same global mini-batch `B`. Each computes the reconstruction loss of the
/// batch rows it holds, scaled by its share `b_r / |B|`, so that the ranks' gradients add up to
/// the gradient of the single-process loss (the mean over `B`); one all-reduce sums them, and
/// every rank then takes the same optimiser step. Per step a rank moves one gradient buffer
/// (`P` parameters, `4·P` bytes in float32) through the all-reduce, plus one scalar loss.
struct DataParallelStep {
  let communicator: any Communicator
  let shard: RowShard

  /// The loss of the global batch `batch` (global row indices), leaving the summed gradients in
  /// `parameters`.
  func step(
    _ autoencoder: Autoencoder, parameters: [Parameter], x: Tensor, batch: [Int], noise: Double,
    rng: inout Xoshiro256
  ) throws(DCRLError) -> Double {
    let (positions, local) = shard.localPart(of: batch)
    // The whole batch's noise, drawn exactly as one process draws it, then this rank's rows.
    let batchNoise =
      noise > 0
      ? Tensor.randomNormal(
        [batch.count, x.shape[1]], standardDeviation: noise, dtype: x.dtype, on: x.backend,
        using: &rng) : nil
    var localLoss = 0.0
    if local.isEmpty {
      for parameter in parameters {
        parameter.gradient = Tensor.zeros(
          parameter.value.shape, dtype: parameter.value.dtype, on: parameter.value.backend)
      }
    } else {
      let clean = x.gatheringRows(local)
      let noisy = batchNoise.map { clean + $0.gatheringRows(positions) } ?? clean
      let share = Double(local.count) / Double(batch.count)
      let (loss, _) = valueWithGradient(at: parameters) {
        meanSquaredError(autoencoder(Variable(noisy)), clean) * share
      }
      localLoss = loss.scalarValue
    }
    return try collective { () throws(DistributedError) in
      try allReduceGradients(parameters, communicator)
      return try communicator.sum(localLoss)
    }
  }
}

/// Sums every parameter's gradient over the ranks.
///
/// On the CPU backend each gradient is reduced in place in its own buffer (no copy; with MPI,
/// `MPI_IN_PLACE`), one all-reduce per parameter tensor; elsewhere through one all-reduce of the
/// concatenated gradients.
func allReduceGradients(_ parameters: [Parameter], _ communicator: any Communicator)
  throws(DistributedError)
{
  guard communicator.size > 1, let first = parameters.first else { return }
  if first.value.backend is CPUBackend {
    for parameter in parameters {
      var gradient = parameter.gradient!
      gradient.makeUnique()
      let count = gradient.count
      if gradient.dtype == .float64 {
        try communicator.allReduce(
          UnsafeMutableBufferPointer(start: gradient.storage.doubles, count: count), .sum)
      } else {
        try communicator.allReduce(
          UnsafeMutableBufferPointer(start: gradient.storage.floats, count: count), .sum)
      }
      parameter.gradient = gradient
    }
    return
  }
  func reduce<T: CollectiveScalar>(_ read: (Tensor) -> [T], _ make: ([T], Parameter) -> Tensor)
    throws(DistributedError)
  {
    var flat: [T] = []
    flat.reserveCapacity(parameters.reduce(0) { $0 + $1.value.count })
    for parameter in parameters { flat += read(parameter.gradient!) }
    try communicator.allReduceSum(&flat)
    var offset = 0
    for parameter in parameters {
      let count = parameter.value.count
      parameter.gradient = make(Array(flat[offset..<(offset + count)]), parameter)
      offset += count
    }
  }
  if first.value.dtype == .float64 {
    try reduce(
      { $0.doubles }, { Tensor($0, shape: $1.value.shape, on: $1.value.backend) })
  } else {
    try reduce(
      { $0.floats }, { Tensor($0, shape: $1.value.shape, on: $1.value.backend) })
  }
}

/// Makes every rank's parameters rank `root`'s.
func broadcastParameters(
  _ parameters: [Parameter], from root: Int, _ communicator: any Communicator
)
  throws(DistributedError)
{
  guard communicator.size > 1 else { return }
  for parameter in parameters {
    let value = parameter.value
    if value.dtype == .float64 {
      var buffer = value.doubles
      try communicator.broadcast(&buffer, root: root)
      parameter.value = Tensor(buffer, shape: value.shape, on: value.backend)
    } else {
      var buffer = value.floats
      try communicator.broadcast(&buffer, root: root)
      parameter.value = Tensor(buffer, shape: value.shape, on: value.backend)
    }
  }
}

extension AutoencoderPretrainer {
  /// A new autoencoder pretrained data-parallel: each rank of `communicator` passes its own
  /// contiguous block of the rows (rank 0 the first block, and so on).
  ///
  /// The result equals ``fit(_:hiddenSizes:latentDimension:checkpoints:progress:)`` on all rows
  /// up to floating-point summation order: every rank draws the single-process run's batches
  /// and noise, computes the loss of the batch rows it holds, and the gradients are all-reduced
  /// before every optimiser step. Every rank returns the same autoencoder. Only rank 0 writes
  /// checkpoints; `progress` runs on every rank, and a `.stop` from any rank stops all.
  ///
  /// Memory per rank: its `n_r × D` rows plus one model, its optimiser state and one gradient
  /// buffer. Communication per step: an all-reduce of the `P` gradients (`4·P` bytes in
  /// float32) and of the loss; `⌈n / B⌉` steps per epoch.
  ///
  /// - Throws: ``DCRLError`` as `fit` does, ``DCRLError/input(_:)`` when the ranks' feature counts
  ///   differ, ``DCRLError/unsupported(_:)`` for DEC's layer-wise stage on several ranks, and
  ///   ``DCRLError/distributed(_:)`` when a collective fails.
  public func fit(
    shard x: Tensor, communicator: any Communicator, hiddenSizes: [Int], latentDimension: Int,
    checkpoints: CheckpointPolicy? = nil,
    progress: (PretrainingEpoch) -> ProgressAction = { _ in .continue }
  ) throws(DCRLError) -> Autoencoder {
    try configuration.validate()
    try validateFeatures(x)
    if configuration.layerWise != nil {
      guard communicator.size == 1 else {
        throw .unsupported("DEC's layer-wise pretraining stage on more than one rank")
      }
      // One rank holds every row: the single-process run, its layer-wise stage included.
      return try fit(
        x, hiddenSizes: hiddenSizes, latentDimension: latentDimension, checkpoints: checkpoints,
        progress: progress)
    }
    if communicator.rank == 0 { try checkpoints?.checkWritable() }
    let sizes = try collective { () throws(DistributedError) in
      try communicator.allGather([Int64(x.shape[0]), Int64(x.shape[1])])
    }
    if let other = sizes.first(where: { $0[1] != Int64(x.shape[1]) }) {
      throw .input(
        .featureMismatch(
          parameter: "x on rank \(communicator.rank)", features: x.shape[1],
          expected: Int(other[1])))
    }
    let shard = try collective { () throws(DistributedError) in
      try RowShard.contiguous(counts: sizes.map { Int($0[0]) })[communicator.rank]
    }
    var rng = Xoshiro256(seed: configuration.seed)
    let autoencoder = Autoencoder(
      inputDimension: x.shape[1], hiddenSizes: hiddenSizes, latentDimension: latentDimension,
      dtype: x.dtype, on: x.backend, using: &rng)
    try collective { () throws(DistributedError) in
      try broadcastParameters(autoencoder.parameters, from: 0, communicator)
    }
    var optimizer = configuration.makeOptimizer()
    try run(
      autoencoder, on: x, optimizer: &optimizer, rng: &rng, from: 0, records: [],
      checkpoints: checkpoints,
      parallel: DataParallelStep(communicator: communicator, shard: shard), progress: progress)
    return autoencoder
  }
}
