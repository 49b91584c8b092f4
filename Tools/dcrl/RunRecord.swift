// RunRecord: what a run needs to be continued exactly — its configuration, its feature scaling and
// a fingerprint of its input — saved in its checkpoint folder, so that `dcrl resume` restores them
// wherever its --out points, and refuses an input that is not the one the run started with.

import DCRL
import Datasets
import Foundation
import Tensor

/// The shape, element type and SHA-256 of an input matrix's values.
struct InputFingerprint: Codable, Equatable, CustomStringConvertible {
  var shape: [Int]
  var dtype: String
  var sha256: String

  /// The fingerprint of `x` as loaded (before any scaling).
  init(_ x: Tensor) {
    shape = x.shape
    dtype = "\(x.dtype)"
    var hash = SHA256()
    if x.dtype == .float32 {
      x.floats.withUnsafeBytes { hash.update(buffer: $0) }
    } else {
      x.doubles.withUnsafeBytes { hash.update(buffer: $0) }
    }
    sha256 = hash.finalize().hexadecimal
  }

  /// The fingerprint of the `.npy` file at `url` as `x` would be loaded from it, read in blocks
  /// of rows so that the whole array is never in memory: the same fingerprint as
  /// `init(_:)` of the loaded tensor.
  init(npy url: URL, rows: Int, columns: Int, blockRows: Int = 8192) throws {
    shape = [rows, columns]
    var hash = SHA256()
    var dtypeName = "float32"
    var start = 0
    while start < rows {
      let block = try NPY.read(rows: start..<min(start + blockRows, rows), from: url).tensor()
      dtypeName = "\(block.dtype)"
      if block.dtype == .float32 {
        block.floats.withUnsafeBytes { hash.update(buffer: $0) }
      } else {
        block.doubles.withUnsafeBytes { hash.update(buffer: $0) }
      }
      start += blockRows
    }
    dtype = dtypeName
    sha256 = hash.finalize().hexadecimal
  }

  /// Writes the fingerprint into a model folder as `input.json` (atomically).
  func save(in modelDirectory: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(
      to: modelDirectory.appendingPathComponent("input.json"), options: .atomic)
  }

  var description: String {
    "\(shape.map(String.init).joined(separator: " × ")) \(dtype), SHA-256 \(sha256.prefix(12))…"
  }
}

/// A run's configuration, scaling and input, as `dcrl fit` started it.
struct RunRecord: Codable {
  var configuration: DCRLConfiguration
  var preprocessing: Preprocessing
  var input: InputFingerprint

  /// The record's file in a checkpoint folder.
  static func file(in checkpointFolder: URL) -> URL {
    checkpointFolder.appendingPathComponent("run.json")
  }

  /// Writes the record into a checkpoint folder (atomically).
  func save(in checkpointFolder: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: Self.file(in: checkpointFolder), options: .atomic)
  }

  /// The record beside `checkpoint`; nil for a run an earlier `dcrl` started, which has none
  /// but left `configuration.json` and `preprocessing.json` in its folder `run` (see
  /// ``earlierRun(in:input:)``).
  ///
  /// - Throws: ``RunFileError`` naming the file when it is missing or damaged.
  static func load(besideCheckpoint checkpoint: URL, run: URL) throws -> RunRecord? {
    let url = file(in: checkpoint.deletingLastPathComponent())
    let earlierFiles = ["configuration.json", "preprocessing.json"].map {
      run.appendingPathComponent($0).path
    }
    if !FileManager.default.fileExists(atPath: url.path)
      && earlierFiles.allSatisfy(FileManager.default.fileExists(atPath:))
    {
      return nil
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw RunFileError(
        path: url.path,
        reason: "cannot be read (\(systemReason(error))); it holds the run's configuration, "
          + "feature scaling and input fingerprint that 'dcrl fit' saves beside its checkpoints, "
          + "and the run cannot be continued exactly without it: restore it or refit")
    }
    do {
      return try JSONDecoder().decode(RunRecord.self, from: data)
    } catch {
      throw RunFileError(
        path: url.path, reason: "is not a run record 'dcrl fit' wrote; restore it or refit")
    }
  }

  /// The record of a run an earlier `dcrl fit` started: its folder's `configuration.json` and
  /// `preprocessing.json`, and the fingerprint of `x`, since the run recorded none (which is
  /// said on standard error: the input cannot be checked).
  static func earlierRun(in run: URL, input x: Tensor) throws -> RunRecord {
    let configuration: DCRLConfiguration = try decode(
      run.appendingPathComponent("configuration.json"))
    let preprocessing = try Preprocessing.load(from: run)
    FileHandle.standardError.write(
      Data(
        ("dcrl resume: note: \(run.path) is a run of an earlier dcrl, without checkpoint/run.json; "
          + "its configuration.json and preprocessing.json are used, and the input cannot be "
          + "checked against the one it started with\n").utf8))
    return RunRecord(
      configuration: configuration, preprocessing: preprocessing, input: InputFingerprint(x))
  }

  /// Throws unless `x` is the input the run started with.
  func checkInput(_ x: Tensor, name: String) throws {
    let given = InputFingerprint(x)
    guard given != input else { return }
    throw CommandFailure(
      "--input: \(name) (\(given)) is not the data this run started with (\(input)); resume "
        + "with the same input, or start a new run with 'dcrl fit'")
  }
}

/// The JSON value in `file`.
///
/// - Throws: ``RunFileError`` naming the file when it cannot be read or decoded.
private func decode<Value: Decodable>(_ file: URL) throws -> Value {
  do {
    return try JSONDecoder().decode(Value.self, from: Data(contentsOf: file))
  } catch {
    throw RunFileError(path: file.path, reason: "cannot be read (\(oneLine("\(error)")))")
  }
}
