// CSV: numeric matrices as delimited text, compatible with numpy.loadtxt and numpy.savetxt.

import Foundation
import Tensor

/// A numeric matrix read from delimited text, with its optional header.
public struct CSVTable: Sendable, Equatable {
  /// The column names from the header line, if the file had one.
  public var header: [String]?
  /// The number of data rows.
  public var rowCount: Int
  /// The number of columns.
  public var columnCount: Int
  /// The values in row-major order.
  public var values: [Double]

  /// The table as a `[rowCount, columnCount]` tensor of `dtype`.
  ///
  /// Shape: the result is `[rowCount, columnCount]`.
  public func tensor(dtype: DType = .float32, on backend: (any Backend)? = nil) -> Tensor {
    Tensor(converting: values, shape: [rowCount, columnCount], dtype: dtype, on: backend)
  }

  /// Column `index` as integer labels.
  ///
  /// - Throws: ``DatasetError/input(_:)`` for a column outside the table;
  ///   ``DatasetError/invalidLabel(path:index:value:reason:)`` for a value that is not an integer
  ///   (with `"<csv>"` as the path).
  public func labels(column index: Int) throws(DatasetError) -> [Int] {
    try DatasetError.require(
      (0..<columnCount).contains(index), "column", index, "must be in 0..<\(columnCount)")
    return try (0..<rowCount).map { (row) throws(DatasetError) -> Int in
      let value = values[row * columnCount + index]
      guard let label = Int(exactly: value) else {
        throw .invalidLabel(
          path: "<csv>", index: row, value: "\(value)", reason: "is not an integer")
      }
      return label
    }
  }
}

/// Numeric matrices as comma- (or otherwise) delimited text.
///
/// The reader follows `numpy.loadtxt`: lines starting with `#` and blank lines are skipped,
/// cells may be padded with spaces, and every cell must be a number (decimal or exponent
/// notation, `nan`, `inf`). Quoted cells are not supported. The writer prints each value with
/// the shortest text that reads back to the same float (`0.1`, `1e-05`), so a write/read round
/// trip is exact; `numpy.loadtxt(path, delimiter=",")` loads the result.
public enum CSV {
  /// Reads the numeric table at `url`.
  ///
  /// - Throws: ``DatasetError/io(path:reason:)`` when the file cannot be read, and the errors
  ///   of ``decode(_:path:delimiter:hasHeader:allowNonFinite:)``.
  public static func read(
    from url: URL, delimiter: Character = ",", hasHeader: Bool = false, allowNonFinite: Bool = false
  ) throws(DatasetError) -> CSVTable {
    try decode(
      readFile(url), path: url.path, delimiter: delimiter, hasHeader: hasHeader,
      allowNonFinite: allowNonFinite)
  }

  /// Parses delimited numeric text.
  ///
  /// - Parameters:
  ///   - data: The text, UTF-8 or ASCII.
  ///   - path: Where it came from, for error messages.
  ///   - delimiter: The single-byte cell separator: `,` by default, or `\t`, `;`, ` ` ….
  ///   - hasHeader: Whether the first non-comment line names the columns.
  ///   - allowNonFinite: Accept `nan` and `inf` cells instead of throwing.
  /// - Throws: ``DatasetError/emptyFile(path:)`` when there are no data rows;
  ///   ``DatasetError/invalidNumber(path:row:column:text:)`` for a cell that is not a number
  ///   (1-based line and column);
  ///   ``DatasetError/raggedRow(path:row:expectedColumns:foundColumns:)``;
  ///   ``DatasetError/nonFinite(path:position:value:)`` (0-based data row and column) for NaN or
  ///   infinity unless allowed; ``DatasetError/input(_:)`` for a delimiter that is not one ASCII
  ///   byte or could be part of a number.
  public static func decode(
    _ data: Data, path: String, delimiter: Character = ",", hasHeader: Bool = false,
    allowNonFinite: Bool = false
  ) throws(DatasetError) -> CSVTable {
    guard let separator = delimiter.asciiValue,
      !"0123456789.+-eEaAfFiInNtTyY#\n\r".contains(delimiter)
    else {
      throw .input(
        .invalidValue(
          parameter: "delimiter", value: "'\(delimiter)'",
          constraint: "must be one ASCII byte that cannot be part of a number"))
    }
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    return try TextBuffer(data).withBytes { (base, count) throws(DatasetError) -> CSVTable in
      var header: [String]?
      var values: [Double] = []
      var columnCount = -1
      var rowCount = 0
      var cells: [Range<Int>] = []
      for (lineIndex, line) in lineRanges(base, count).enumerated() {
        let content = trimmed(base, line)
        if content.isEmpty || base[content.lowerBound] == UInt8(ascii: "#") { continue }
        cells.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        for index in line where base[index] == separator {
          cells.append(start..<index)
          start = index + 1
        }
        cells.append(start..<line.upperBound)
        // With a blank-like delimiter, runs of it separate cells once.
        if isBlank(separator) { cells.removeAll { trimmed(base, $0).isEmpty } }
        if hasHeader && header == nil {
          header = cells.map {
            String(
              decoding: UnsafeBufferPointer(start: base + $0.lowerBound, count: $0.count),
              as: UTF8.self
            ).trimmingCharacters(in: .whitespaces)
          }
          columnCount = cells.count
          continue
        }
        if columnCount < 0 { columnCount = cells.count }
        guard cells.count == columnCount else {
          throw .raggedRow(
            path: path, row: lineIndex + 1, expectedColumns: columnCount, foundColumns: cells.count)
        }
        for (column, cell) in cells.enumerated() {
          let text = trimmed(base, cell)
          guard let value = parseDouble(base, text) else {
            throw .invalidNumber(
              path: path, row: lineIndex + 1, column: column + 1, text: excerpt(base, text))
          }
          if !allowNonFinite && !value.isFinite {
            throw .nonFinite(path: path, position: [rowCount, column], value: value)
          }
          values.append(value)
        }
        rowCount += 1
      }
      guard rowCount > 0 else { throw .emptyFile(path: path) }
      return CSVTable(header: header, rowCount: rowCount, columnCount: columnCount, values: values)
    }
  }

  /// Writes a rank-2 `tensor` (or a vector, as one column) to `url`, atomically.
  ///
  /// - Parameters:
  ///   - tensor: The values, one row per line.
  ///   - url: The file to write.
  ///   - header: Column names for a first line, if wanted.
  ///   - delimiter: The cell separator.
  /// - Throws: ``DatasetError/input(_:)`` for a tensor that is not rank 1 or 2 or a header of the
  ///   wrong length; ``DatasetError/io(path:reason:)``.
  public static func write(
    _ tensor: Tensor, to url: URL, header: [String]? = nil, delimiter: Character = ","
  ) throws(DatasetError) {
    try writeFile(encode(tensor, header: header, delimiter: delimiter), to: url)
  }

  /// The text of a rank-2 `tensor` (or a vector, as one column), one row per line.
  ///
  /// Values use the shortest decimal that reads back to the same float32 or float64.
  /// - Throws: As ``write(_:to:header:delimiter:)``, without the I/O errors.
  public static func encode(
    _ tensor: Tensor, header: [String]? = nil, delimiter: Character = ","
  ) throws(DatasetError) -> Data {
    guard tensor.rank == 1 || tensor.rank == 2 else {
      throw .input(.wrongRank(parameter: "tensor", shape: tensor.shape, expected: "rank 1 or 2"))
    }
    let rows = tensor.shape[0]
    let columns = tensor.rank == 2 ? tensor.shape[1] : 1
    if let header {
      try DatasetError.require(
        header.count == columns, "header", "\(header.count) names",
        "needs one name per column (\(columns))")
    }
    let separator = String(delimiter)
    let texts: [String] =
      tensor.dtype == .float32 ? tensor.floats.map { "\($0)" } : tensor.doubles.map { "\($0)" }
    var text = header.map { $0.joined(separator: separator) + "\n" } ?? ""
    for row in 0..<rows {
      text += texts[(row * columns)..<((row + 1) * columns)].joined(separator: separator)
      text += "\n"
    }
    return Data(text.utf8)
  }
}
