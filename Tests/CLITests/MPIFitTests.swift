// `mpirun -np 2 dcrl fit` against `dcrl fit` on one process: the same outputs from rank 0
// alone, the same clusters, the same input fingerprint; and a failure on one rank ending both.
// Skipped, naming the packages, where Open MPI's mpirun is not on the PATH.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

/// Runs `mpirun -np ranks dcrl arguments…`; returns the status and the merged output.
private func dcrlOnRanks(_ ranks: Int, _ arguments: [String]) throws -> (
  status: Int32, output: String
) {
  let result = try runOnRanks(ranks, try executable(), arguments)
  return (result.status, result.output)
}

@Suite(
  "dcrl fit on MPI ranks", .serialized,
  .enabled(if: mpirunExecutable != nil, mpirunMissing("run dcrl on several ranks")))
struct MPIFitTests {
  @Test("2 ranks write what one process writes: same labels, fingerprint and scores")
  func twoRanks() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let x = directory.appendingPathComponent("x.npy").path
    let y = directory.appendingPathComponent("y.npy").path
    let flags = [
      "--labels", y, "--epochs", "8", "--pretrain-epochs", "10", "--init", "kmeans",
      "--threads", "1",
    ]
    let one = directory.appendingPathComponent("one").path
    let two = directory.appendingPathComponent("two").path
    let single = try dcrl(["fit", "--input", x, "--out", one] + flags)
    #expect(single.status == 0, "\(single.error)")
    let ranks = try dcrlOnRanks(2, ["fit", "--input", x, "--out", two] + flags)
    #expect(ranks.status == 0, "\(ranks.output)")
    #expect(ranks.output.contains("on 2 ranks"))
    // Rank 0 alone prints: one summary line, one scores line.
    #expect(ranks.output.components(separatedBy: "dcrl fit: ").count == 2, "\(ranks.output)")
    #expect(ranks.output.components(separatedBy: "ACC ").count >= 2)
    let a = try NPY.read(from: URL(fileURLWithPath: one + "/labels.npy")).labels()
    let b = try NPY.read(from: URL(fileURLWithPath: two + "/labels.npy")).labels()
    #expect(a.count == 300 && b.count == 300)
    let agreement = Double(zip(a, b).filter { $0 == $1 }.count) / 300
    #expect(agreement >= 0.99, "labels agree on \(agreement)")
    let latent = try NPY.read(from: URL(fileURLWithPath: two + "/latent.npy"))
    #expect(latent.shape == [300, 10])
    let fingerprints = try [one, two].map {
      try String(contentsOfFile: $0 + "/model/input.json", encoding: .utf8)
    }
    #expect(fingerprints[0] == fingerprints[1])
  }

  @Test("an error on rank 0 after the ranks started ends both, with its message")
  func failureEndsAll() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let x = directory.appendingPathComponent("x.npy").path
    // The output folder holds files: rank 0 refuses it while rank 1 already waits for it.
    let out = directory.appendingPathComponent("taken")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try Data("keep".utf8).write(to: out.appendingPathComponent("notes.txt"))
    let start = Date()
    let result = try dcrlOnRanks(
      2, ["fit", "--input", x, "--out", out.path, "--clusters", "5", "--threads", "1"])
    #expect(result.status != 0)
    #expect(result.output.contains("already holds files"), "\(result.output)")
    #expect(Date().timeIntervalSince(start) < 120)
    #expect(
      try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")
  }

  @Test("flags that cannot work on several ranks fail on every rank before any collective")
  func unsupportedFlags() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let x = directory.appendingPathComponent("x.npy").path
    let result = try dcrlOnRanks(
      2,
      [
        "fit", "--input", x, "--out", directory.appendingPathComponent("o").path, "--scale",
        "minmax", "--clusters", "5",
      ])
    #expect(result.status == 2)
    #expect(result.output.contains("not available on several ranks"))
  }
}
