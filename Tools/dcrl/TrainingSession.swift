// TrainingSession: progress, the epoch log, checkpoints, Ctrl-C and the final outputs of `fit`
// and `resume`; the run's configuration file, which `resume` reads to continue a pretraining.

import DCRL
import Datasets
import Foundation
import Metrics
import Tensor
import _CommandLineSupport

/// The exit status of a run stopped by SIGINT or SIGTERM after writing its checkpoint
/// (128 + SIGINT, as shells report an interrupted command).
let interruptedStatus: Int32 = 130

/// A training command stopped by SIGINT/SIGTERM; its checkpoint is written (RELIABILITY C2).
struct InterruptedError: Error, CustomStringConvertible {
  let description: String
}

/// The output folder of a training command and what happens after each epoch.
///
/// Creating it opens the epoch log and checks that the checkpoint folder is writable, so a bad
/// `--out` fails before any training (RELIABILITY P6).
final class TrainingSession {
  let out: URL
  let checkpoints: CheckpointPolicy
  /// Fine-tuning's progress; replaced when fine-tuning starts, so that its first estimate does
  /// not count the pretraining.
  private(set) var progress: ProgressReporter
  let pretrainingProgress: ProgressReporter
  let log: CSVLog
  /// The `dcrl resume` arguments after `--checkpoint FILE`.
  private let resumeArguments: String
  /// Whether the run stopped early on SIGINT/SIGTERM.
  private(set) var interrupted = false

  /// Opens the output folder; a resumed run (`resumingAt` the checkpoint's next fine-tuning
  /// epoch) keeps the rows of `previousLog` (its run's epochs.csv, by default this folder's)
  /// for the epochs before it, so that no epoch is logged twice after a kill.
  init(
    out: URL, total: Int, pretrainingTotal: Int = 0, interval: Int, input: String, threads: Int,
    resumingAt nextEpoch: Int? = nil, previousLog: URL? = nil
  ) throws {
    self.out = out
    checkpoints = CheckpointPolicy(
      directory: out.appendingPathComponent("checkpoint"), interval: interval)
    try checkpoints.checkWritable()
    removeLeftoverTemporaryFiles(in: checkpoints.directory)
    removeLeftoverTemporaryFiles(in: out)
    progress = ProgressReporter(total: total, label: "fine-tuning")
    pretrainingProgress = ProgressReporter(total: pretrainingTotal, label: "pretraining")
    let logFile = out.appendingPathComponent("epochs.csv")
    if let nextEpoch {
      try keepLoggedEpochs(before: nextEpoch, of: previousLog ?? logFile, in: logFile)
    }
    log = try CSVLog(
      url: logFile,
      header: [
        "epoch", "alpha", "beta", "L_C", "L_rec", "L_rank", "L_iso", "L_align", "label_change",
        "empty_clusters", "size_entropy", "acc", "nmi", "seconds",
      ], appending: nextEpoch != nil)
    // Absolute paths, so that the printed command works from any folder.
    let inputArgument =
      FileManager.default.fileExists(atPath: input)
      ? URL(fileURLWithPath: input).standardizedFileURL.path : input
    resumeArguments =
      " --input \(shellQuoted(inputArgument)) --out \(shellQuoted(out.path)) --threads \(threads)"
      + " --checkpoint-every \(interval)"
  }

  /// The `dcrl resume` command line that continues this run from `checkpoint`.
  func resumeCommand(_ checkpoint: URL) -> String {
    "dcrl resume --checkpoint \(shellQuoted(checkpoint.path))" + resumeArguments
  }

  /// Reports one pretraining epoch; stops (after the pretrainer writes its checkpoint) on Ctrl-C.
  func onPretrainingEpoch(_ epoch: PretrainingEpoch) -> ProgressAction {
    pretrainingProgress.update(
      step: epoch.epoch, message: "loss \(String(format: "%.5f", epoch.loss))")
    return stopIfInterrupted(pretrainingProgress)
  }

  /// `.stop` (ending `progress`'s line) once SIGINT/SIGTERM has arrived; `.continue` before.
  private func stopIfInterrupted(_ progress: ProgressReporter) -> ProgressAction {
    guard Interrupt.requested else { return .continue }
    interrupted = true
    progress.finish()
    return .stop
  }

  /// Throws ``InterruptedError`` saying where the pretraining checkpoint is and how to continue,
  /// when pretraining was interrupted; otherwise fine-tuning starts, and its estimate with it.
  func checkPretrainingInterrupted(epochs: Int) throws {
    guard interrupted else {
      progress = ProgressReporter(total: progress.total, label: progress.label)
      return
    }
    let file = checkpoints.pretrainingFile
    let done = (try? PretrainingCheckpoint.summary(at: file).nextEpoch) ?? 0
    throw InterruptedError(
      description:
        "interrupted during pretraining, after epoch \(done) of \(epochs); checkpoint at \(file.path)\n"
        + "continue with: \(resumeCommand(file))")
  }

  /// Reports and logs one epoch; stops (after the trainer writes a checkpoint) on Ctrl-C.
  func onEpoch(_ r: DCRLEpochReport) -> ProgressAction {
    // The step counter says which epoch this is; the summary's own "epoch N" would repeat it.
    let counter = "epoch \(r.epoch)  "
    let summary =
      r.summary.hasPrefix(counter) ? String(r.summary.dropFirst(counter.count)) : r.summary
    progress.update(step: r.epoch, message: summary)
    func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
    try? log.append([
      "\(r.epoch)", cell(r.weights.alpha), cell(r.weights.beta), cell(r.clustering),
      cell(r.reconstruction), cell(r.ranking), cell(r.isometry), cell(r.alignment),
      cell(r.labelChange), "\(r.emptyClusters)", cell(r.sizeEntropy), cell(r.accuracy),
      cell(r.nmi), cell(r.seconds),
    ])
    return stopIfInterrupted(progress)
  }

  /// Throws ``InterruptedError`` saying where the checkpoint is and how to continue, when the
  /// run was interrupted; the trainer has written the checkpoint by then.
  func checkInterrupted(epochs: Int) throws {
    guard interrupted else { return }
    let done = (try? DCRLCheckpoint.configuration(at: checkpoints.file).nextEpoch) ?? 0
    throw InterruptedError(
      description:
        "interrupted after epoch \(done) of \(epochs); checkpoint at \(checkpoints.file.path)\n"
        + "continue with: \(resumeCommand(checkpoints.file))")
  }

  /// Saves the model with its scaling and input fingerprint, and writes the codes and labels;
  /// with ground truth, prints ACC/NMI and returns ACC.
  @discardableResult
  func finish(_ model: DCRLModel, x: Tensor, labels: [Int]?, record: RunRecord) throws -> Double? {
    try finish(
      model, latent: try model.transform(x), predicted: try model.predict(x), labels: labels,
      record: record)
  }

  /// Saves the model with its scaling and input fingerprint, and writes the given codes and
  /// labels of every row (a data-parallel run gathers them first); with ground truth, prints
  /// ACC/NMI and returns ACC.
  @discardableResult
  func finish(
    _ model: DCRLModel, latent: Tensor, predicted: [Int], labels: [Int]?, record: RunRecord
  ) throws -> Double? {
    let modelDirectory = out.appendingPathComponent("model")
    try model.save(to: modelDirectory)
    try record.preprocessing.save(in: modelDirectory)
    try record.input.save(in: modelDirectory)
    try NPY.write(latent, to: out.appendingPathComponent("latent.npy"))
    try NPY.write(labels: predicted, to: out.appendingPathComponent("labels.npy"))
    print(
      "saved: \(modelDirectory.path), \(out.path)/latent.npy, \(out.path)/labels.npy, \(out.path)/epochs.csv"
    )
    guard let labels else { return nil }
    try printScores(predicted, labels)
    return try clusteringAccuracy(predicted, labels)
  }
}

/// Prints ACC, NMI (geometric and arithmetic) and ARI.
func printScores(_ predicted: [Int], _ labels: [Int]) throws {
  let accuracy = try clusteringAccuracy(predicted, labels)
  let geometric = try normalizedMutualInformation(predicted, labels, normalization: .geometric)
  let arithmetic = try normalizedMutualInformation(predicted, labels, normalization: .arithmetic)
  let ari = try adjustedRandIndex(predicted, labels)
  print(
    String(
      format: "ACC %.4f  NMI %.4f (geometric) %.4f (arithmetic)  ARI %.4f", accuracy, geometric,
      arithmetic, ari))
}

/// The model folder `--model` names: the folder itself when it holds a model, or the `model/`
/// folder inside a run folder that `dcrl fit --out` wrote.
///
/// - Throws: ``CommandFailure`` naming the folder when it holds neither.
func modelDirectory(_ path: String) throws(CommandFailure) -> URL {
  let folder = URL(fileURLWithPath: path, isDirectory: true)
  let inside = folder.appendingPathComponent("model", isDirectory: true)
  func holdsModel(_ url: URL) -> Bool {
    FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path)
  }
  if holdsModel(folder) { return folder }
  if holdsModel(inside) { return inside }
  throw CommandFailure(
    "--model: \(path) holds no model.safetensors; give the folder 'dcrl fit --out' wrote, or its "
      + "model/ folder")
}

/// Loads a model folder written by `fit` (or the run folder around it) and applies its feature
/// scaling to `x`.
func loadModel(_ path: String, for x: Tensor) throws -> (DCRLModel, Tensor) {
  let directory = try modelDirectory(path)
  let model = try DCRLModel.load(from: directory)
  return (model, try Preprocessing.load(from: directory).apply(x))
}

/// `text` quoted for a POSIX shell when it contains anything but safe characters.
func shellQuoted(_ text: String) -> String {
  let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@")
  if !text.isEmpty && text.allSatisfy({ safe.contains($0) }) { return text }
  return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Replaces `destination` with the header and the rows of the epoch log `source` for epochs
/// before `nextEpoch` (atomically); nothing when `source` does not exist.
private func keepLoggedEpochs(before nextEpoch: Int, of source: URL, in destination: URL) throws {
  guard let data = FileManager.default.contents(atPath: source.path) else { return }
  let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
  guard let header = lines.first else { return }
  let kept = lines.dropFirst().filter { line in
    line.split(separator: ",", maxSplits: 1).first.flatMap { Int($0) }.map { $0 < nextEpoch }
      ?? false
  }
  try writeAtomically(
    Data(([header] + kept).map { $0 + "\n" }.joined().utf8), to: destination.path)
}
