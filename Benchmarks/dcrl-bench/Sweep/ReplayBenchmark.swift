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
      let log = try EpochLog(contentsOf: path, flag: "FILE")
      guard let changes = log.columns["label_change"], let accuracy = log.columns["acc"] else {
        throw UsageError("FILE: \(path) has no label_change and acc columns")
      }
      func score(_ value: Double?) -> String {
        value.flatMap { $0.isNaN ? nil : formatted($0, decimals: 4) } ?? "–"
      }
      let final = score(accuracy.last)
      guard let firing = rule.firstFiring(changes: changes, warmUpEpochs: warmUp) else {
        print("| \(path) | \(changes.count) | – | – | all | \(final) | \(final) |")
        continue
      }
      // The guard restores the state at the start of epoch firing − 1, whose labels are the
      // ones that epoch's row scores.
      let kept = score(accuracy[firing - 1])
      print(
        "| \(path) | \(changes.count) | \(firing) | \(formatted(100 * changes[firing], decimals: 2)) % | \(firing - 1) | \(kept) | \(final) |"
      )
    }
  }
}
