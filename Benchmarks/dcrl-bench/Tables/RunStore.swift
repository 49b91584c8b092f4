// RunStore: every finished cell of a table run saved as it finishes, so an interrupted
// multi-hour run continues where it stopped.

import Datasets
import Foundation
import Tensor

/// One finished (table, dataset, method, seed) cell: named numbers and the wall time.
struct CellResult: Codable {
  var values: [String: Double]
  var seconds: Double
  var finished: String
}

/// A folder of cells: `<root>/<experiment>/<dataset>/<method>/seed<N>/cell.json`, next to the
/// cell's arrays (`embedding.npy`, …) that later tables reuse.
struct RunStore {
  let root: URL

  func directory(_ experiment: String, _ dataset: String, _ method: String, seed: Int) -> URL {
    root.appendingPathComponent(experiment).appendingPathComponent(dataset)
      .appendingPathComponent(method.replacingOccurrences(of: "+", with: "-"))
      .appendingPathComponent("seed\(seed)", isDirectory: true)
  }

  /// The saved cell, if this run or an earlier one finished it.
  func load(_ experiment: String, _ dataset: String, _ method: String, seed: Int) -> CellResult? {
    let url = directory(experiment, dataset, method, seed: seed).appendingPathComponent("cell.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(CellResult.self, from: data)
  }

  /// Saves a finished cell (atomically), with optional arrays beside it.
  func save(
    _ result: CellResult, _ experiment: String, _ dataset: String, _ method: String, seed: Int,
    arrays: [String: Tensor] = [:], labels: [String: [Int]] = [:]
  ) throws {
    let directory = directory(experiment, dataset, method, seed: seed)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, tensor) in arrays {
      try NPY.write(tensor, to: directory.appendingPathComponent(name + ".npy"))
    }
    for (name, values) in labels {
      try NPY.write(labels: values, to: directory.appendingPathComponent(name + ".npy"))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(result).write(
      to: directory.appendingPathComponent("cell.json"), options: .atomic)
  }

  /// An array saved with a cell.
  func array(_ name: String, _ experiment: String, _ dataset: String, _ method: String, seed: Int)
    throws -> Tensor?
  {
    let url = directory(experiment, dataset, method, seed: seed).appendingPathComponent(
      name + ".npy")
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return try NPY.read(from: url).tensor()
  }
}
