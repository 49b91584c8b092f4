// dcrl-bench replay: what the label-change guard would have done to finished runs, read from
// their epochs.csv logs without training anything.

import DCRL
import Foundation
import _CommandLineSupport

enum ReplayBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench replay",
    summary: "replay the label-change guard on finished runs' epochs.csv logs",
    flags: [
      .option("warm-up", "N", help: "the runs' warm-up epochs T0", default: "30"),
      .option("window", "N", help: "the guard's window", default: "\(LabelChangeGuard().window)"),
      .option("factor", "X", help: "the guard's factor", default: "\(LabelChangeGuard().factor)"),
      .option(
        "minimum", "X", help: "the guard's minimum change (a fraction)",
        default: "\(LabelChangeGuard().minimumChange)"),
    ],
    acceptsPositional: true)

  static func run(_ arguments: ParsedArguments) throws {
    guard !arguments.positional.isEmpty else {
      throw UsageError("name one or more epochs.csv files: dcrl-bench replay [flags] FILE…")
    }
    let rule = LabelChangeGuard(
      window: try arguments.required("window"), factor: try arguments.required("factor"),
      minimumChange: try arguments.required("minimum"))
    let warmUp: Int = try arguments.required("warm-up")
    print("| log | epochs | guard fires at | change | model kept (epochs) | its ACC | final ACC |")
    print("|---|---|---|---|---|---|---|")
    for path in arguments.positional {
      let log = try EpochLog(contentsOf: URL(fileURLWithPath: path))
      let final = log.accuracy.last.flatMap { $0 }.map { formatted($0, decimals: 4) } ?? "–"
      guard let firing = rule.firstFiring(changes: log.labelChange, warmUpEpochs: warmUp) else {
        print("| \(path) | \(log.labelChange.count) | – | – | all | \(final) | \(final) |")
        continue
      }
      // The guard restores the state at the start of epoch firing − 1, whose labels are the
      // ones that epoch's row scores.
      let kept = log.accuracy[firing - 1].map { formatted($0, decimals: 4) } ?? "–"
      print(
        "| \(path) | \(log.labelChange.count) | \(firing) | \(formatted(100 * log.labelChange[firing], decimals: 2)) % | \(firing - 1) | \(kept) | \(final) |"
      )
    }
  }
}

/// The label change and ACC columns of an epochs.csv log.
struct EpochLog {
  var labelChange: [Double]
  var accuracy: [Double?]

  init(contentsOf url: URL) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    guard let header = lines.first, let change = header.firstIndex(of: "label_change"),
      let acc = header.firstIndex(of: "acc")
    else {
      throw UsageError("\(url.path): not an epochs.csv log (no label_change and acc columns)")
    }
    labelChange = []
    accuracy = []
    for (row, fields) in lines.dropFirst().enumerated() {
      guard fields.count == header.count, let value = Double(fields[change]) else {
        throw UsageError("\(url.path): row \(row + 2) does not match the header")
      }
      labelChange.append(value)
      accuracy.append(Double(fields[acc]))
    }
  }
}
