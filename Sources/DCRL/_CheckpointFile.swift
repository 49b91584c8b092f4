// _CheckpointFile: the file format both checkpoints share — tensors, plus a JSON state and a
// format name and version in the safetensors metadata, replaced atomically — and the format and
// version check they share with the saved model.

import Foundation
import NN
import Tensor

/// Writing and reading a checkpoint file: `tensors`, with metadata `format`, `format_version` and
/// `state` (the JSON of a `Codable` state).
enum CheckpointFile {
  /// Writes the file atomically (a temporary file, then a rename), creating `directory`.
  ///
  /// - Parameter kind: What the state is, for error messages ("training state").
  static func write(
    _ tensors: [String: Tensor], state: some Encodable, kind: String, format: String,
    version: Int, to file: URL, in directory: URL
  ) throws(DCRLError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw .io(path: directory.path, reason: "cannot create the checkpoint directory: \(error)")
    }
    let json: String
    do {
      json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    } catch {
      throw .io(path: file.path, reason: "cannot encode the \(kind): \(error)")
    }
    do {
      try SafeTensors.write(
        tensors, metadata: ["format": format, "format_version": "\(version)", "state": json],
        to: file)
    } catch {
      throw .io(path: file.path, reason: error.description)
    }
  }

  /// Reads the file's tensors and decodes its state, after checking its format and version.
  ///
  /// - Parameters:
  ///   - name: What the file is, for error messages ("a DCRL checkpoint").
  ///   - kind: What the state is, for error messages ("training state").
  /// - Throws: ``DCRLError/io(path:reason:)`` for an unreadable file, another format or an
  ///   undecodable state; ``DCRLError/formatVersion(path:found:expected:)`` for another version.
  static func read<State: Decodable>(
    _ type: State.Type, from url: URL, name: String, kind: String, format: String,
    version expected: Int, on backend: any Backend
  ) throws(DCRLError) -> (tensors: [String: Tensor], state: State) {
    let (tensors, metadata) = try readStoredFile(
      from: url, name: name, format: format, version: expected, on: backend)
    do {
      return (
        tensors, try JSONDecoder().decode(State.self, from: Data((metadata["state"] ?? "").utf8))
      )
    } catch {
      throw .io(path: url.path, reason: "unreadable \(kind): \(error)")
    }
  }
}

/// Reads a safetensors file this module wrote (a checkpoint or a saved model), after checking
/// the `format` and `format_version` entries of its metadata.
///
/// - Parameter name: What the file is, for error messages ("a DCRL model file").
/// - Throws: ``DCRLError/io(path:reason:)`` for an unreadable file or another format;
///   ``DCRLError/formatVersion(path:found:expected:)`` for another version.
func readStoredFile(
  from url: URL, name: String, format: String, version expected: Int, on backend: any Backend
) throws(DCRLError) -> (tensors: [String: Tensor], metadata: [String: String]) {
  let tensors: [String: Tensor]
  let metadata: [String: String]
  do {
    (tensors, metadata) = try SafeTensors.read(from: url, on: backend)
  } catch {
    throw .io(path: url.path, reason: error.description)
  }
  guard metadata["format"] == format, let version = metadata["format_version"].flatMap(Int.init)
  else {
    throw .io(path: url.path, reason: "not \(name) (no \(format) metadata)")
  }
  guard version == expected else {
    throw .formatVersion(path: url.path, found: version, expected: expected)
  }
  return (tensors, metadata)
}

extension CheckpointFile {
  /// Adds an Adam state's moments as `key.exp_avg` and `key.exp_avg_sq` (PyTorch's names); the
  /// step goes into the JSON state.
  static func store(_ state: Adam.State, as key: String, in tensors: inout [String: Tensor]) {
    tensors[key + ".exp_avg"] = state.firstMoment
    tensors[key + ".exp_avg_sq"] = state.secondMoment
  }

  /// The Adam state stored under `key` by ``store(_:as:in:)``, with its moments checked against
  /// the parameter's `shape` and `dtype`.
  ///
  /// - Throws: ``DCRLError/io(path:reason:)`` for a negative step or a missing or mis-shaped
  ///   moment.
  static func adamState(
    _ tensors: [String: Tensor], _ key: String, step: Int, shape: [Int], dtype: DType,
    path: String
  ) throws(DCRLError) -> Adam.State {
    guard step >= 0 else {
      throw .io(path: path, reason: "'\(key)' has a negative step count \(step)")
    }
    return Adam.State(
      firstMoment: try storedTensor(
        tensors, key + ".exp_avg", shape: shape, dtype: dtype, path: path),
      secondMoment: try storedTensor(
        tensors, key + ".exp_avg_sq", shape: shape, dtype: dtype, path: path),
      step: step)
  }
}
