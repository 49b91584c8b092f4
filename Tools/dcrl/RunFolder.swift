// RunFolder: the --out folder of `dcrl fit` and `dcrl resume`. It must be new or empty (or the
// run being continued, or anything with --force); it is created only once every check has
// passed. A command that fails puts it back: what it created is removed (unless a checkpoint
// was saved), and a previous run it was replacing with --force is restored.

import Foundation
import _CommandLineSupport

/// The files and folders a training command writes in its output folder.
let runOutputNames = [
  "model", "latent.npy", "labels.npy", "epochs.csv", "checkpoint", "configuration.json",
  "preprocessing.json",
]

/// The output folder of a training command.
struct RunFolder {
  /// The folder.
  let url: URL
  /// The topmost folder this command created (`url` or one of its parents), if any.
  private let createdRoot: URL?
  /// Where a previous run's outputs wait while `--force` replaces them, until the command ends.
  private let setAside: URL?
  /// Whether the command continues the run already in the folder (then nothing is undone).
  private let continuing: Bool

  /// Checks `--out` before any work: a usable name, not a file, no file in the way above it, no
  /// input among the outputs it would receive, and new or empty unless `force` or `continuing`
  /// (resuming a run in its own folder).
  static func check(
    _ path: String, force: Bool, continuing: Bool = false,
    inputs: [(flag: String, path: String?)] = []
  ) throws(UsageError) {
    try checkPathLength(path, flag: "out")
    let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    for input in inputs {
      guard let inputPath = input.path else { continue }
      let standard = URL(fileURLWithPath: inputPath).standardizedFileURL.path
      for name in runOutputNames {
        let output = url.appendingPathComponent(name).path
        guard sameFile(inputPath, output) || standard.hasPrefix(output + "/") else { continue }
        throw UsageError(
          "--\(input.flag) \(inputPath) is where the run writes its \(name); move it, or choose "
            + "another --out")
      }
    }
    switch existingIsFolder(url.path) {
    case .some(false):
      throw UsageError(
        "--out: \(path) is a file; name a folder for the run's outputs (a new or empty one)")
    case .some(true):
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      guard !names.isEmpty, !force, !continuing else { return }
      let shown = names.sorted().prefix(4).joined(separator: ", ")
      throw UsageError(
        "--out: \(path) already holds files (\(shown)\(names.count > 4 ? ", …" : "")); name a new "
          + "or empty folder, or pass --force to replace a previous run's outputs there")
    case .none:
      var parent = url.deletingLastPathComponent()
      while parent.path != "/" && existingIsFolder(parent.path) == nil {
        parent = parent.deletingLastPathComponent()
      }
      guard existingIsFolder(parent.path) == true else {
        throw UsageError("--out: \(parent.path) is a file, so \(path) cannot be created inside it")
      }
    }
  }

  /// Creates the folder (after ``check(_:force:continuing:inputs:)`` and the input's
  /// validation); with `replacing`, moves a previous run's outputs in it aside.
  ///
  /// - Throws: ``CommandFailure`` naming the folder when the system refuses.
  init(creating path: String, replacing: Bool = false, continuing: Bool = false) throws {
    self.continuing = continuing
    url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    var root: URL?
    var folder = url
    while existingIsFolder(folder.path) == nil && folder.path != "/" {
      root = folder
      folder = folder.deletingLastPathComponent()
    }
    createdRoot = root
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw CommandFailure(
        "--out: cannot create the folder \(url.path) (\(systemReason(error))); choose a folder "
          + "you can write to")
    }
    setAside = replacing && !continuing ? try Self.setAside(outputsIn: url) : nil
  }

  /// Moves the run outputs in `folder` into a hidden folder inside it; nil when there are none.
  private static func setAside(outputsIn folder: URL) throws -> URL? {
    let present = runOutputNames.filter {
      existingIsFolder(folder.appendingPathComponent($0).path) != nil
    }
    guard !present.isEmpty else { return nil }
    let aside = folder.appendingPathComponent(".dcrl-replaced-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: false)
      for name in present {
        try FileManager.default.moveItem(
          at: folder.appendingPathComponent(name), to: aside.appendingPathComponent(name))
      }
    } catch {
      throw CommandFailure(
        "--out: cannot move the previous run in \(folder.path) aside (\(systemReason(error))); "
          + "its outputs are in \(aside.path) and \(folder.path)")
    }
    return aside
  }

  /// Runs the command's work in the folder.
  ///
  /// On success, or an interruption (whose checkpoint is the run to keep), a previous run set
  /// aside is deleted; on any other failure the folder is put back as it was.
  func run(_ work: () throws -> Void) throws {
    do {
      try work()
    } catch let error as InterruptedError {
      deleteSetAside()
      throw error
    } catch {
      if !continuing { putBack() }
      throw error
    }
    deleteSetAside()
  }

  private func deleteSetAside() {
    if let setAside { try? FileManager.default.removeItem(at: setAside) }
  }

  /// Restores a previous run set aside (removing this command's outputs), or removes what this
  /// command created.
  private func putBack() {
    guard let setAside else { return discardUnlessCheckpointed() }
    for name in runOutputNames {
      try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
      let previous = setAside.appendingPathComponent(name)
      if existingIsFolder(previous.path) != nil {
        try? FileManager.default.moveItem(at: previous, to: url.appendingPathComponent(name))
      }
    }
    try? FileManager.default.removeItem(at: setAside)
  }

  /// After a failure: removes the folders this command created, or its outputs in a folder that
  /// was there, unless a checkpoint was saved (then the run can be resumed or inspected).
  private func discardUnlessCheckpointed() {
    let checkpoint = url.appendingPathComponent("checkpoint")
    for name in ["checkpoint.safetensors", "pretraining.safetensors"] {
      if FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent(name).path) {
        return
      }
    }
    guard let createdRoot else {
      for name in runOutputNames {
        try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
      }
      return
    }
    try? FileManager.default.removeItem(at: createdRoot)
  }
}
