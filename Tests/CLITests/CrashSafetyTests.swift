// `dcrl fit` killed with SIGKILL or interrupted with SIGINT resumes to the uninterrupted model
// bit for bit; its epoch log and progress lines; unwritable outputs and unfitted models
// (RELIABILITY C2, C3, P6, I19).

import Datasets
import Foundation
import Tensor
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `dcrl fit` on the fixture: a 32-unit network, one OpenBLAS thread (bit-reproducible), a
/// checkpoint after every epoch.
private func fitArguments(_ directory: URL, out: String, epochs: Int) -> [String] {
  [
    "fit", "--input", directory.appendingPathComponent("x.npy").path, "--clusters", "5",
    "--epochs", "\(epochs)", "--pretrain-epochs", "15", "--hidden", "32", "--latent", "3",
    "--init", "kmeans", "--threads", "1", "--checkpoint-every", "1",
    "--out", directory.appendingPathComponent(out).path,
  ]
}

/// The tensors of a saved model, by name.
private func modelTensors(_ run: URL) throws -> [String: [Float]] {
  let file = run.appendingPathComponent("model/model.safetensors")
  return try SafeTensors.read(from: file).tensors.mapValues { $0.floats }
}

/// The number of data rows of a run's epochs.csv.
private func loggedEpochs(_ run: URL) -> Int {
  let text = (try? String(contentsOf: run.appendingPathComponent("epochs.csv"), encoding: .utf8))
  return max(0, (text?.split(separator: "\n").count ?? 0) - 1)
}

/// A `dcrl` child process whose output goes to files in `log`.
private final class Child {
  let process = Process()
  let output: URL
  let error: URL

  init(_ arguments: [String], log: URL, in folder: URL? = nil) throws {
    output = log.appendingPathExtension("out")
    error = log.appendingPathExtension("err")
    for file in [output, error] {
      _ = FileManager.default.createFile(atPath: file.path, contents: nil)
    }
    process.executableURL = try executable()
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = try FileHandle(forWritingTo: error)
    try process.run()
  }

  /// Polls every 5 ms until `condition` holds or the process ends; true if it held first.
  func wait(until condition: () -> Bool) -> Bool {
    while process.isRunning {
      if condition() { return true }
      usleep(5_000)
    }
    return false
  }

  func finish() -> (reason: Process.TerminationReason, status: Int32, output: String, error: String)
  {
    process.waitUntilExit()
    let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    return (process.terminationReason, process.terminationStatus, read(output), read(error))
  }
}

@Suite("dcrl crash safety, logs and outputs")
struct CrashSafetyTests {
  /// Starts `arguments`, waits until `ready` holds, sleeps `delay` seconds and sends `signal`.
  ///
  /// Returns nil when the process finished before the signal could be sent.
  private func interrupt(
    _ arguments: [String], log: URL, in folder: URL? = nil, when ready: () -> Bool,
    delay: Double, signal: Int32
  ) throws -> (reason: Process.TerminationReason, status: Int32, output: String, error: String)? {
    let child = try Child(arguments, log: log, in: folder)
    guard child.wait(until: ready) else {
      _ = child.finish()
      return nil
    }
    usleep(useconds_t(delay * 1e6))
    guard child.process.isRunning else {
      _ = child.finish()
      return nil
    }
    kill(child.process.processIdentifier, signal)
    return child.finish()
  }

  /// The reference run and the fine-tuning time it logged.
  private func reference(_ directory: URL, epochs: Int) throws -> (
    tensors: [String: [Float]], seconds: Double
  ) {
    let result = try dcrl(fitArguments(directory, out: "reference", epochs: epochs))
    #expect(result.status == 0, "\(result.error)")
    let run = directory.appendingPathComponent("reference")
    let log = try String(contentsOf: run.appendingPathComponent("epochs.csv"), encoding: .utf8)
    let seconds = log.split(separator: "\n").dropFirst().compactMap {
      $0.split(separator: ",", omittingEmptySubsequences: false).last.flatMap { Double($0) }
    }.reduce(0, +)
    return (try modelTensors(run), seconds)
  }

  @Test(
    "P1 SIGKILL at a random point after the first checkpoint, twice; resuming gives identical bits")
  func killAndResume() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let epochs = 60
    let (expected, seconds) = try reference(directory, epochs: epochs)
    let run = directory.appendingPathComponent("killed")
    let checkpoint = run.appendingPathComponent("checkpoint/checkpoint.safetensors")
    var rng = Xoshiro256(seed: 12)
    var kills: [Int] = []
    // Kill `fit`, then kill the first `resume`; each time at a random moment within the first
    // 60 % of the fine-tuning time, once training has logged a new epoch.
    for (attempt, command) in [["fit"], ["resume"]].enumerated() {
      let arguments =
        command == ["fit"]
        ? fitArguments(directory, out: "killed", epochs: epochs)
        : [
          "resume", "--checkpoint", checkpoint.path, "--input",
          directory.appendingPathComponent("x.npy").path, "--threads", "1", "--checkpoint-every",
          "1",
        ]
      let logged = loggedEpochs(run)
      // The resume has only the epochs after the first kill left: its window shrinks with them.
      let window = 0.6 * seconds * Double(epochs - logged) / Double(epochs)
      var result: (reason: Process.TerminationReason, status: Int32, output: String, error: String)?
      for retry in 0..<4 where result == nil {
        let delay = Double.random(in: 0...window, using: &rng) / Double(1 << retry)
        result = try interrupt(
          arguments, log: directory.appendingPathComponent("kill-\(attempt)-\(retry)"),
          when: {
            FileManager.default.fileExists(atPath: checkpoint.path) && loggedEpochs(run) > logged
          }, delay: delay, signal: SIGKILL)
      }
      let killed = try #require(result, "the run finished before it could be killed")
      #expect(killed.reason == .uncaughtSignal && killed.status == SIGKILL)
      kills.append(loggedEpochs(run))
    }
    #expect(kills[0] < epochs && kills[1] < epochs, "killed after epochs \(kills)")
    print("kill/resume: killed after \(kills) logged epochs of \(epochs)")
    let resumed = try dcrl([
      "resume", "--checkpoint", checkpoint.path, "--input",
      directory.appendingPathComponent("x.npy").path, "--threads", "1", "--checkpoint-every", "1",
    ])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(resumed.output.contains("resuming at epoch"))
    let actual = try modelTensors(run)
    #expect(actual.keys.sorted() == expected.keys.sorted())
    for (name, values) in expected {
      #expect(actual[name] == values, "\(name) differs after kills at epochs \(kills)")
    }
  }

  @Test("C9 after SIGKILL, resume logs each epoch once and removes leftover temporary files")
  func killLeavesNoDuplicateEpochs() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let epochs = 60
    var arguments = fitArguments(directory, out: "killed", epochs: epochs)
    arguments[arguments.firstIndex(of: "--checkpoint-every")! + 1] = "5"
    let run = directory.appendingPathComponent("killed")
    let checkpoint = run.appendingPathComponent("checkpoint/checkpoint.safetensors")
    // Killed with epochs logged after the last checkpoint (every 5th): a resume runs them again.
    var killedAfter: Int?
    for retry in 0..<4 where killedAfter == nil {
      try? FileManager.default.removeItem(at: run)
      let killed = try interrupt(
        arguments, log: directory.appendingPathComponent("kill-\(retry)"),
        when: {
          FileManager.default.fileExists(atPath: checkpoint.path) && loggedEpochs(run) % 5 == 2
        }, delay: 0, signal: SIGKILL)
      if killed != nil && loggedEpochs(run) % 5 != 0 { killedAfter = loggedEpochs(run) }
    }
    #expect(killedAfter != nil, "the run finished before it could be killed")
    // What a kill during a checkpoint write leaves: Foundation's temporary file.
    let leftover = run.appendingPathComponent("checkpoint/.dat.nosync4242.AbCdEf")
    try Data(count: 4096).write(to: leftover)
    let resumed = try dcrl([
      "resume", "--checkpoint", checkpoint.path, "--input",
      directory.appendingPathComponent("x.npy").path, "--threads", "1", "--checkpoint-every", "5",
    ])
    #expect(resumed.status == 0, "\(resumed.error)")
    let log = try String(contentsOf: run.appendingPathComponent("epochs.csv"), encoding: .utf8)
    let logged = log.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").first.map(String.init) ?? ""
    }
    #expect(logged == (0..<epochs).map(String.init), "killed after \(killedAfter ?? -1)")
    #expect(!FileManager.default.fileExists(atPath: leftover.path))
  }

  @Test("C2 SIGINT writes a checkpoint, prints how to resume and exits 130; that resume completes")
  func interruptAndResume() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let epochs = 60
    let (expected, seconds) = try reference(directory, epochs: epochs)
    let run = directory.appendingPathComponent("interrupted")
    let checkpoint = run.appendingPathComponent("checkpoint/checkpoint.safetensors")
    var rng = Xoshiro256(seed: 13)
    var result: (reason: Process.TerminationReason, status: Int32, output: String, error: String)?
    for retry in 0..<4 where result == nil {
      result = try interrupt(
        fitArguments(directory, out: "interrupted", epochs: epochs),
        log: directory.appendingPathComponent("sigint-\(retry)"),
        when: { FileManager.default.fileExists(atPath: checkpoint.path) },
        delay: Double.random(in: 0...(0.5 * seconds), using: &rng) / Double(1 << retry),
        signal: SIGINT)
    }
    let interrupted = try #require(result, "the run finished before SIGINT")
    #expect(interrupted.reason == .exit && interrupted.status == 130, "\(interrupted.error)")
    #expect(interrupted.error.contains("interrupted after epoch"), "\(interrupted.error)")
    // The log holds exactly the epochs the checkpoint holds, and no final model was saved.
    let done = loggedEpochs(run)
    #expect(done > 0 && done < epochs)
    #expect(interrupted.error.contains("interrupted after epoch \(done) of \(epochs)"))
    #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("model").path))
    // Run the printed command.
    let line = try #require(
      interrupted.error.split(separator: "\n").first { $0.hasPrefix("continue with: dcrl ") })
    let arguments = line.dropFirst("continue with: dcrl ".count).split(separator: " ").map(
      String.init)
    let resumed = try dcrl(arguments)
    #expect(resumed.status == 0, "\(arguments): \(resumed.error)")
    #expect(loggedEpochs(run) == epochs)
    let actual = try modelTensors(run)
    for (name, values) in expected {
      #expect(actual[name] == values, "\(name) differs after SIGINT at epoch \(done)")
    }
  }

  @Test("C2 the printed resume command names the input by its absolute path, as it does --out")
  func resumeCommandPaths() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    var arguments = fitArguments(directory, out: "run", epochs: 400)
    arguments[arguments.firstIndex(of: "--input")! + 1] = "x.npy"
    let checkpoint = directory.appendingPathComponent("run/checkpoint/checkpoint.safetensors")
    let interrupted = try #require(
      try interrupt(
        arguments, log: directory.appendingPathComponent("sigint"), in: directory,
        when: { FileManager.default.fileExists(atPath: checkpoint.path) }, delay: 0,
        signal: SIGINT))
    #expect(interrupted.status == 130, "\(interrupted.error)")
    let x = directory.appendingPathComponent("x.npy").standardizedFileURL.path
    #expect(interrupted.error.contains("--input \(x) --out "), "\(interrupted.error)")
  }

  @Test(
    "C2 SIGINT during pretraining writes its checkpoint and exits 130; resume pretrains on and fine-tunes to the same bits"
  )
  func interruptPretrainingAndResume() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    /// Long enough a pretraining (a few seconds) to be interrupted in it.
    func arguments(out: String) -> [String] {
      var a = fitArguments(directory, out: out, epochs: 3)
      a[a.firstIndex(of: "--pretrain-epochs")! + 1] = "800"
      a[a.firstIndex(of: "--checkpoint-every")! + 1] = "50"
      return a
    }
    let whole = try dcrl(arguments(out: "reference"))
    #expect(whole.status == 0, "\(whole.error)")
    let expected = try modelTensors(directory.appendingPathComponent("reference"))
    let run = directory.appendingPathComponent("interrupted")
    let checkpoint = run.appendingPathComponent("checkpoint/pretraining.safetensors")
    var result: (reason: Process.TerminationReason, status: Int32, output: String, error: String)?
    for retry in 0..<4 where result == nil {
      result = try interrupt(
        arguments(out: "interrupted"),
        log: directory.appendingPathComponent("sigint-pretraining-\(retry)"),
        when: { FileManager.default.fileExists(atPath: checkpoint.path) },
        delay: 0.2 / Double(1 << retry), signal: SIGINT)
    }
    let interrupted = try #require(result, "the run finished before SIGINT")
    #expect(interrupted.reason == .exit && interrupted.status == 130, "\(interrupted.error)")
    #expect(
      interrupted.error.contains("interrupted during pretraining, after epoch"),
      "\(interrupted.error)")
    #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("model").path))
    #expect(loggedEpochs(run) == 0)
    let line = try #require(
      interrupted.error.split(separator: "\n").first { $0.hasPrefix("continue with: dcrl ") })
    #expect(line.contains("pretraining.safetensors"), "\(line)")
    let resumeArguments = line.dropFirst("continue with: dcrl ".count).split(separator: " ").map(
      String.init)
    let resumed = try dcrl(resumeArguments)
    #expect(resumed.status == 0, "\(resumeArguments): \(resumed.error)")
    #expect(resumed.output.contains("resuming pretraining at epoch"), "\(resumed.output)")
    #expect(loggedEpochs(run) == 3)
    let actual = try modelTensors(run)
    #expect(actual.keys.sorted() == expected.keys.sorted())
    for (name, values) in expected {
      #expect(actual[name] == values, "\(name) differs after SIGINT in pretraining")
    }
  }

  @Test("C3 one CSV row per epoch (losses, ACC, NMI, entropy, time) and a progress line with ETA")
  func epochLog() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    var arguments = fitArguments(directory, out: "run", epochs: 6)
    arguments += ["--labels", directory.appendingPathComponent("y.npy").path]
    let result = try dcrl(arguments)
    #expect(result.status == 0, "\(result.error)")
    let log = try String(
      contentsOf: directory.appendingPathComponent("run/epochs.csv"), encoding: .utf8)
    let rows = log.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = try #require(rows.first)
    for column in ["epoch", "L_C", "L_rec", "L_iso", "acc", "nmi", "size_entropy", "seconds"] {
      #expect(header.contains(column), "\(column) in \(header)")
    }
    #expect(rows.count == 7)
    for (index, row) in rows.dropFirst().enumerated() {
      #expect(row.count == header.count)
      #expect(row.first == "\(index)")
      for column in ["acc", "nmi", "seconds", "size_entropy"] {
        let value = row[header.firstIndex(of: column)!]
        #expect(Double(value).map { $0 >= 0 } == true, "epoch \(index) \(column) = '\(value)'")
      }
    }
    // Not a terminal: one plain line per epoch with the step, the losses and an ETA.
    let progress = result.output.split(separator: "\n").filter { $0.hasPrefix("fine-tuning ") }
    #expect(progress.count == 6)
    for (index, line) in progress.enumerated() {
      // One counter per line: the step, not the step and the 0-based epoch.
      #expect(line.hasPrefix("fine-tuning \(index + 1)/6 α "), "\(line)")
      #expect(!line.contains("epoch"), "\(line)")
      #expect(line.contains("ACC ") && line.contains(" ETA "), "\(line)")
    }
  }

  @Test("P6 an unwritable --out or checkpoint folder fails at start, before pretraining")
  func unwritableOutput() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let blocker = directory.appendingPathComponent("file")
    try Data("x".utf8).write(to: blocker)
    // The checkpoint folder's name taken by a file.
    let run = directory.appendingPathComponent("run")
    try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: run.appendingPathComponent("checkpoint"))
    for out in ["file/run", "run"] {
      var arguments = fitArguments(directory, out: out, epochs: 2)
      arguments[arguments.count - 1] = directory.appendingPathComponent(out).path
      let result = try dcrl(arguments)
      #expect(result.status != 0)
      #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
      #expect(result.error.contains(directory.path), "\(result.error)")
      #expect(!result.output.contains("pretraining"), "trained before failing: \(result.output)")
    }
  }

  @Test("I19 predict and embed with a folder that holds no fitted model fail with a clear error")
  func unfittedModel() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let empty = directory.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let x = directory.appendingPathComponent("x.npy").path
    for command in ["predict", "embed"] {
      let result = try dcrl([
        command, "--model", empty.path, "--input", x, "--out",
        directory.appendingPathComponent("out.npy").path,
      ])
      #expect(result.status == 1)
      #expect(result.error.contains("holds no model.safetensors"), "\(result.error)")
      #expect(result.error.contains("dcrl fit --out"), "a command-line hint: \(result.error)")
    }
  }
}
