// EpochLog: the per-epoch CSV log that `dcrl fit`, `DCRLMNIST` and `dcrl-bench sweep` write,
// read back by column for plots and replays.

import Foundation

/// The columns of a `dcrl fit` epoch log, by name; empty cells are NaN.
public struct EpochLog {
  /// Every column of the log by its header name, one value per epoch.
  public var columns: [String: [Double]] = [:]

  /// Reads `epochs.csv` as `dcrl fit`, `DCRLMNIST` and `dcrl-bench sweep` write it (a header
  /// row, then one row per epoch); errors name `flag`, the option that gave the path.
  public init(contentsOf path: String, flag: String = "--curves") throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw UsageError("\(flag): cannot read \(path)")
    }
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false),
      header.contains("epoch"), lines.count > 1
    else {
      throw UsageError("\(flag): \(path) is not an epoch log (a CSV with an 'epoch' column)")
    }
    let names = header.map(String.init)
    for name in names { columns[name] = [] }
    for (number, line) in lines.dropFirst().enumerated() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      guard cells.count == names.count else {
        throw UsageError(
          "\(flag): row \(number + 2) of \(path) has \(cells.count) cells; the header has "
            + "\(names.count)")
      }
      for (name, cell) in zip(names, cells) {
        columns[name]!.append(Double(cell) ?? .nan)
      }
    }
  }
}
