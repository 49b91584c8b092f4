// Progress: a live progress line with ETA on a terminal, plain lines otherwise, and a CSV log.

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reports the progress of a run of `total` steps.
///
/// On a terminal it redraws one line with a bar, the step, the message and an estimate of the
/// time left; otherwise (a pipe, a log file, CI) it prints one plain line per step.
public final class ProgressReporter {
  /// The number of steps of the whole run.
  public let total: Int
  /// The label printed before each line, such as `"fine-tuning"`.
  public let label: String
  private let isTerminal: Bool
  private let created = ContinuousClock.now
  /// The first update's time and step: the rate is measured from there, so set-up work done
  /// before the first step (or the steps a resumed run skipped) does not distort the estimate.
  private var first: (time: ContinuousClock.Instant, done: Int)?

  /// Creates a reporter.
  public init(total: Int, label: String) {
    self.total = total
    self.label = label
    self.isTerminal = isatty(STDOUT_FILENO) == 1
  }

  /// Reports that step `step` (0-based) finished, with a message such as the losses.
  public func update(step: Int, message: String) {
    let done = step + 1
    let now = ContinuousClock.now
    let rate: Double
    if let first, done > first.done {
      rate = (now - first.time).seconds / Double(done - first.done)
    } else {
      rate = (now - created).seconds / Double(max(done, 1))
      if first == nil { first = (now, done) }
    }
    let remaining = rate * Double(max(total - done, 0))
    let eta = "ETA " + Self.duration(remaining)
    if isTerminal {
      let width = 20
      let filled = total > 0 ? min(width, width * done / total) : width
      let bar =
        String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
      print("\r\u{1B}[2K\(label) [\(bar)] \(done)/\(total) \(message) \(eta)", terminator: "")
      if done == total { print("") }
      fflush(nil)
    } else {
      print("\(label) \(done)/\(total) \(message) \(eta)")
      fflush(nil)
    }
  }

  /// Ends the line on a terminal (after an early stop).
  public func finish() {
    if isTerminal { print("") }
  }

  /// `seconds` as `1h02m`, `3m05s` or `12s`.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let total = Int(seconds.rounded())
    if total >= 3600 { return "\(total / 3600)h" + String(format: "%02dm", (total % 3600) / 60) }
    if total >= 60 { return "\(total / 60)m" + String(format: "%02ds", total % 60) }
    return "\(total)s"
  }
}

/// A CSV file written one row at a time, flushed after each row so a killed run keeps its log.
public final class CSVLog {
  private let handle: FileHandle
  /// The file being written.
  public let url: URL

  /// Creates (or replaces) the file and writes the header row; with `appending`, an existing
  /// file is kept and new rows go after its last one (a resumed run).
  public init(url: URL, header: [String], appending: Bool = false) throws {
    self.url = url
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let exists = FileManager.default.fileExists(atPath: url.path)
    if !(appending && exists) {
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    }
    handle = try FileHandle(forWritingTo: url)
    if appending && exists {
      try handle.seekToEnd()
    } else {
      try append(header)
    }
  }

  /// Appends one row; fields containing commas or quotes are quoted.
  public func append(_ fields: [String]) throws {
    let line =
      fields.map { field -> String in
        guard field.contains(",") || field.contains("\"") else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }.joined(separator: ",") + "\n"
    try handle.write(contentsOf: Data(line.utf8))
    try handle.synchronize()
  }

  deinit { try? handle.close() }
}
