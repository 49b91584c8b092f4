// Benchmark: a tiny timing harness (warm-up, repeat until a time budget, median/min/max) and
// the metadata block every benchmark output starts with.

import Foundation

/// Timings of repeated runs of one piece of work, in seconds.
public struct Timing: Sendable, Codable {
  /// What was measured.
  public var name: String
  /// Every run's duration.
  public var samples: [Double]

  /// Creates a timing from its samples.
  public init(name: String, samples: [Double]) {
    self.name = name
    self.samples = samples
  }

  /// The median duration.
  public var median: Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  /// The shortest duration.
  public var minimum: Double { samples.min() ?? .nan }
  /// The longest duration.
  public var maximum: Double { samples.max() ?? .nan }
}

/// Runs `body` `warmup` times untimed, then repeatedly until `minimumTime` seconds have passed
/// and at least `minimumRuns` runs are done (at most `maximumRuns`).
///
/// `body` must finish its work before returning (call the backend's `synchronize()`).
public func measure(
  _ name: String, warmup: Int = 2, minimumRuns: Int = 5, maximumRuns: Int = 1000,
  minimumTime: Double = 0.5, _ body: () throws -> Void
) rethrows -> Timing {
  for _ in 0..<warmup { try body() }
  var samples: [Double] = []
  let clock = ContinuousClock()
  let start = clock.now
  while samples.count < maximumRuns
    && (samples.count < minimumRuns || (clock.now - start).seconds < minimumTime)
  {
    let runStart = clock.now
    try body()
    samples.append((clock.now - runStart).seconds)
  }
  return Timing(name: name, samples: samples)
}

extension Duration {
  /// The duration in seconds.
  public var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) * 1e-18
  }
}

/// The facts a benchmark result needs to be interpreted later: commit, toolchain, machine,
/// threads.
public struct RunMetadata: Sendable, Codable {
  /// The git commit of the working tree (with `-dirty` if it has changes), or `unknown`.
  public var commit: String
  /// The Swift compiler version this binary was built with.
  public var toolchain: String
  /// The CPU model, core count and vector extensions.
  public var cpu: String
  /// `OPENBLAS_NUM_THREADS` and `OPENBLAS_THREAD_TIMEOUT` as set in the environment.
  public var environment: [String: String]
  /// When the run started (ISO 8601, UTC).
  public var date: String
  /// The running binary and when it was built; it says so when the binary is older than the
  /// commit, so a result of a binary built from an earlier commit is not credited to this one.
  public var executable: String?

  /// Collects the metadata of the current process.
  public static func current() -> RunMetadata {
    let environment = ProcessInfo.processInfo.environment
    var selected: [String: String] = [:]
    for key in ["OPENBLAS_NUM_THREADS", "OPENBLAS_THREAD_TIMEOUT", "OMP_NUM_THREADS"] {
      selected[key] = environment[key] ?? "unset"
    }
    return RunMetadata(
      commit: gitCommit(), toolchain: compilerVersion, cpu: cpuDescription(),
      environment: selected, date: ISO8601DateFormatter().string(from: Date()),
      executable: executableDescription())
  }

  /// The metadata as a Markdown block.
  public var markdown: String {
    var lines = [
      "- commit: `\(commit)`", "- toolchain: \(toolchain)", "- cpu: \(cpu)", "- date: \(date)",
    ]
    if let executable { lines.append("- executable: \(executable)") }
    for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
      lines.append("- \(key): \(value)")
    }
    return lines.joined(separator: "\n")
  }
}

private var compilerVersion: String {
  #if compiler(>=6.3)
    return "Swift 6.3 or newer (swiftlang 6.3.x)"
  #else
    return "Swift older than 6.3"
  #endif
}

/// Runs a command and returns its trimmed standard output, or `nil` if it fails.
public func runCommand(_ executable: String, _ arguments: [String]) -> String? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [executable] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

private func gitCommit() -> String {
  guard let commit = runCommand("git", ["rev-parse", "--short=12", "HEAD"]) else {
    return "unknown"
  }
  let dirty =
    runCommand("git", ["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty }
    ?? false
  return dirty ? commit + "-dirty" : commit
}

/// The running binary's path and modification time, flagged when it predates the commit.
private func executableDescription() -> String? {
  let path =
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments.first
  guard let path,
    let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate]
      as? Date
  else { return nil }
  var text = "\(path), built \(ISO8601DateFormatter().string(from: modified))"
  if let committed = runCommand("git", ["log", "-1", "--format=%ct"]).flatMap(Double.init),
    modified.timeIntervalSince1970 < committed
  {
    text += " (before the commit: built from an earlier one)"
  }
  return text
}

private func cpuDescription() -> String {
  guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
    return "unknown, \(ProcessInfo.processInfo.activeProcessorCount) cores"
  }
  let lines = info.split(separator: "\n")
  let model =
    lines.first { $0.hasPrefix("model name") }.map {
      $0.split(separator: ":", maxSplits: 1).last.map {
        String($0).trimmingCharacters(in: .whitespaces)
      } ?? "?"
    } ?? "unknown"
  let flags = lines.first { $0.hasPrefix("flags") }.map(String.init) ?? ""
  let vector = flags.contains("avx512f") ? "AVX-512" : (flags.contains("avx2") ? "AVX2" : "SSE")
  return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(vector)"
}

/// A Markdown table from a header row and body rows.
public func markdownTable(_ header: [String], _ rows: [[String]]) -> String {
  var lines = ["| " + header.joined(separator: " | ") + " |"]
  lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
  for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
  return lines.joined(separator: "\n")
}

/// A number formatted with a fixed number of decimals.
public func formatted(_ value: Double, decimals: Int = 3) -> String {
  String(format: "%.\(decimals)f", value)
}
