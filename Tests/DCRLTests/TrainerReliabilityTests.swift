// DCRLTrainer under RELIABILITY's cases: batch sizes (I15), loading what was never fitted (I19),
// collapse (D4), the full-data target (D9), stopping on label change (D10), chunked passes
// (R2), unwritable outputs and failed checkpoint writes (P6), and GPU determinism (D13).

import Autograd
import Clustering
import Foundation
import Metrics
import NN
import Tensor
import Testing
import _TestSupport

@testable import DCRL

#if canImport(Glibc)
  import Glibc
#endif

private func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-reliability-\(UUID())", isDirectory: true)
}

/// A regular file, so that any path below it can be neither created nor written, even by root.
private func blockingFile() throws -> URL {
  let file = temporaryDirectory()
  try Data("not a directory".utf8).write(to: file)
  return file
}

/// The flattened parameters and centres of a model.
private func state(_ model: DCRLModel) -> [Float] {
  model.autoencoder.parameters.flatMap { $0.value.floats } + model.centers.floats
}

@Suite("DCRLTrainer reliability")
struct TrainerReliabilityTests {
  let data = syntheticMixture(perCluster: 5, seed: 12)  // 50 samples, 50 features

  // MARK: I15

  /// The pretraining loop written out with the public pieces: one permutation per epoch,
  /// batches of `batchSize` with the last partial one kept, one Adam step each (noise 0).
  private func referencePretraining(batchSize: Int, epochs: Int) -> [Float] {
    var rng = Xoshiro256(seed: 0)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 3, using: &rng)
    var adam = Adam(learningRate: 1e-3)
    for _ in 0..<epochs {
      let order = randomPermutation(50, using: &rng)
      for start in stride(from: 0, to: 50, by: batchSize) {
        let batch = data.x.gatheringRows(Array(order[start..<min(start + batchSize, 50)]))
        _ = valueWithGradient(at: autoencoder.parameters) {
          meanSquaredError(autoencoder(Variable(batch)), batch)
        }
        adam.update(autoencoder.parameters)
      }
    }
    return autoencoder.parameters.flatMap { $0.value.floats }
  }

  @Test("I15 pretraining with batch size 1, 16 (last batch of 2) and 1000 > n takes every batch")
  func pretrainingBatches() throws {
    for batchSize in [1, 16, 50, 1000] {
      var configuration = AutoencoderPretrainer.Configuration()
      configuration.epochs = 2
      configuration.batchSize = batchSize
      configuration.noise = 0
      let autoencoder = try AutoencoderPretrainer(configuration: configuration).fit(
        data.x, hiddenSizes: [16], latentDimension: 3)
      let actual = autoencoder.parameters.flatMap { $0.value.floats }
      #expect(actual == referencePretraining(batchSize: batchSize, epochs: 2), "B = \(batchSize)")
    }
  }

  @Test("I15 fine-tuning with batch size 1, a partial last batch, and one larger than n")
  func fineTuningBatches() throws {
    var rng = Xoshiro256(seed: 5)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 3, using: &rng)
    var models: [Int: DCRLModel] = [:]
    for batchSize in [1, 16, 50, 1000] {
      let directory = temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let policy = CheckpointPolicy(directory: directory, interval: 100)
      let model = try DCRLTrainer(
        configuration: tinyDCRLConfiguration(epochs: 2, batchSize: batchSize)
      ).fit(
        data.x, autoencoder: autoencoder.copy(), checkpoints: policy)
      models[batchSize] = model
      #expect(model.history.allSatisfy { ($0.clustering ?? 0).isFinite }, "B = \(batchSize)")
      // Adam #1 steps once per batch: ⌈50 / B⌉ batches in each of the 2 epochs.
      let saved = try DCRLCheckpoint.read(from: policy.file, on: CPUBackend.shared)
      let steps = saved.batchOptimizer.state(of: saved.centers)?.step
      #expect(steps == 2 * ((50 + batchSize - 1) / batchSize), "B = \(batchSize)")
    }
    // A batch larger than the data is one batch of all of it, exactly as B = n.
    #expect(try #require(models[1000]).centers.floats == (try #require(models[50])).centers.floats)
    #expect(state(try #require(models[1000])) == state(try #require(models[50])))
  }

  // MARK: I19

  /// Predict-before-fit cannot be written: `DCRLTrainer.fit` returns the distinct `DCRLModel`,
  /// the only type with `predict` (as every estimator here; STYLE.md §3).
  ///
  /// What users can still
  /// do is point `load` at a folder that holds no fitted model.
  @Test("I19 loading a model from a folder never fitted throws, naming the file and how to fit")
  func loadUnfitted() throws {
    let directory = temporaryDirectory()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      _ = try DCRLModel.load(from: directory)
      Issue.record("an empty folder loaded")
    } catch {
      guard case .io(let path, let reason) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(path.hasSuffix("model.safetensors"))
      #expect(reason.contains("DCRLTrainer.fit"), "\(reason)")
    }
    // A checkpoint folder is not a model folder either.
    #expect(throws: DCRLError.self) {
      try DCRLModel.load(from: directory.deletingLastPathComponent())
    }
  }

  // MARK: D4

  @Test("D4 a collapse onto one cluster reports size entropy 0, and ACC/NMI are still computed")
  func collapse() throws {
    var rng = Xoshiro256(seed: 2)
    let c = tinyDCRLConfiguration(epochs: 1)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 3, using: &rng)
    // Centre 0 sits on the codes' mean; the others are 10⁴ away, so every point's q peaks there.
    let codes = autoencoder.encodeAll(data.x)
    let mean = codes.mean(axis: 0).floats
    var centers = [Float]()
    for j in 0..<10 { centers += mean.map { $0 + (j == 0 ? 0 : 1e4 * Float(j)) } }
    let training = DCRLTrainingState(
      configuration: c, autoencoder: autoencoder, centers: Tensor(centers, shape: [10, 3]),
      inputCenters: Tensor.zeros([10, 50]), rng: Xoshiro256(seed: 1))
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let policy = CheckpointPolicy(directory: directory)
    try DCRLCheckpoint.Snapshot(training).write(to: policy)
    let model = try DCRLTrainer(configuration: c).resume(
      from: policy.file, input: data.x, labels: data.labels)
    let report = try #require(model.history.first)
    #expect(report.clusterSizes == [50] + Array(repeating: 0, count: 9))
    #expect(report.sizeEntropy == 0)
    #expect(report.emptyClusters == 9)
    #expect(report.accuracy == 0.1 && report.nmi == 0)
    #expect(report.summary.contains("empty 9"))
    // Balanced sizes give 1.
    #expect(abs(normalizedEntropy([5, 5, 5, 5]) - 1) < 1e-12)
  }

  // MARK: D9

  @Test("D9 the target P is computed from the whole data, and each batch trains on its rows")
  func fullDataTarget() throws {
    var c = tinyDCRLConfiguration(epochs: 1)
    c.clusteringReduction = .mean
    let trainer = DCRLTrainer(configuration: c)
    var rng = Xoshiro256(seed: 4)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 3, using: &rng)
    let (centers, inputCenters) = try trainer.initialCenters(
      autoencoder: autoencoder, input: data.x)
    let weights = EpochWeights(epoch: 0, configuration: c)
    #expect(weights.alpha > 0)
    let latent = autoencoder.encodeAll(data.x)
    let structure = try EpochStructure.compute(
      input: data.x, latent: latent, centers: centers, previousInputCenters: inputCenters,
      weights: weights, configuration: c)

    // Equations 1 and 2 over all N samples, in Double.
    func assignments(_ rows: [Int]) -> [[Double]] {
      let (z, mu) = (latent.doubles, centers.doubles)
      return rows.map { i in
        let kernel = (0..<10).map { j in
          1 / (1 + (0..<3).reduce(0.0) { $0 + pow(z[i * 3 + $1] - mu[j * 3 + $1], 2) })
        }
        let total = kernel.reduce(0, +)
        return kernel.map { $0 / total }
      }
    }
    func target(_ q: [[Double]]) -> [[Double]] {
      let f = (0..<10).map { j in q.reduce(0.0) { $0 + $1[j] } }
      return q.map { row in
        let sharpened = (0..<10).map { row[$0] * row[$0] / f[$0] }
        let total = sharpened.reduce(0, +)
        return sharpened.map { $0 / total }
      }
    }
    let q = assignments(Array(0..<50))
    let p = target(q)
    let actual = try #require(structure.target)
    expectClose(actual.doubles, p.flatMap { $0 }, rtol: 1e-4, atol: 1e-6)

    // One mini-batch: its L_C is KL(P_full[batch] ‖ Q_batch), not the per-batch target's.
    let batch = [3, 17, 21, 40, 41, 8, 30, 12]
    let perBatch = target(assignments(batch))
    let fullRows = batch.map { p[$0] }
    let gap = zip(perBatch.flatMap { $0 }, fullRows.flatMap { $0 }).map { abs($0 - $1) }.max()!
    #expect(gap > 1e-3, "a per-batch P would be indistinguishable here (gap \(gap))")
    func kl(_ target: [[Double]], _ q: [[Double]]) -> Double {
      var sum = 0.0
      for (pRow, qRow) in zip(target, q) {
        for (pv, qv) in zip(pRow, qRow) where pv > 0 { sum += pv * Foundation.log(pv / qv) }
      }
      return sum / Double(target.count * 10)  // reduction .mean: over B·C elements
    }
    let training = DCRLTrainingState(
      configuration: c, autoencoder: autoencoder.copy(), centers: centers,
      inputCenters: inputCenters, rng: Xoshiro256(seed: 1))
    let losses = try training.miniBatchStep(
      input: data.x, indices: batch, structure: structure, weights: weights, rankingDivisor: 1,
      epoch: 0, step: 0)
    let reported = try #require(losses.clustering)
    let batchQ = assignments(batch)
    expectClose([reported], [kl(fullRows, batchQ)], rtol: 1e-4, atol: 1e-7)
    #expect(abs(reported - kl(perBatch, batchQ)) > 1e-4 * abs(reported))
  }

  // MARK: D10

  /// DCRL trains for a fixed number of epochs, as the paper and the authors' code do
  /// (Docs/Algorithm.md#training); the label-change rule of DEC is available through `progress`,
  /// which sees each epoch's `labelChange`.
  @Test("D10 DCRL stops on a label-change tolerance through its progress callback")
  func labelChangeStop() throws {
    let trainer = DCRLTrainer(configuration: tinyDCRLConfiguration(epochs: 40))
    var seen: [Double] = []
    let model = try trainer.fit(data.x) { report in
      seen.append(report.labelChange)
      return report.epoch > 0 && report.labelChange < 0.001 ? .stop : .continue
    }
    #expect(seen.first == 1, "the first epoch has no previous labels")
    #expect(model.history.count < 40, "label changes: \(seen)")
    #expect(model.history.last.map { $0.labelChange < 0.001 } == true)
  }

  // MARK: R2

  @Test("R2 full-data passes are chunked: a 7-row chunk trains the model of an unchunked run")
  func chunkedPasses() throws {
    #expect(DCRLConfiguration().fullPassChunkSize == 8192, "the documented default")
    var rng = Xoshiro256(seed: 6)
    let autoencoder = Autoencoder(
      inputDimension: 50, hiddenSizes: [16], latentDimension: 3, using: &rng)
    var chunked = tinyDCRLConfiguration(epochs: 3)
    chunked.fullPassChunkSize = 7
    let a = try DCRLTrainer(configuration: tinyDCRLConfiguration(epochs: 3)).fit(
      data.x, autoencoder: autoencoder.copy())
    let b = try DCRLTrainer(configuration: chunked).fit(data.x, autoencoder: autoencoder.copy())
    // The chunked step sums the same gradient in another order: equal up to float32 rounding.
    expectClose(state(b).map(Double.init), state(a).map(Double.init), rtol: 1e-3, atol: 1e-5)
    #expect(a.trainingLabels == b.trainingLabels)
  }

  // MARK: P6

  @Test("P6 unwritable model and checkpoint folders throw .io before any training")
  func unwritableOutputs() throws {
    let file = try blockingFile()
    defer { try? FileManager.default.removeItem(at: file) }
    let target = file.appendingPathComponent("out")
    let model = try DCRLTrainer(configuration: tinyDCRLConfiguration(epochs: 1)).fit(data.x)
    #expect {
      try model.save(to: target)
    } throws: { error in
      guard case .io(let path, _) = error as? DCRLError else { return false }
      return path == target.path
    }
    var pretrainingEpochs = 0
    #expect {
      _ = try DCRLTrainer(configuration: tinyDCRLConfiguration(epochs: 1)).fit(
        data.x, checkpoints: CheckpointPolicy(directory: target),
        pretrainingProgress: { _ in
          pretrainingEpochs += 1
          return .continue
        })
    } throws: { error in
      guard case .io(let path, let reason) = error as? DCRLError else { return false }
      return path == target.path && reason.contains("checkpoint directory")
    }
    #expect(pretrainingEpochs == 0, "the probe must fail before pretraining")
  }

  /// A checkpoint is written to a temporary file and renamed over the old one, so a write that
  /// fails midway (here: the file-size limit of `ulimit -f`, as a full disk would) or a process
  /// killed midway leaves the previous checkpoint intact.
  ///
  /// The child process trains 2 epochs with
  /// a checkpoint each, lowers its file-size limit below the checkpoint's size, trains on (the
  /// next write fails with EFBIG), restores the limit and resumes from the surviving file.
  @Test(
    "P6 a checkpoint write that fails midway (a file-size limit) leaves the last checkpoint resumable"
  )
  func failedCheckpointWrite() async {
    await #expect(processExitsWith: .success) {
      signal(SIGXFSZ, SIG_IGN)
      let data = syntheticMixture(perCluster: 5, seed: 12)
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "dcrl-efbig-\(UUID())")
      defer { try? FileManager.default.removeItem(at: directory) }
      let policy = CheckpointPolicy(directory: directory, interval: 1)
      let c = tinyDCRLConfiguration(epochs: 4)
      let trainer = DCRLTrainer(configuration: c)
      let whole = try trainer.fit(data.x)
      _ = try trainer.fit(
        data.x, checkpoints: policy, progress: { $0.epoch == 1 ? .stop : .continue })
      let good = try Data(contentsOf: policy.file)
      guard try DCRLCheckpoint.configuration(at: policy.file).nextEpoch == 2 else { exit(10) }
      // Resume with the file size limited to half a checkpoint: epoch 2's write must fail.
      var limit = rlimit()
      getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
      var lowered = limit
      lowered.rlim_cur = rlim_t(good.count / 2)
      setrlimit(Int32(RLIMIT_FSIZE.rawValue), &lowered)
      do {
        _ = try trainer.resume(from: policy.file, input: data.x, checkpoints: policy)
        exit(11)  // the write should have failed
      } catch {
        guard case .io = error as? DCRLError else { exit(12) }
      }
      setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
      // The old checkpoint is byte for byte the same, and a half-written temporary file may lie
      // beside it; resuming from it still gives the uninterrupted run's model.
      guard try Data(contentsOf: policy.file) == good else { exit(13) }
      let resumed = try trainer.resume(from: policy.file, input: data.x, checkpoints: policy)
      guard resumed.centers.floats == whole.centers.floats,
        zip(resumed.autoencoder.parameters, whole.autoencoder.parameters).allSatisfy({
          $0.value.floats == $1.value.floats
        })
      else { exit(14) }
      exit(0)
    }
  }

  // MARK: D12

  /// With two OpenBLAS threads a run repeats bit for bit (OpenBLAS partitions each GEMM
  /// statically).
  ///
  /// Against one thread the GEMMs differ in the last bits (see the Tensor tests),
  /// and training amplifies that like any other perturbation, so the two models differ; the
  /// stated tolerance is on the result: the two clusterings agree on at least 90 % of the
  /// samples up to relabelling (their ACC against each other).
  @Test("D12 DCRL with 2 OpenBLAS threads repeats its bits; against 1 thread, the same clusters")
  func blasThreads() async {
    let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
      let data = syntheticMixture(perCluster: 20, seed: 3)
      var c = DCRLConfiguration()
      c.hiddenSizes = [500]
      c.latentDimension = 5
      c.epochs = 4
      c.warmUpEpochs = 1
      c.scheduleEnd = 3
      c.batchSize = 128
      c.pretraining.epochs = 10
      c.pretraining.batchSize = 128
      c.pretraining.noise = 0.05
      c.centerInitialization = .kMeans
      c.initializationKMeansRuns = 4
      let trainer = DCRLTrainer(configuration: c)
      CPUBackend.setBLASThreads(1)
      let one = try trainer.fit(data.x)
      CPUBackend.setBLASThreads(2)
      let two = try trainer.fit(data.x)
      let again = try trainer.fit(data.x)
      guard two.centers.floats == again.centers.floats, two.trainingLabels == again.trainingLabels
      else { exit(1) }
      let agreement = try clusteringAccuracy(one.trainingLabels, two.trainingLabels)
      print(
        "DCRL 1 vs 2 threads: agreement \(agreement), identical \(one.centers.floats == two.centers.floats)"
      )
      exit(agreement >= 0.9 ? 0 : 2)
    }
    print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self), terminator: "")
  }

  // MARK: D13

  /// cuBLAS GEMMs are run-to-run reproducible on one GPU and the backend's kernels reduce in a
  /// fixed order without atomics, so two runs should agree bit for bit; the stated tolerance
  /// (rtol 1e-5) allows for cuBLAS choosing another algorithm between runs.
  @Test(
    "D13 the same seed on the GPU gives the same model within rtol 1e-5",
    .enabled(if: CUDABackend.isAvailable))
  func gpuDeterminism() throws {
    let backend = try CUDABackend()
    let trainer = DCRLTrainer(configuration: tinyDCRLConfiguration(epochs: 3), backend: backend)
    let a = try trainer.fit(data.x)
    let b = try trainer.fit(data.x)
    expectClose(state(b).map(Double.init), state(a).map(Double.init), rtol: 1e-5, atol: 1e-6)
    #expect(a.trainingLabels == b.trainingLabels)
  }
}
