// RunFolder: the --out folder of `dcrl fit` and `dcrl resume`. It must be new or empty (or the
// run being continued, or anything with --force); it is created only once every check has
// passed, and a command that fails before it saved a checkpoint removes what it created.

import Foundation
import _CommandLineSupport

/// The output folder of a training command.
struct RunFolder {
  /// The folder.
  let url: URL
  /// The topmost folder this command created (`url` or one of its parents), if any.
  private let createdRoot: URL?

  /// Checks `--out` before any work: a usable name, not a file, no file in the way above it,
  /// and new or empty unless `force` or `continuing` (resuming a run in its own folder).
  static func check(_ path: String, force: Bool, continuing: Bool = false) throws(UsageError) {
    try checkPathLength(path, flag: "out")
    let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
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

  /// Creates the folder (after ``check(_:force:continuing:)`` and the input's validation).
  ///
  /// - Throws: ``CommandFailure`` naming the folder when the system refuses.
  init(creating path: String) throws {
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
  }

  /// After a failure: removes the folders this command created, unless a checkpoint was saved
  /// there (then the run can be resumed or inspected).
  func discardUnlessCheckpointed() {
    guard let createdRoot else { return }
    let checkpoint = url.appendingPathComponent("checkpoint")
    for name in ["checkpoint.safetensors", "pretraining.safetensors"] {
      if FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent(name).path) {
        return
      }
    }
    try? FileManager.default.removeItem(at: createdRoot)
  }
}
