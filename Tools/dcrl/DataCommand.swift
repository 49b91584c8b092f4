// dcrl data: what datasets this machine has and where, and fetching them ahead of time.

import Datasets
import Foundation
import _CommandLineSupport

/// `dcrl data list` and `dcrl data fetch NAME…`.
enum DataCommand: Subcommand {
  static let specification = CommandSpecification(
    name: "dcrl data",
    summary: "list the datasets this machine has ('list'), or download them now ('fetch NAME…')",
    flags: [
      .option(
        "data", "DIR", help: "folder of the dataset files [DCRL_DATA, then ~/.cache/dcrl]")
    ],
    acceptsPositional: true)

  static func run(_ arguments: ParsedArguments) throws {
    let store = DatasetStore(
      dataRoot: arguments.string("data").map { URL(fileURLWithPath: $0, isDirectory: true) },
      onEvent: DownloadLog().print)
    let names = DatasetName.allCases.map(\.rawValue).joined(separator: ", ")
    switch arguments.positional.first {
    case "list":
      guard arguments.positional.count == 1 else {
        throw UsageError("data list takes no names; it lists every dataset (\(names))")
      }
      for name in DatasetName.allCases { print(listing(name, store: store)) }
    case "fetch":
      let requested = arguments.positional.dropFirst()
      guard !requested.isEmpty else { throw UsageError("data fetch: name one or more of \(names)") }
      let datasets = try requested.map { (key: String) throws(UsageError) -> DatasetName in
        guard let name = datasetAliases[key] else {
          throw UsageError("data fetch: unknown dataset '\(key)'; choose from \(names)")
        }
        return name
      }
      for name in datasets {
        let directory = try store.directory(for: name)
        print("\(name.rawValue): verified in \(directory.path)")
      }
    default:
      throw UsageError("usage: dcrl data list | dcrl data fetch NAME… (\(names))")
    }
  }

  /// One dataset's line: where its files are and whether their checksums match, or where a
  /// download would put them.
  static func listing(_ name: DatasetName, store: DatasetStore) -> String {
    guard let folder = store.locate(name) else {
      let present = store.searchDirectories(for: name).compactMap { folder -> String? in
        let found = name.files.filter {
          FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.name).path)
        }
        return found.isEmpty ? nil : "\(found.count) of \(name.files.count) files in \(folder.path)"
      }
      let partial = present.isEmpty ? "" : " (" + present.joined(separator: "; ") + ")"
      return
        "\(name.rawValue): missing\(partial); 'dcrl data fetch \(name.rawValue)' downloads it to "
        + store.cacheDirectory(for: name).path
    }
    let bad = name.files.filter { file in
      let data = (try? Data(contentsOf: folder.appendingPathComponent(file.name))) ?? Data()
      return SHA256.hash(data).hexadecimal != file.sha256
    }
    let state =
      bad.isEmpty
      ? "verified" : "CHECKSUM MISMATCH in \(bad.map(\.name).joined(separator: ", "))"
    return "\(name.rawValue): \(state) in \(folder.path)"
  }
}
