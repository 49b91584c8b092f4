// CSVInput: reading a CSV matrix or label column as spreadsheets write them — CRLF line endings,
// a UTF-8 byte-order mark, quoted fields — and deciding whether its first row is a header by a
// rule that never takes a row of data for one.

import Datasets
import Foundation
import _CommandLineSupport

/// How the first row of a CSV input is read (`--header`).
enum CSVHeader: String, CaseIterable {
  /// A header when every field of the first row is text that is not a number.
  case auto
  /// The first row names the columns.
  case yes
  /// The first row is data.
  case no
}

/// The `--header` flag of the commands that read CSV files.
let csvHeaderFlag = Flag.option(
  "header", "WHEN",
  help: "whether a CSV input's first row names its columns; auto: when every field of it is "
    + "text, not a number", default: "auto", choices: CSVHeader.allCases.map(\.rawValue))

/// `--header`, for commands that have the flag (auto for those that do not).
func csvHeader(_ arguments: ParsedArguments) -> CSVHeader {
  arguments.string("header").flatMap(CSVHeader.init(rawValue:)) ?? .auto
}

/// Reads the numbers of the CSV file at `url`.
///
/// - Throws: `DatasetError` naming the row (1-based line) and column of a value that is not a
///   number, a ragged row, or an unreadable file.
func readCSV(_ url: URL, header: CSVHeader) throws -> CSVTable {
  var data: Data
  do {
    data = try Data(contentsOf: url)
  } catch {
    throw CommandFailure("\(url.path): cannot be read (\(systemReason(error)))")
  }
  if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
  if data.contains(UInt8(ascii: "\"")) { data = try unquoted(data, path: url.path) }
  let hasHeader: Bool
  switch header {
  case .yes: hasHeader = true
  case .no: hasHeader = false
  case .auto: hasHeader = firstRowIsHeader(data)
  }
  return try CSV.decode(Data(data), path: url.path, hasHeader: hasHeader)
}

/// Whether every field of the first row (not blank, not a `#` comment) is text that is not a
/// number; a row with any number or empty field is data, and a bad value in it is reported.
private func firstRowIsHeader(_ data: Data) -> Bool {
  let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
  let line = text.split(whereSeparator: \.isNewline).first {
    let trimmed = $0.trimmingCharacters(in: .whitespaces)
    return !trimmed.isEmpty && !trimmed.hasPrefix("#")
  }
  guard let line else { return false }
  return line.split(separator: ",", omittingEmptySubsequences: false).allSatisfy {
    let field = $0.trimmingCharacters(in: .whitespaces)
    return !field.isEmpty && Double(field) == nil
  }
}

/// `data` with quoted fields unquoted (`"1.5"` → `1.5`, `""` inside quotes → `"`), line by line;
/// a comma inside quotes becomes `;`, so a header keeps its columns and a data field that holds
/// one is reported as not a number, with its row and column.
///
/// - Throws: ``CommandFailure`` naming the row and column of a quoted field that is not closed on
///   its line.
private func unquoted(_ data: Data, path: String) throws -> Data {
  let text = String(decoding: data, as: UTF8.self)
  var lines: [String] = []
  for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    var output = ""
    var quoted = false
    var column = 1
    var position = line.startIndex
    while position < line.endIndex {
      let character = line[position]
      position = line.index(after: position)
      switch (quoted, character) {
      case (true, "\""):
        if position < line.endIndex && line[position] == "\"" {
          output.append("\"")
          position = line.index(after: position)
        } else {
          quoted = false
        }
      case (true, ","): output.append(";")
      case (false, "\""): quoted = true
      case (false, ","):
        output.append(",")
        column += 1
      default: output.append(character)
      }
    }
    guard !quoted else {
      throw CommandFailure(
        "\(path): row \(index + 1), column \(column): a quoted field is not closed on its line")
    }
    lines.append(output)
  }
  return Data(lines.joined(separator: "\n").utf8)
}
