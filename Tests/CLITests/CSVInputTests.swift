// CSV files as spreadsheets write them — CRLF, a UTF-8 byte-order mark, quoted fields, a header
// row — read every data row; a header is taken only when every field of the first row is text,
// and any other bad value is reported with its row and column (RELIABILITY C6).

import Datasets
import Foundation
import Tensor
import Testing

/// The fixture's 300 × 12 features as CSV lines, each value written so it reads back exactly.
private func csvLines(_ directory: URL, quoted: Bool = false) throws -> [String] {
  let x = try NPY.read(from: directory.appendingPathComponent("x.npy")).tensor()
  let values = x.floats
  return (0..<x.shape[0]).map { row in
    (0..<x.shape[1]).map { column in
      let text = "\(values[row * x.shape[1] + column])"
      return quoted ? "\"\(text)\"" : text
    }.joined(separator: ",")
  }
}

@Suite("dcrl reads CSV files as spreadsheets write them", .serialized)
struct CSVInputTests {
  @Test("C6 CRLF, a UTF-8 BOM, quoted fields and a text header keep every row in place")
  func spreadsheetCSV() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try dcrl(quickFit(directory, out: "run")).status == 0)
    func predict(_ input: String, _ extra: [String] = []) throws -> (Int32, [Int]?, String) {
      let out = directory.appendingPathComponent("p-\(UUID()).npy")
      let result = try dcrl(
        [
          "predict", "--model", directory.appendingPathComponent("run/model").path, "--input",
          input, "--out", out.path,
        ] + extra)
      return (result.status, try? NPY.read(from: out).labels(), result.error)
    }
    let (_, expected, _) = try predict(directory.appendingPathComponent("x.npy").path)
    #expect(expected?.count == 300)
    let lines = try csvLines(directory)
    let header = (1...12).map { "feature \($0)" }.joined(separator: ",")
    let files: [(String, String)] = [
      ("plain.csv", lines.joined(separator: "\n") + "\n"),
      ("crlf.csv", lines.joined(separator: "\r\n") + "\r\n"),
      ("bom.csv", "\u{FEFF}" + ([header] + lines).joined(separator: "\r\n")),
      ("quoted.csv", try csvLines(directory, quoted: true).joined(separator: "\n")),
      (
        "quoted-header.csv",
        "\"name, with comma\"," + (2...12).map { "\"f\($0)\"" }.joined(separator: ",") + "\n"
          + lines.joined(separator: "\n")
      ),
    ]
    for (name, text) in files {
      let url = directory.appendingPathComponent(name)
      try Data(text.utf8).write(to: url)
      let (status, labels, error) = try predict(url.path)
      #expect(status == 0, "\(name): \(error)")
      #expect(labels == expected, "\(name): rows lost or shifted")
    }
    // --header yes takes the first row as names even when it is numbers; --header no never.
    let crlf = directory.appendingPathComponent("crlf.csv").path
    let (_, shortened, _) = try predict(crlf, ["--header", "yes"])
    #expect(shortened.map { Array($0) } == expected.map { Array($0.dropFirst()) })
    let bom = directory.appendingPathComponent("bom.csv").path
    let (status, _, error) = try predict(bom, ["--header", "no"])
    #expect(status == 1 && error.contains("row 1, column 1"), "\(error)")
  }

  @Test("C6 a first row with a bad value is an error naming its row and column, not a header")
  func badValues() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    var lines = try csvLines(directory)
    let cases: [(String, String)] = [
      ("first-row.csv", "row 1, column 3"),
      ("empty-cell.csv", "row 1, column 2"),
      ("quoted-comma.csv", "row 5, column 1"),
      ("open-quote.csv", "row 2, column 4"),
    ]
    var first = lines[0].split(separator: ",").map(String.init)
    first[2] = "x"
    lines[0] = first.joined(separator: ",")
    try Data(lines.joined(separator: "\n").utf8).write(
      to: directory.appendingPathComponent("first-row.csv"))
    lines = try csvLines(directory)
    first = lines[0].split(separator: ",").map(String.init)
    first[1] = ""
    lines[0] = first.joined(separator: ",")
    try Data(lines.joined(separator: "\n").utf8).write(
      to: directory.appendingPathComponent("empty-cell.csv"))
    lines = try csvLines(directory)
    lines[4] = "\"1,5\"," + lines[4].split(separator: ",").dropFirst().joined(separator: ",")
    try Data(lines.joined(separator: "\n").utf8).write(
      to: directory.appendingPathComponent("quoted-comma.csv"))
    lines = try csvLines(directory)
    lines[1] = "1,2,3,\"4" + String(repeating: ",0", count: 8)
    try Data(lines.joined(separator: "\n").utf8).write(
      to: directory.appendingPathComponent("open-quote.csv"))
    for (name, expected) in cases {
      let result = try dcrl([
        "fit", "--input", directory.appendingPathComponent(name).path, "--clusters", "5", "--out",
        directory.appendingPathComponent("run").path,
      ])
      #expect(result.status == 1, "\(name): \(result.error)")
      #expect(result.error.contains(expected), "\(name): \(result.error)")
      #expect(result.error.split(separator: "\n").count == 1, "\(name): \(result.error)")
      #expect(!result.output.contains("samples"), "\(name) was read: \(result.output)")
    }
  }
}
