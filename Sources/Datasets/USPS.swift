// USPS: the ESL text files zip.train.gz and zip.test.gz (16×16 digits in [−1, 1]).

import Foundation
import Tensor

/// The USPS handwritten digits as distributed with *The Elements of Statistical Learning*.
///
/// Each line of `zip.train` (7,291 lines) and `zip.test` (2,007 lines) is a digit label followed
/// by 256 grey values in [−1, 1], separated by spaces. The loader maps them to [0, 1] with
/// `(v + 1) / 2` (computed in double precision, then rounded to float32) and concatenates
/// train then test: 9,298 samples (Docs/Algorithm.md#datasets).
public enum USPS {
  /// The number of values per digit (16 × 16).
  public static let featureCount = 256

  /// Loads and concatenates `zip.train.gz` and `zip.test.gz` from `directory`, after
  /// verifying their checksums.
  ///
  /// - Throws: As ``LabeledDataset/load(_:from:on:)``.
  public static func load(
    from directory: URL, on backend: (any Backend)? = nil
  ) throws(DatasetError) -> LabeledDataset {
    var values: [Float] = []
    var labels: [Int] = []
    for file in DatasetName.usps.files {
      let path = directory.appendingPathComponent(file.name).path
      let text = try Compression.gunzip(file.readVerified(in: directory), path: path)
      let part = try decode(text, path: path)
      values.append(contentsOf: part.values)
      labels.append(contentsOf: part.labels)
    }
    let checksums = DatasetName.usps.files.map { "\($0.name) (sha256 \($0.sha256.prefix(12))…)" }
    return try LabeledDataset(
      name: DatasetName.usps.rawValue,
      features: Tensor(values, shape: [labels.count, featureCount], on: backend),
      labels: labels, classCount: 10,
      provenance: "usps: ESL files \(checksums.joined(separator: ", ")) in \(directory.path); "
        + "7,291 train then 2,007 test; 256 values (v + 1) / 2 to [0, 1] (Docs/Algorithm.md#datasets)"
    )
  }

  /// Parses the text of one ESL USPS file (already decompressed).
  ///
  /// - Parameters:
  ///   - text: Lines of `label v₁ … v₂₅₆`; blank lines are skipped.
  ///   - path: The file, for error messages.
  /// - Returns: The values mapped to `(v + 1) / 2`, row-major, and the labels.
  /// - Throws: ``DatasetError/emptyFile(path:)`` when there are no digits;
  ///   ``DatasetError/raggedRow(path:row:expectedColumns:foundColumns:)`` for a line without
  ///   257 fields; ``DatasetError/invalidNumber(path:row:column:text:)`` for a field that is
  ///   not a number; ``DatasetError/invalidLabel(path:index:value:reason:)`` for a label that
  ///   is not a digit; ``DatasetError/malformed(path:reason:)`` for a value outside [−1, 1].
  public static func decode(_ text: Data, path: String) throws(DatasetError) -> (
    values: [Float], labels: [Int]
  ) {
    let buffer = TextBuffer(text)
    return try buffer.withBytes { (base, count) throws(DatasetError) in
      var values: [Float] = []
      var labels: [Int] = []
      values.reserveCapacity(count / 7)
      for (lineIndex, line) in lineRanges(base, count).enumerated() {
        let row = lineIndex + 1
        var fields: [Range<Int>] = []
        var index = line.lowerBound
        while index < line.upperBound {
          while index < line.upperBound && isBlank(base[index]) { index += 1 }
          let start = index
          while index < line.upperBound && !isBlank(base[index]) { index += 1 }
          if index > start { fields.append(start..<index) }
        }
        if fields.isEmpty { continue }
        guard fields.count == featureCount + 1 else {
          throw .raggedRow(
            path: path, row: row, expectedColumns: featureCount + 1, foundColumns: fields.count)
        }
        guard let label = parseDouble(base, fields[0]) else {
          throw .invalidNumber(path: path, row: row, column: 1, text: excerpt(base, fields[0]))
        }
        guard label.isFinite, label == label.rounded(), (0...9).contains(label) else {
          throw .invalidLabel(
            path: path, index: labels.count, value: excerpt(base, fields[0]),
            reason: "is not a digit 0...9")
        }
        labels.append(Int(label))
        for (column, field) in fields.dropFirst().enumerated() {
          guard let value = parseDouble(base, field) else {
            throw .invalidNumber(
              path: path, row: row, column: column + 2, text: excerpt(base, field))
          }
          guard (-1...1).contains(value) else {
            throw .malformed(
              path: path,
              reason:
                "row \(row), column \(column + 2): value \(excerpt(base, field)) is outside [-1, 1]"
            )
          }
          values.append(Float((value + 1) / 2))
        }
      }
      guard !labels.isEmpty else { throw .emptyFile(path: path) }
      return (values, labels)
    }
  }
}
