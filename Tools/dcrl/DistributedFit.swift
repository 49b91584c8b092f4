// DistributedFit: `mpirun -np R dcrl fit …` — every rank reads only its block of the rows of the
// .npy input, pretraining and fine-tuning run data-parallel, rank 0 prints the progress and
// writes every output, and a failure on any rank ends all of them.

import DCRL
import Datasets
import Distributed
import Foundation
import Tensor
import _CommandLineSupport

extension FitCommand {
  /// `dcrl fit` as one rank of an `mpirun` / `srun` job of several ranks.
  ///
  /// Checks that depend only on the flags run on every rank before any collective, so they fail
  /// on every rank alike; from the first collective on, an error on any rank calls
  /// `MPI_Abort` with its message, which ends every rank.
  static func runDistributed(_ arguments: ParsedArguments) throws {
    guard let inputName = arguments.string("input") else { throw UsageError("--input is required") }
    guard let outPath = arguments.string("out") else { throw UsageError("--out is required") }
    let url = URL(fileURLWithPath: inputName)
    let isDataset = datasetAliases[inputName] != nil
    guard isDataset || url.pathExtension.lowercased() == "npy" else {
      throw UsageError(
        "--input: on several ranks the features must be a .npy file (each rank reads its own rows) "
          + "or a dataset name; convert \(inputName) with numpy.save")
    }
    guard arguments.string("scale") == "none" else {
      throw UsageError(
        "--scale \(arguments.string("scale")!): feature scaling is not available on several ranks "
          + "yet; scale the .npy beforehand, or run on one process")
    }
    if !isDataset && !FileManager.default.fileExists(atPath: url.path) {
      throw UsageError("--input: no file at \(inputName)")
    }
    let communicator = try DistributedLaunch.communicator()
    do {
      try fitOnRanks(arguments, input: inputName, out: outPath, communicator: communicator)
    } catch let error as InterruptedError {
      if communicator.rank == 0 { throw error }
      exit(interruptedStatus)
    } catch {
      communicator.abort(failureMessage(error))
    }
  }

  private static func fitOnRanks(
    _ arguments: ParsedArguments, input inputName: String, out outPath: String,
    communicator: any Communicator
  ) throws {
    let rank = communicator.rank
    let threads = try applyThreads(arguments)
    let interval = try checkpointInterval(arguments)
    let header = csvHeader(arguments)
    // This rank's rows only.
    var input: LoadedInput
    let rows: Int
    let shard: RowShard
    if datasetAliases[inputName] != nil {
      input = try loadInput(inputName, dataRoot: arguments.string("data"), header: header)
      rows = input.features.shape[0]
      shard = try RowShard.balanced(rows: rows, ranks: communicator.size, rank: rank)
      input.features = input.features.rows(shard.range)
    } else {
      let url = URL(fileURLWithPath: inputName)
      let shape = try NPY.shape(of: url)
      guard shape.count == 2 else {
        throw UsageError("--input: \(inputName) has shape \(shape); expected [samples, features]")
      }
      rows = shape[0]
      shard = try RowShard.balanced(rows: rows, ranks: communicator.size, rank: rank)
      input = LoadedInput(
        features: try NPY.read(rows: shard.range, from: url).tensor(), labels: nil,
        name: url.deletingPathExtension().lastPathComponent)
    }
    var labels = input.labels
    if let path = arguments.string("labels") { labels = try loadLabels(path, header: header) }
    var configuration = try makeConfiguration(arguments, input: input, labels: labels)
    let expectedAccuracy = try expectedAccuracy(arguments, labels: labels)
    try validateFit(
      configuration, rows: rows, features: input.features.shape[1], name: inputName,
      labels: labels)
    try configuration.validate()
    let x = input.features
    let shardLabels = labels.map { Array($0[shard.range]) }

    // Rank 0 owns the output folder; the others write nothing.
    var folder: RunFolder?
    var session: TrainingSession?
    var record: RunRecord?
    if rank == 0 {
      let force = arguments.isSet("force")
      try RunFolder.check(
        outPath, force: force,
        inputs: [("input", arguments.string("input")), ("labels", arguments.string("labels"))])
      // The fingerprint of the whole input, read block by block (a dataset is small: whole).
      let fingerprint: InputFingerprint
      if datasetAliases[inputName] != nil {
        fingerprint = InputFingerprint(
          try loadInput(inputName, dataRoot: arguments.string("data")).features)
      } else {
        fingerprint = try InputFingerprint(
          npy: URL(fileURLWithPath: inputName), rows: rows, columns: x.shape[1])
      }
      record = RunRecord(configuration: configuration, preprocessing: .none, input: fingerprint)
      folder = try RunFolder(creating: outPath, replacing: force)
    }
    var accuracy: Double?
    let work = {
      if rank == 0 {
        let created = try TrainingSession(
          out: folder!.url, total: configuration.epochs,
          pretrainingTotal: configuration.pretraining.epochs, interval: interval,
          input: inputName, threads: threads)
        try record!.save(in: created.checkpoints.directory)
        session = created
        print(
          "dcrl fit: \(input.name), \(rows) samples × \(x.shape[1]) features → "
            + "\(configuration.clusters) clusters, on \(communicator.size) ranks")
      }
      let trainer = DCRLTrainer(configuration: configuration)
      let autoencoder = try AutoencoderPretrainer(configuration: trainer.pretrainingConfiguration)
        .fit(
          shard: x, communicator: communicator, hiddenSizes: configuration.hiddenSizes,
          latentDimension: configuration.latentDimension, checkpoints: session?.checkpoints,
          progress: session?.onPretrainingEpoch ?? { _ in .continue })
      try stopIfInterrupted(session, communicator) {
        try $0.checkPretrainingInterrupted(epochs: configuration.pretraining.epochs)
      }
      configuration = trainer.configuration
      let model = try trainer.fit(
        shard: x, communicator: communicator, labels: shardLabels, autoencoder: autoencoder,
        checkpoints: session?.checkpoints, progress: session?.onEpoch ?? { _ in .continue })
      try stopIfInterrupted(session, communicator) {
        try $0.checkInterrupted(epochs: configuration.epochs)
      }
      let latent = try gatherRows(try model.transform(x), communicator)
      if let session, let record {
        accuracy = try session.finish(
          model, latent: latent, predicted: model.trainingLabels, labels: labels, record: record)
      }
    }
    if let folder {
      try folder.run(work)
    } else {
      try work()
    }
    if rank == 0, let expectedAccuracy, let accuracy, accuracy < expectedAccuracy {
      throw CommandFailure(
        "ACC \(String(format: "%.4f", accuracy)) is below --expect-acc \(expectedAccuracy)")
    }
  }

  /// Ends every rank alike after a stop: rank 0 knows whether it was an interruption (its
  /// session saw the signal) and tells the others, which then exit with the same status.
  private static func stopIfInterrupted(
    _ session: TrainingSession?, _ communicator: any Communicator,
    _ check: (TrainingSession) throws -> Void
  ) throws {
    var interrupted = [Int32(session?.interrupted == true ? 1 : 0)]
    try communicator.broadcast(&interrupted, root: 0)
    if let session { try check(session) }
    if interrupted[0] == 1 {
      throw InterruptedError(description: "interrupted on rank 0")
    }
  }

  /// Every rank's rows of `local`, stacked in rank order.
  private static func gatherRows(_ local: Tensor, _ communicator: any Communicator) throws
    -> Tensor
  {
    let columns = local.shape[1]
    let all = try communicator.allGather(local.floats).flatMap { $0 }
    return Tensor(all, shape: [all.count / columns, columns])
  }
}
