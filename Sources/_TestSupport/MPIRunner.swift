// MPIRunner: starting an executable as ranks under Open MPI's mpirun from a test, with a time
// limit, so that a hang fails the test instead of the suite.

import Foundation
import Testing

/// `mpirun` on the `PATH`, if any.
public let mpirunExecutable: URL? = {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for directory in path.split(separator: ":") {
    let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("mpirun")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
  }
  return nil
}()

/// The message of a test suite skipped for want of `mpirun`, naming what to install.
public func mpirunMissing(_ what: String) -> Comment {
  Comment(
    rawValue: "mpirun not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev) to "
      + what)
}

/// Runs `executable arguments…` as `ranks` ranks under `mpirun` (as root too, oversubscribing
/// the cores), killing it after `timeout` seconds; returns its status, merged output and wall
/// time.
public func runOnRanks(
  _ ranks: Int, _ executable: URL, _ arguments: [String], timeout: Double = 300
) throws -> (status: Int32, output: String, seconds: Double) {
  let process = Process()
  process.executableURL = mpirunExecutable!
  process.arguments =
    ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", executable.path] + arguments
  var environment = ProcessInfo.processInfo.environment
  environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
  process.environment = environment
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  let start = Date()
  try process.run()
  let timer = DispatchWorkItem { process.terminate() }
  DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  timer.cancel()
  return (
    process.terminationStatus, String(decoding: data, as: UTF8.self),
    Date().timeIntervalSince(start)
  )
}
