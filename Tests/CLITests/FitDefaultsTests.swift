// `dcrl fit` defaults for your own data: layer widths that scale with the feature count, and a
// file named like a benchmark dataset is still your own data (no preset or class count taken).

import Foundation
import Testing

@Suite("dcrl fit defaults for your own data", .serialized)
struct FitDefaultsTests {
  @Test("own data: the preset's layers are at most 10 × the feature count wide (at least 64)")
  func widthsScaleWithFeatures() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try dcrl([
      "fit", "--input", directory.appendingPathComponent("x.npy").path, "--clusters", "5",
      "--epochs", "2", "--pretrain-epochs", "2", "--init", "kmeans", "--threads", "1", "--out",
      directory.appendingPathComponent("run").path,
    ])
    #expect(result.status == 0, "\(result.error)")
    let data = try Data(
      contentsOf: directory.appendingPathComponent("run/model/configuration.json"))
    let configuration = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    // 12 features: 120 units at most, instead of the paper's 500-500-2000.
    #expect(configuration?["hiddenSizes"] as? [Int] == [120, 120, 120])
    let help = try dcrl(["fit", "--help"])
    #expect(help.output.contains("at most 10 × the feature count, at least 64"))
  }

  @Test("C5 a file named like a benchmark dataset takes neither its preset nor its class count")
  func fileNamedLikeDataset() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let usps = directory.appendingPathComponent("usps.npy")
    try FileManager.default.copyItem(at: directory.appendingPathComponent("x.npy"), to: usps)
    let result = try dcrl([
      "fit", "--input", usps.path, "--epochs", "2", "--pretrain-epochs", "2", "--out",
      directory.appendingPathComponent("run").path,
    ])
    #expect(result.status == 2, "\(result.output)")
    #expect(result.error.contains("--clusters is required for your own data"), "\(result.error)")
  }
}
