// Inputs: reading the data a command works on — a .npy, .npz or .csv matrix, or a benchmark
// dataset by name — and label files.

import Datasets
import Foundation
import Tensor
import _CommandLineSupport

/// A feature matrix with the ground truth that came with it, if any.
struct LoadedInput {
  var features: Tensor
  var labels: [Int]?
  var name: String
  /// The benchmark dataset, when `--input` named one (not a file that happens to share its name).
  var dataset: DatasetName? = nil
}

/// Dataset names accepted by `--input`, with the short aliases of the README.
let datasetAliases: [String: DatasetName] = [
  "mnist": .mnistFull, "mnist-full": .mnistFull, "mnist-test": .mnistTest, "usps": .usps,
  "fashion": .fashionMNIST, "fashion-mnist": .fashionMNIST, "reuters": .reutersR8,
  "reuters-r8": .reutersR8,
]

/// Reads `--input`: a dataset name (found through the dataset store: `dataRoot` when given, then
/// `DCRL_DATA`, then the per-user cache, downloading what is missing) or a `.npy`, `.npz` (array
/// `x` or the only array) or `.csv` (numbers only; a header row as `header` says) file.
func loadInput(_ input: String, dataRoot: String?, header: CSVHeader = .auto) throws -> LoadedInput
{
  if let dataset = datasetAliases[input] {
    let store = DatasetStore(
      dataRoot: dataRoot.map { URL(fileURLWithPath: $0, isDirectory: true) },
      onEvent: DownloadLog().print)
    let directory = try store.directory(for: dataset)
    let data = try LabeledDataset.load(dataset, from: directory)
    return LoadedInput(
      features: data.features, labels: data.labels, name: dataset.rawValue, dataset: dataset)
  }
  let url = URL(fileURLWithPath: input)
  guard FileManager.default.fileExists(atPath: url.path) else {
    throw UsageError(
      "--input: no file at \(input), and not a dataset name (\(datasetAliases.keys.sorted().joined(separator: ", ")))"
    )
  }
  let features: Tensor
  switch url.pathExtension.lowercased() {
  case "npy":
    features = try NPY.read(from: url).tensor()
  case "npz":
    let arrays = try NPZ.read(from: url)
    guard let array = arrays["x"] ?? (arrays.count == 1 ? arrays.values.first : nil) else {
      throw UsageError(
        "--input: \(input) holds \(arrays.keys.sorted()); name the features array 'x'")
    }
    features = try array.tensor()
  case "csv":
    features = try readCSV(url, header: header).tensor()
  default:
    throw UsageError("--input: \(input) is not .npy, .npz or .csv")
  }
  guard features.rank == 2 else {
    throw UsageError("--input: \(input) has shape \(features.shape); expected [samples, features]")
  }
  return LoadedInput(
    features: features, labels: nil, name: url.deletingPathExtension().lastPathComponent)
}

/// Reads integer labels from a .npy, .npz (array `y`/`labels` or the only one) or one-column CSV.
func loadLabels(_ path: String, header: CSVHeader = .auto) throws -> [Int] {
  let url = URL(fileURLWithPath: path)
  switch url.pathExtension.lowercased() {
  case "npy":
    return try NPY.read(from: url).labels()
  case "npz":
    let arrays = try NPZ.read(from: url)
    guard
      let array = arrays["y"] ?? arrays["labels"] ?? (arrays.count == 1 ? arrays.values.first : nil)
    else {
      throw UsageError("--labels: \(path) holds \(arrays.keys.sorted()); name the labels array 'y'")
    }
    return try array.labels()
  case "csv":
    return try readCSV(url, header: header).labels(column: 0)
  default:
    throw UsageError("--labels: \(path) is not .npy, .npz or .csv")
  }
}

/// The feature scaling a model was trained with, saved beside it so that `predict` and `embed`
/// apply the training data's statistics to new data.
enum Preprocessing: Codable {
  case none
  case minMax(MinMaxScalerModel)
  case standard(StandardScalerModel)

  /// Fits the scaling `--scale` names to `x`.
  init(fitting mode: String, to x: Tensor) throws {
    switch mode {
    case "minmax": self = .minMax(try MinMaxScaler().fit(x))
    case "standard": self = .standard(try StandardScaler().fit(x))
    default: self = .none
    }
  }

  /// `x` scaled with the fitted statistics.
  func apply(_ x: Tensor) throws -> Tensor {
    switch self {
    case .none: return x
    case .minMax(let model): return try model.transform(x)
    case .standard(let model): return try model.transform(x)
    }
  }

  /// The file inside a model folder.
  static func file(in modelDirectory: URL) -> URL {
    modelDirectory.appendingPathComponent("preprocessing.json")
  }

  /// Writes the scaling into a model folder.
  func save(in modelDirectory: URL) throws {
    // Sorted keys: the same scaling always gives the same bytes.
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    try encoder.encode(self).write(to: Self.file(in: modelDirectory), options: .atomic)
  }

  /// Reads the scaling of a model folder.
  ///
  /// - Throws: ``RunFileError`` naming the file when it is missing, cannot be read or is not a
  ///   scaling that `dcrl fit` wrote.
  static func load(from modelDirectory: URL) throws -> Preprocessing {
    let url = file(in: modelDirectory)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw RunFileError(
        path: url.path,
        reason: "is missing: it records the feature scaling the model was trained with, which "
          + "'dcrl fit' saves beside model.safetensors; restore it or refit (for a model trained "
          + "without --scale, a file holding {\"none\":{}} says so)")
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw RunFileError(
        path: url.path, reason: "cannot be read (\(error.localizedDescription))")
    }
    do {
      return try JSONDecoder().decode(Preprocessing.self, from: data)
    } catch {
      throw RunFileError(
        path: url.path,
        reason: "is not the feature scaling 'dcrl fit --scale' writes (none, minMax or standard "
          + "statistics); the model was trained on scaled features, so restore the file or refit")
    }
  }
}

/// A file of a run or model folder (`preprocessing.json`, `configuration.json`) that cannot be
/// read or decoded.
struct RunFileError: Error, CustomStringConvertible {
  /// The file.
  var path: String
  /// What is wrong with it.
  var reason: String

  var description: String { "\(path) \(reason)" }
}

/// Reads `--threads` and sets OpenBLAS's thread count, which also bounds the library's own worker
/// threads (RELIABILITY R3).
func applyThreads(_ arguments: ParsedArguments) throws -> Int {
  let threads = try arguments.required("threads", as: Int.self)
  guard (1...maximumThreads).contains(threads) else {
    throw UsageError("--threads: \(threads) must be between 1 and \(maximumThreads)")
  }
  CPUBackend.setBLASThreads(threads)
  return threads
}
