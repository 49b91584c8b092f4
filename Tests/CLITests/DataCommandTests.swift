// dcrl data: listing what the dataset store finds, and its usage errors.

import Datasets
import Foundation
import Testing

@Suite("dcrl data")
struct DataCommandTests {
  /// An environment with an empty per-user cache in `directory` and no `DCRL_DATA`.
  private func environment(cache directory: URL) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: DatasetStore.environmentVariable)
    environment["XDG_CACHE_HOME"] = directory.path
    return environment
  }

  @Test("list names every dataset: verified where its files are, missing with the cache folder")
  func list() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-data-\(UUID())", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let data = root.appendingPathComponent("data/usps", isDirectory: true)
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    // A file with the wrong bytes under a USPS name, and nothing else.
    try Data("not usps".utf8).write(to: data.appendingPathComponent("zip.train.gz"))
    let result = try dcrl(
      ["data", "list", "--data", root.appendingPathComponent("data").path],
      environment: environment(cache: root.appendingPathComponent("cache")))
    #expect(result.status == 0, "\(result.error)")
    let lines = result.output.split(separator: "\n").map(String.init)
    for name in [DatasetName.mnistFull, .usps, .reutersR8] {
      let line = lines.first { $0.hasPrefix(name.rawValue + ":") }
      #expect(line?.contains("missing") == true, "\(name): \(line ?? "no line")")
      #expect(line?.contains(root.appendingPathComponent("cache/dcrl").path) == true)
    }
    let usps = lines.first { $0.hasPrefix("usps:") } ?? ""
    #expect(usps.contains("1 of 2 files"), "\(usps)")

    // Both USPS files present but one wrong: the listing says which file does not match.
    try Data("not usps either".utf8).write(to: data.appendingPathComponent("zip.test.gz"))
    let again = try dcrl(
      ["data", "list", "--data", root.appendingPathComponent("data").path],
      environment: environment(cache: root.appendingPathComponent("cache")))
    let line = again.output.split(separator: "\n").first { $0.hasPrefix("usps:") } ?? ""
    #expect(line.contains("CHECKSUM MISMATCH") && line.contains("zip.train.gz"), "\(line)")
  }

  @Test("C1: an unknown dataset or verb is a usage error naming the choices")
  func usage() throws {
    for (arguments, expected) in [
      (["data", "fetch", "imagenet"], "unknown dataset 'imagenet'"),
      (["data", "fetch"], "name one or more of"),
      (["data", "frobnicate"], "usage: dcrl data list"),
    ] {
      let result = try dcrl(arguments)
      #expect(result.status == 2, "\(arguments): \(result.status)")
      #expect(result.error.contains(expected), "\(arguments): \(result.error)")
    }
  }
}
