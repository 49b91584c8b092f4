// The MPI communicator and data-parallel pretraining across real processes: `mpirun -np 2
// distributed-check` against one process. Skipped, with the packages to install, where Open
// MPI's mpirun is not on the PATH.

import Foundation
import Testing
import _TestSupport

/// The `distributed-check` executable built beside the tests.
private func checker() throws -> URL {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("distributed-check")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  throw CocoaError(
    .fileNoSuchFile,
    userInfo: [NSFilePathErrorKey: "distributed-check next to \(CommandLine.arguments[0])"])
}

/// Runs `mpirun -np ranks distributed-check modes…`.
private func runRanks(_ ranks: Int, _ modes: [String], timeout: Double = 180) throws -> (
  status: Int32, output: String, seconds: Double
) {
  try runOnRanks(ranks, try checker(), modes, timeout: timeout)
}

@Suite(
  "MPI", .serialized,
  .enabled(if: mpirunExecutable != nil, mpirunMissing("run the 2-rank tests")))
struct MPITests {
  @Test(
    "2 ranks: every collective, then pretraining and DCRL fine-tuning equal to one process")
  func twoRanks() throws {
    let (status, output, _) = try runRanks(2, ["collectives", "pretraining", "fine-tuning"])
    #expect(status == 0, "\(output)")
    #expect(output.contains("collectives: ok on 2 ranks"), "\(output)")
    #expect(output.contains("pretraining: 2 ranks, 20 steps"), "\(output)")
    #expect(output.contains("pretraining: ok"), "\(output)")
    #expect(output.contains("fine-tuning: 2 ranks, 20 epochs"), "\(output)")
    #expect(output.contains("fine-tuning: ok"), "\(output)")
  }

  @Test("a failure on rank 1 stops rank 0 waiting in a barrier, with the message, no hang")
  func failureStopsAll() throws {
    let (status, output, seconds) = try runRanks(2, ["failure"], timeout: 60)
    #expect(status != 0)
    #expect(output.contains("deliberate failure on rank 1"), "\(output)")
    #expect(!output.contains("the barrier returned"), "\(output)")
    #expect(seconds < 60)
  }
}
