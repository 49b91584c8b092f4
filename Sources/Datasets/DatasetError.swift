// DatasetError: every way loading, parsing, writing or preprocessing data can fail.

import Tensor

/// An error from the `Datasets` module.
///
/// Every file-related case names the file's path and says what was wrong, so the message alone
/// tells the user which file to fix or fetch (RELIABILITY P3, P5). Parsers never crash on bad
/// bytes: truncation, wrong magic numbers, sizes that disagree and unparsable cells all become
/// one of these cases.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file does not exist; `expectedSHA256` is the checksum of the file that belongs there.
  case fileMissing(path: String, expectedSHA256: String, howToObtain: String)
  /// The file's SHA-256 differs from the committed checksum.
  case checksumMismatch(
    path: String, expectedSHA256: String, foundSHA256: String, howToObtain: String)
  /// The file exists but could not be read, or could not be written.
  case io(path: String, reason: String)
  /// The file (or the decompressed stream) holds no bytes at all.
  case emptyFile(path: String)
  /// The bytes end before the structure they started is complete.
  case truncated(path: String, detail: String)
  /// A magic number or signature is not the one the format requires.
  case wrongMagic(path: String, expected: String, found: String)
  /// The header's dimensions call for `expectedBytes` of payload, but `foundBytes` follow it.
  case payloadSizeMismatch(path: String, dimensions: [Int], expectedBytes: Int, foundBytes: Int)
  /// Any other structural problem, described by `reason`.
  case malformed(path: String, reason: String)
  /// Two files that must describe the same samples disagree on how many there are.
  case countMismatch(path: String, count: Int, otherPath: String, otherCount: Int)
  /// The element type is one this library does not read.
  case unsupportedDType(path: String, dtype: String, supported: [String])
  /// A NaN or infinity at `position` (a multi-index into the array).
  case nonFinite(path: String, position: [Int], value: Double)
  /// A text cell that is not a number; `row` and `column` are 1-based, as an editor shows them.
  case invalidNumber(path: String, row: Int, column: Int, text: String)
  /// A text row whose number of cells differs from the first row's; `row` is 1-based.
  case raggedRow(path: String, row: Int, expectedColumns: Int, foundColumns: Int)
  /// A class label outside `0..<classCount` or not an integer; `index` is 0-based.
  case invalidLabel(path: String, index: Int, value: String, reason: String)
  /// An archive has no entry called `name`.
  case missingEntry(path: String, name: String, available: [String])
  /// Bad data or an argument outside its range, as in scikit-learn's parameter validation.
  case input(InputError)
  /// Files of `dataset` are in none of the `searched` folders and no source delivered them;
  /// downloads go to `downloadDirectory`. The message names each file, its sources and why each
  /// failed, and where to put copies.
  case unavailable(
    dataset: String, files: [UnavailableFile], searched: [String], downloadDirectory: String)

  /// A message naming the file (or parameter) and what was wrong.
  public var description: String {
    let problem: String
    switch self {
    case .input(let error): return error.description
    case .countMismatch(let path, let count, let otherPath, let otherCount):
      return "\(path) has \(count) samples but \(otherPath) has \(otherCount)"
    case .unavailable(let dataset, let files, let searched, let downloadDirectory):
      return UnavailableFile.message(
        dataset: dataset, files: files, searched: searched, downloadDirectory: downloadDirectory)
    case .fileMissing(_, let expected, let how):
      problem = "file not found (expected SHA-256 \(expected)). \(how)"
    case .checksumMismatch(_, let expected, let found, let how):
      problem =
        "SHA-256 is \(found), expected \(expected); the file is corrupt or a different "
        + "version. \(how)"
    case .io(_, let reason), .malformed(_, let reason): problem = reason
    case .emptyFile: problem = "the file is empty"
    case .unsupportedDType(_, let dtype, let supported):
      problem =
        "element type '\(dtype)' is not supported (supported: "
        + "\(supported.joined(separator: ", ")))"
    case .truncated(_, let detail): problem = "truncated: \(detail)"
    case .payloadSizeMismatch(_, let dimensions, let expected, let found):
      problem =
        "header dimensions \(dimensions) need \(expected) payload bytes, but \(found) "
        + "follow the header"
    case .wrongMagic(_, let expected, let found):
      problem = "wrong magic number \(found), expected \(expected)"
    case .nonFinite(_, let position, let value):
      problem = "non-finite value \(value) at index \(position)"
    case .invalidNumber(_, let row, let column, let text):
      problem = "row \(row), column \(column): '\(text)' is not a number"
    case .raggedRow(_, let row, let expected, let found):
      problem = "row \(row) has \(found) columns, expected \(expected)"
    case .invalidLabel(_, let index, let value, let reason):
      problem = "label \(value) at index \(index) \(reason)"
    case .missingEntry(_, let name, let available):
      problem = "no entry '\(name)' (entries: \(available.joined(separator: ", ")))"
    }
    return "\(path ?? ""): \(problem)"
  }

  /// The path of the file the error is about, if it is about one.
  public var path: String? {
    switch self {
    case .fileMissing(let path, _, _), .checksumMismatch(let path, _, _, _), .io(let path, _),
      .emptyFile(let path), .truncated(let path, _), .wrongMagic(let path, _, _),
      .payloadSizeMismatch(let path, _, _, _), .malformed(let path, _),
      .countMismatch(let path, _, _, _), .unsupportedDType(let path, _, _),
      .nonFinite(let path, _, _), .invalidNumber(let path, _, _, _),
      .raggedRow(let path, _, _, _), .invalidLabel(let path, _, _, _),
      .missingEntry(let path, _, _), .unavailable(_, _, _, let path):
      return path
    case .input:
      return nil
    }
  }
}

extension DatasetError: InputErrorWrapping {}
