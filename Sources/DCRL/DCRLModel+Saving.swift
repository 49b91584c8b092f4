// DCRLModel+Saving: a model directory holding model.safetensors (weights, centres, format version
// and configuration in the metadata) and a readable configuration.json.

import Foundation
import Tensor

extension DCRLModel {
  /// The format version this library writes and reads.
  public static let formatVersion = 1

  /// Writes the model into `directory`, creating it if needed.
  ///
  /// The directory receives `model.safetensors` and `configuration.json`, each replaced
  /// atomically.
  public func save(to directory: URL) throws(DCRLError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw .io(path: directory.path, reason: "cannot create the model directory: \(error)")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let configurationJSON: Data
    do {
      configurationJSON = try encoder.encode(configuration)
    } catch {
      throw .io(path: directory.path, reason: "cannot encode the configuration: \(error)")
    }
    var tensors = autoencoder.stateDictionary
    tensors["centers"] = centers
    let file = directory.appendingPathComponent("model.safetensors")
    do {
      try SafeTensors.write(
        tensors,
        metadata: [
          "format": "dcrl-model", "format_version": "\(Self.formatVersion)",
          "input_dimension": "\(inputDimension)",
          "configuration": String(decoding: configurationJSON, as: UTF8.self),
        ], to: file)
      try configurationJSON.write(
        to: directory.appendingPathComponent("configuration.json"), options: .atomic)
    } catch let error as SafeTensorsError {
      throw .io(path: file.path, reason: error.description)
    } catch {
      throw .io(path: directory.path, reason: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Loads a model saved by ``save(to:)`` onto `backend`.
  ///
  /// The stored configuration and every tensor's shape and dtype are checked before the model is
  /// built, so a damaged file cannot allocate more memory than it holds.
  ///
  /// - Throws: ``DCRLError/formatVersion(path:found:expected:)`` for a file of another version,
  ///   ``DCRLError/io(path:reason:)`` for a missing, truncated or inconsistent file (P2–P4).
  public static func load(from directory: URL, on backend: any Backend = CPUBackend.shared)
    throws(DCRLError)
    -> DCRLModel
  {
    let file = directory.appendingPathComponent("model.safetensors")
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw .io(
        path: file.path, reason: "no saved model here; train one with DCRLTrainer.fit and save(to:)"
      )
    }
    let (tensors, metadata) = try readStoredFile(
      from: file, name: "a DCRL model file", format: "dcrl-model", version: formatVersion,
      on: backend)
    guard let inputDimension = metadata["input_dimension"].flatMap(Int.init) else {
      throw .io(path: file.path, reason: "not a DCRL model file (no dcrl-model metadata)")
    }
    let configuration: DCRLConfiguration
    do {
      configuration = try JSONDecoder().decode(
        DCRLConfiguration.self, from: Data((metadata["configuration"] ?? "").utf8))
    } catch {
      throw .io(path: file.path, reason: "unreadable configuration: \(error)")
    }
    let dtype = try validateStoredAutoencoder(
      tensors, prefix: "", inputDimension: inputDimension, configuration: configuration,
      path: file.path)
    let centers = try storedTensor(
      tensors, "centers", shape: [configuration.clusters, configuration.latentDimension],
      dtype: dtype, path: file.path)
    var rng = Xoshiro256(seed: 0)
    let autoencoder = Autoencoder(
      inputDimension: inputDimension, hiddenSizes: configuration.hiddenSizes,
      latentDimension: configuration.latentDimension, dtype: dtype, on: backend, using: &rng)
    do {
      try autoencoder.loadState(tensors, path: file.path)
    } catch {
      throw .io(path: file.path, reason: error.description)
    }
    return DCRLModel(configuration: configuration, autoencoder: autoencoder, centers: centers)
  }
}
