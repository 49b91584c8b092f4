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
  let progress: ProgressReporter
  let pretrainingProgress: ProgressReporter
  let log: CSVLog
  /// The `dcrl resume` arguments after `--checkpoint FILE`.
  private let resumeArguments: String
  /// Whether the run stopped early on SIGINT/SIGTERM.
  private(set) var interrupted = false

  init(
    out: URL, total: Int, pretrainingTotal: Int = 0, interval: Int, input: String, threads: Int,
    resuming: Bool = false
  ) throws {
    self.out = out
    checkpoints = CheckpointPolicy(
      directory: out.appendingPathComponent("checkpoint"), interval: interval)
    try checkpoints.checkWritable()
    progress = ProgressReporter(total: total, label: "fine-tuning")
    pretrainingProgress = ProgressReporter(total: pretrainingTotal, label: "pretraining")
    log = try CSVLog(
      url: out.appendingPathComponent("epochs.csv"),
      header: [
        "epoch", "alpha", "beta", "L_C", "L_rec", "L_rank", "L_iso", "L_align", "label_change",
        "empty_clusters", "size_entropy", "acc", "nmi", "seconds",
      ], appending: resuming)
    resumeArguments =
      " --input \(shellQuoted(input)) --out \(shellQuoted(out.path)) --threads \(threads)"
      + " --checkpoint-every \(interval)"
  }

  /// The `dcrl resume` command line that continues this run from `checkpoint`.
  func resumeCommand(_ checkpoint: URL) -> String {
    "dcrl resume --checkpoint \(shellQuoted(checkpoint.path))" + resumeArguments
  }

  /// Reports one pretraining epoch; stops (after the pretrainer writes its checkpoint) on Ctrl-C.
  func onPretrainingEpoch(_ epoch: PretrainingEpoch) -> TrainingControl {
    pretrainingProgress.update(
      step: epoch.epoch, message: "loss \(String(format: "%.5f", epoch.loss))")
    return stopIfInterrupted(pretrainingProgress)
  }

  /// `.stop` (ending `progress`'s line) once SIGINT/SIGTERM has arrived; `.proceed` before.
  private func stopIfInterrupted(_ progress: ProgressReporter) -> TrainingControl {
    guard Interrupt.requested else { return .proceed }
    interrupted = true
    progress.finish()
    return .stop
  }

  /// Throws ``InterruptedError`` saying where the pretraining checkpoint is and how to continue,
  /// when pretraining was interrupted.
  func checkPretrainingInterrupted(epochs: Int) throws {
    guard interrupted else { return }
    let file = checkpoints.pretrainingFile
    let done = (try? PretrainingCheckpoint.summary(at: file).nextEpoch) ?? 0
    throw InterruptedError(
      description:
        "interrupted during pretraining, after epoch \(done) of \(epochs); checkpoint at \(file.path)\n"
        + "continue with: \(resumeCommand(file))")
  }

  /// Reports and logs one epoch; stops (after the trainer writes a checkpoint) on Ctrl-C.
  func onEpoch(_ r: DCRLEpochReport) -> TrainingControl {
    progress.update(step: r.epoch, message: r.summary)
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

  /// Saves the model and writes the codes and labels; prints and checks ACC/NMI with labels.
  func finish(
    _ model: DCRLModel, x: Tensor, labels: [Int]?, preprocessing: Preprocessing,
    expectedAccuracy: Double?
  ) throws {
    let modelDirectory = out.appendingPathComponent("model")
    try model.save(to: modelDirectory)
    try preprocessing.save(in: modelDirectory)
    try NPY.write(try model.transform(x), to: out.appendingPathComponent("latent.npy"))
    let predicted = try model.predict(x)
    try NPY.write(labels: predicted, to: out.appendingPathComponent("labels.npy"))
    print(
      "saved: \(modelDirectory.path), \(out.path)/latent.npy, \(out.path)/labels.npy, \(out.path)/epochs.csv"
    )
    guard let labels else { return }
    let accuracy = try clusteringAccuracy(predicted, labels)
    try printScores(predicted, labels)
    if let expectedAccuracy, accuracy < expectedAccuracy {
      throw UsageError(
        "ACC \(String(format: "%.4f", accuracy)) is below --expect-acc \(expectedAccuracy)")
    }
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

/// Loads a model folder written by `fit` and applies its feature scaling to `x`.
func loadModel(_ path: String, for x: Tensor) throws -> (DCRLModel, Tensor) {
  let directory = URL(fileURLWithPath: path, isDirectory: true)
  let model = try DCRLModel.load(from: directory)
  return (model, try Preprocessing.load(from: directory).apply(x))
}

/// `text` quoted for a POSIX shell when it contains anything but safe characters.
func shellQuoted(_ text: String) -> String {
  let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@")
  if !text.isEmpty && text.allSatisfy({ safe.contains($0) }) { return text }
  return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// The configuration `dcrl fit` runs with, saved in its output folder as `configuration.json`
/// so that `dcrl resume` can fine-tune after continuing an interrupted pretraining.
enum RunConfigurationFile {
  static func url(in out: URL) -> URL { out.appendingPathComponent("configuration.json") }

  static func save(_ configuration: DCRLConfiguration, in out: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(configuration).write(to: url(in: out), options: .atomic)
  }

  /// - Throws: ``RunFileError`` naming the file when it is missing,
  ///   unreadable or not a valid configuration.
  static func load(from out: URL) throws -> DCRLConfiguration {
    let file = url(in: out)
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw RunFileError(
        path: file.path,
        reason: "cannot be read (\(error.localizedDescription)); resuming a pretraining needs the "
          + "configuration 'dcrl fit' saved there (pass --out for the run's folder)")
    }
    do {
      let configuration = try JSONDecoder().decode(DCRLConfiguration.self, from: data)
      try configuration.validate()
      return configuration
    } catch {
      throw RunFileError(
        path: file.path, reason: "is not a valid DCRL configuration (\(error))")
    }
  }
}
