// Flags the input cannot satisfy fail before any folder is created or any training starts, with
// a one-line error naming the flag and the limit, and never crash (RELIABILITY C5).

import Datasets
import Foundation
import Tensor
import Testing

@Suite("dcrl validates its flags against the input before any work", .serialized)
struct InputValidationTests {
  @Test("C5 impossible sizes, counts and values fail at once, naming the flag and the limit")
  func impossibleFlags() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    let x = try NPY.read(from: directory.appendingPathComponent("x.npy")).tensor()
    try NPY.write(x.rows(0..<1), to: directory.appendingPathComponent("one.npy"))
    try NPY.write(Tensor([Float](), shape: [0, 12]), to: directory.appendingPathComponent("0.npy"))
    try NPY.write(
      labels: Array(repeating: 0, count: 299), to: directory.appendingPathComponent("short.npy"))
    let cases: [([String], String)] = [
      (["--hidden", "3000000000"], "--hidden: 3000000000 must be between 1 and 20000"),
      (["--hidden", "9223372036854775807"], "--hidden: 9223372036854775807 must be between 1"),
      (["--hidden", "0"], "--hidden: 0 must be between 1 and 20000"),
      (["--latent", "2000000000"], "--latent: 2000000000 must be between 1 and 20000"),
      (["--hidden", "9000,9000"], "more than 67108864 weights"),
      (["--clusters", "1"], "--clusters: 1 must be at least 2"),
      (["--clusters", "1000000"], "--clusters: 1000000 is more than the 300 rows"),
      (["--input", path("one.npy")], "has 1 row; clustering needs at least 2"),
      (["--input", path("0.npy")], "has 0 rows and 12 features"),
      (["--neighbors", "300"], "--neighbors: 300 must be between 1 and 299"),
      (["--threads", "0"], "--threads: 0 must be between 1 and 1024"),
      (["--checkpoint-every", "0"], "--checkpoint-every: 0 must be at least 1"),
      (["--epochs", "-1"], "--epochs: -1 must be at least 0"),
      (["--expect-acc", "nan", "--labels", path("y.npy")], "--expect-acc: 'nan' must be a number"),
      (["--expect-acc", "0.5"], "--expect-acc needs ground truth"),
      (["--labels", path("short.npy")], "--labels: 299 labels for the 300 rows"),
    ]
    for (extra, expected) in cases {
      let result = try dcrl(quickFit(directory, out: "run", extra))
      #expect(result.status == 2, "\(extra): \(result.error)")
      #expect(result.error.split(separator: "\n").count == 1, "\(extra): \(result.error)")
      #expect(result.error.contains(expected), "\(extra): \(result.error)")
      #expect(!result.output.contains("pretraining"), "\(extra) trained: \(result.output)")
      #expect(!FileManager.default.fileExists(atPath: path("run")), "\(extra) created the folder")
    }
  }

  @Test("C5 plot --max-points below 1 and a bad --seed are usage errors, not a crash")
  func plotFlags() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let x = directory.appendingPathComponent("x.npy").path
    let out = directory.appendingPathComponent("p.png").path
    for (extra, expected) in [
      (["--max-points", "-1"], "--max-points: -1 must be at least 1"),
      (["--max-points", "0"], "--max-points: 0 must be at least 1"),
      (["--seed", "-3"], "--seed: '-3' is not a valid uint64"),
    ] {
      let result = try dcrl(["plot", "--input", x, "--out", out] + extra)
      #expect(result.status == 2, "\(extra): \(result.error)")
      #expect(result.error.contains(expected), "\(extra): \(result.error)")
      #expect(!FileManager.default.fileExists(atPath: out))
    }
  }
}
