// OutputPaths: the rule every command follows for what it writes. Nothing the user already has
// is replaced unless they pass --force (or name a new or empty folder), no output is written over
// an input, and every file is written under a temporary name and renamed when complete.

import Foundation
import _CommandLineSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The longest file or folder name (one path component) Linux and macOS accept, in UTF-8 bytes.
let maximumNameBytes = 255
/// The longest path the system accepts, in UTF-8 bytes (PATH_MAX less its terminating zero).
let maximumPathBytes = 4095

/// The `--force` flag of every command that writes files.
let forceFlag = Flag.switch(
  "force", help: "replace existing outputs (without it, nothing that exists is overwritten)")

/// Throws when `path` (the value of `--flag`) is longer than the system accepts, before any
/// work starts.
func checkPathLength(_ path: String, flag: String) throws(UsageError) {
  guard path.utf8.count <= maximumPathBytes else {
    throw UsageError(
      "--\(flag): the path is \(path.utf8.count) bytes long; the system accepts at most "
        + "\(maximumPathBytes)")
  }
  for name in path.split(separator: "/") where name.utf8.count > maximumNameBytes {
    throw UsageError(
      "--\(flag): the name '\(name.prefix(24))…' is \(name.utf8.count) bytes long; file and "
        + "folder names are limited to \(maximumNameBytes) bytes")
  }
}

/// Whether `a` and `b` name the same file: the same device and inode when both exist, else the
/// same absolute, standardised path.
func sameFile(_ a: String, _ b: String) -> Bool {
  var first = stat()
  var second = stat()
  if stat(a, &first) == 0 && stat(b, &second) == 0 {
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
  let standard = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
  return standard(a) == standard(b)
}

/// Whether what exists at `path` is a folder; nil when nothing is there.
func existingIsFolder(_ path: String) -> Bool? {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
  return isDirectory.boolValue
}

/// Checks a single-file output such as `predict --out FILE` before any work: a usable name, not
/// one of the command's inputs, not a folder, in a folder that exists and can be written, and
/// not an existing file unless `force`.
func checkOutputFile(
  _ path: String, flag: String = "out", inputs: [(flag: String, path: String?)], force: Bool
) throws(UsageError) {
  try checkPathLength(path, flag: flag)
  for input in inputs {
    guard let inputPath = input.path, sameFile(path, inputPath) else { continue }
    throw UsageError(
      "--\(flag) \(path) is the --\(input.flag) file; writing there would destroy the input, so "
        + "name another file")
  }
  if let isFolder = existingIsFolder(path) {
    if isFolder {
      throw UsageError("--\(flag): \(path) is a folder; name the file to write")
    }
    if !force {
      throw UsageError(
        "--\(flag): \(path) already exists; pass --force to replace it, or name a new file")
    }
  }
  let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
  guard existingIsFolder(folder.path) == true else {
    throw UsageError("--\(flag): the folder \(folder.path) does not exist; create it first")
  }
  // A probe file: a folder the system will not let us write in is reported before any work.
  let probe = folder.appendingPathComponent(".dcrl-write-probe-\(UUID().uuidString)")
  do {
    try Data().write(to: probe)
    try? FileManager.default.removeItem(at: probe)
  } catch {
    throw UsageError(
      "--\(flag): cannot write in \(folder.path) (\(systemReason(error))); choose a folder you "
        + "can write to")
  }
}

/// Writes `data` to `path` under a temporary name in the same folder, then renames it, so that
/// an interrupted write never leaves a partial file under the final name.
func writeAtomically(_ data: Data, to path: String) throws {
  try data.write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// Removes what an interrupted write leaves in `folder`: Foundation's temporary files of atomic
/// writes (`.dat.nosync…`) and the checkpoint folder's write probes (`.dcrl-write-probe-…`).
func removeLeftoverTemporaryFiles(in folder: URL) {
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
    return
  }
  for name in names where name.hasPrefix(".dat.nosync") || name.hasPrefix(".dcrl-write-probe-") {
    try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
  }
}
