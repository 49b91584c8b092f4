// NPY: reading and writing NumPy's .npy format (versions 1.0–3.0), byte-compatible with
// numpy.save.

import Foundation
import Tensor

/// NumPy's `.npy` array format.
///
/// A file is the magic `\x93NUMPY`, a version byte pair, a little-endian header length (2 bytes
/// in version 1.0, 4 in 2.0 and 3.0), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces to a
/// 64-byte boundary and ended by `\n`, then the raw elements.
///
/// The reader accepts every version, both byte orders and Fortran order, and converts to
/// C-order little-endian ``NPYArray``s. The writer produces exactly the bytes `numpy.save`
/// produces for the same array (tested against NumPy-written fixtures). Object arrays,
/// structured dtypes, strings, complex numbers and half precision are rejected with
/// ``DatasetError/unsupportedDType(path:dtype:supported:)``.
public enum NPY {
  /// The six magic bytes every `.npy` file starts with.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads the array stored at `url`.
  ///
  /// - Throws: ``DatasetError/io(path:reason:)`` when the file cannot be read, and the errors
  ///   of ``decode(_:path:)``.
  public static func read(from url: URL) throws(DatasetError) -> NPYArray {
    try decode(readFile(url), path: url.path)
  }

  /// Writes `tensor` to `url` as `<f4` or `<f8`, atomically.
  public static func write(_ tensor: Tensor, to url: URL) throws(DatasetError) {
    try write(NPYArray(tensor), to: url)
  }

  /// Writes `labels` to `url` as a one-dimensional `<i8` array, atomically.
  public static func write(labels: [Int], to url: URL) throws(DatasetError) {
    try write(NPYArray(labels: labels), to: url)
  }

  /// Writes `array` to `url`, atomically (a temporary file, then a rename).
  public static func write(_ array: NPYArray, to url: URL) throws(DatasetError) {
    try writeFile(encode(array), to: url)
  }

  /// The `.npy` bytes of `array`, identical to what `numpy.save` writes.
  public static func encode(_ array: NPYArray) -> Data {
    var result = header(
      descriptor: array.elementType.descriptor, fortranOrder: false, shape: array.shape)
    result.append(array.data)
    return result
  }

  /// NumPy's header for an array: magic, version, length, the dict literal and padding.
  ///
  /// It follows `numpy.lib.format._write_array_header`: sorted keys, `repr` of the shape
  /// tuple, 21 minus the digits of the growth axis in spare spaces, then space padding so the
  /// data starts on a 64-byte boundary (a full 64 spaces when already aligned), version 1.0
  /// unless the header needs more than 65,535 bytes.
  public static func header(descriptor: String, fortranOrder: Bool, shape: [Int]) -> Data {
    let shapeText =
      switch shape.count {
      case 0: "()"
      case 1: "(\(shape[0]),)"
      default: "(" + shape.map(String.init).joined(separator: ", ") + ")"
      }
    var dictionary =
      "{'descr': '\(descriptor)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    if let growthAxis = fortranOrder ? shape.last : shape.first {
      dictionary += String(repeating: " ", count: max(0, 21 - String(growthAxis).count))
    }
    let text = Array(dictionary.utf8)
    for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
      let unpadded = magic.count + 2 + lengthBytes + text.count + 1
      let padding = 64 - unpadded % 64
      let length = text.count + 1 + padding
      if lengthBytes == 2 && length > Int(UInt16.max) { continue }
      var result = Data(magic + [major, 0])
      for byte in 0..<lengthBytes { result.append(UInt8(truncatingIfNeeded: length >> (8 * byte))) }
      result.append(contentsOf: text)
      result.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
      result.append(0x0a)
      return result
    }
    preconditionFailure("NPY.header: a header of \(text.count) bytes")
  }

  /// Decodes the bytes of a `.npy` file.
  ///
  /// - Parameters:
  ///   - data: The file's bytes.
  ///   - path: The file the bytes came from, for error messages.
  /// - Throws: ``DatasetError/emptyFile(path:)``; ``DatasetError/wrongMagic(path:expected:found:)``;
  ///   ``DatasetError/truncated(path:detail:)`` for a short header;
  ///   ``DatasetError/malformed(path:reason:)`` for an unknown version or an unparsable header;
  ///   ``DatasetError/unsupportedDType(path:dtype:supported:)``;
  ///   ``DatasetError/payloadSizeMismatch(path:dimensions:expectedBytes:foundBytes:)`` when the
  ///   shape disagrees with the bytes after the header.
  public static func decode(_ data: Data, path: String) throws(DatasetError) -> NPYArray {
    let layout = try layout(of: data, path: path, fileSize: data.count)
    let (elementType, header) = (layout.elementType, layout.header)
    var payload = data.subdata(in: (data.startIndex + layout.dataStart)..<data.endIndex)
    layout.toNativeByteOrder(&payload)
    if header.fortranOrder && header.shape.count > 1 {
      payload = fortranToC(payload, shape: header.shape, elementSize: elementType.byteSize)
    }
    return NPYArray(elementType: elementType, shape: header.shape, data: payload, source: path)
  }

  /// The header of a `.npy` file and where its elements start, from `data` (the file, or at
  /// least its first bytes up to the end of the header) and the file's size in bytes.
  ///
  /// - Throws: What ``decode(_:path:)`` throws for a bad preamble or header, and
  ///   ``DatasetError/payloadSizeMismatch(path:dimensions:expectedBytes:foundBytes:)`` when the
  ///   shape disagrees with `fileSize`.
  static func layout(of data: Data, path: String, fileSize: Int) throws(DatasetError)
    -> NPYLayout
  {
    let bytes = [UInt8](data.prefix(12))
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    guard bytes.count >= 8 else {
      throw .truncated(
        path: path, detail: "\(data.count) bytes is shorter than the 8-byte .npy preamble")
    }
    guard Array(bytes[0..<6]) == magic else {
      throw .wrongMagic(
        path: path, expected: "\\x93NUMPY",
        found: bytes[0..<6].map { String(format: "%02x", $0) }.joined(separator: " "))
    }
    let major = bytes[6]
    guard (1...3).contains(major), bytes[7] == 0 else {
      throw .malformed(path: path, reason: "unsupported .npy format version \(major).\(bytes[7])")
    }
    let lengthBytes = major == 1 ? 2 : 4
    guard bytes.count >= 8 + lengthBytes else {
      throw .truncated(path: path, detail: "\(data.count) bytes ends inside the header length")
    }
    let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
    let dataStart = 8 + lengthBytes + headerLength
    guard data.count >= dataStart else {
      throw .truncated(
        path: path,
        detail:
          "the header declares \(headerLength) bytes but only \(data.count - 8 - lengthBytes) follow"
      )
    }
    let headerBytes = data.subdata(
      in: (data.startIndex + 8 + lengthBytes)..<(data.startIndex + dataStart))
    guard let headerText = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1)
    else {
      throw .malformed(path: path, reason: "the header is not text")
    }
    let header = try NPYHeader(parsing: headerText, path: path)
    let (elementType, swapBytes) = try elementType(header.descriptor, path: path)
    var elementCount = 1
    var overflow = false
    for size in header.shape {
      let product = elementCount.multipliedReportingOverflow(by: size)
      (elementCount, overflow) = (product.partialValue, overflow || product.overflow)
    }
    let (byteCount, byteOverflow) = elementCount.multipliedReportingOverflow(
      by: elementType.byteSize)
    let found = fileSize - dataStart
    guard !overflow, !byteOverflow, byteCount == found else {
      throw .payloadSizeMismatch(
        path: path, dimensions: header.shape,
        expectedBytes: overflow || byteOverflow ? Int.max : byteCount, foundBytes: found)
    }
    return NPYLayout(
      header: header, elementType: elementType, swapBytes: swapBytes, dataStart: dataStart)
  }

  /// The supported type and whether its bytes need swapping, for a `descr` such as `<f4`.
  private static func elementType(_ descriptor: String, path: String) throws(DatasetError) -> (
    NPYArray.ElementType, Bool
  ) {
    let supported = NPYArray.ElementType.allCases.map(\.descriptor)
    guard let order = descriptor.first, "<>|=".contains(order),
      let type = NPYArray.ElementType(rawValue: String(descriptor.dropFirst()))
    else { throw .unsupportedDType(path: path, dtype: descriptor, supported: supported) }
    return (type, order == ">")
  }

  /// Reorders a Fortran-order (first axis fastest) payload into C order.
  private static func fortranToC(_ payload: Data, shape: [Int], elementSize: Int) -> Data {
    let count = shape.reduce(1, *)
    guard count > 0 else { return payload }
    // Fortran strides, in elements: 1, d₀, d₀d₁, …
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var result = Data(count: payload.count)
    payload.withUnsafeBytes { source in
      result.withUnsafeMutableBytes { target in
        var index = [Int](repeating: 0, count: shape.count)
        var sourceOffset = 0
        for flat in 0..<count {
          target.baseAddress!.advanced(by: flat * elementSize)
            .copyMemory(
              from: source.baseAddress!.advanced(by: sourceOffset * elementSize),
              byteCount: elementSize)
          // Advance the C-order odometer (last axis fastest).
          var axis = shape.count - 1
          while axis >= 0 {
            index[axis] += 1
            sourceOffset += strides[axis]
            if index[axis] < shape[axis] { break }
            sourceOffset -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
          }
        }
      }
    }
    return result
  }
}

/// The parsed header dict of a `.npy` file.
struct NPYHeader {
  var descriptor: String
  var fortranOrder: Bool
  var shape: [Int]

  /// Parses a Python dict literal with the keys `descr`, `fortran_order` and `shape`.
  init(parsing text: String, path: String) throws(DatasetError) {
    var scanner = PythonLiteralScanner(text: Array(text.utf8), path: path)
    let entries = try scanner.dictionary()
    guard case .string(let descriptor)? = entries["descr"] else {
      if case .other(let text)? = entries["descr"] {
        throw .unsupportedDType(
          path: path, dtype: text, supported: NPYArray.ElementType.allCases.map(\.descriptor))
      }
      throw .malformed(path: path, reason: "the header has no string 'descr'")
    }
    guard case .bool(let fortranOrder)? = entries["fortran_order"] else {
      throw .malformed(path: path, reason: "the header has no boolean 'fortran_order'")
    }
    guard case .tuple(let shape)? = entries["shape"] else {
      throw .malformed(path: path, reason: "the header has no tuple 'shape'")
    }
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw .malformed(path: path, reason: "the shape \(shape) has a negative dimension")
    }
    self.descriptor = descriptor
    self.fortranOrder = fortranOrder
    self.shape = shape
  }
}

/// A scanner for the small subset of Python literals `.npy` headers use.
private struct PythonLiteralScanner {
  enum Value {
    case string(String)
    case bool(Bool)
    case tuple([Int])
    /// A value this format does not need (a list for structured dtypes), as its text.
    case other(String)
  }

  let text: [UInt8]
  let path: String
  var position = 0

  func failure(_ what: String) -> DatasetError {
    .malformed(
      path: path,
      reason:
        "cannot parse the header at byte \(position): expected \(what) in \(String(decoding: text.prefix(120), as: UTF8.self))"
    )
  }

  mutating func skipSpace() {
    while position < text.count, [0x20, 0x09, 0x0a, 0x0d].contains(text[position]) { position += 1 }
  }

  /// Whether `byte` comes next, after white space; it is consumed when it does.
  mutating func consume(_ byte: UInt8) -> Bool {
    skipSpace()
    guard position < text.count, text[position] == byte else { return false }
    position += 1
    return true
  }

  mutating func expect(_ byte: UInt8) throws(DatasetError) {
    guard consume(byte) else { throw failure("'\(Character(Unicode.Scalar(byte)))'") }
  }

  /// Consumes the `,` after an item of a dict or tuple, or checks that `close` ends it.
  mutating func separator(before close: UInt8) throws(DatasetError) {
    skipSpace()
    let expected = "',' or '\(Character(Unicode.Scalar(close)))'"
    guard position < text.count else { throw failure(expected) }
    if text[position] == UInt8(ascii: ",") {
      position += 1
    } else if text[position] != close {
      throw failure(expected)
    }
  }

  mutating func dictionary() throws(DatasetError) -> [String: Value] {
    try expect(UInt8(ascii: "{"))
    var entries: [String: Value] = [:]
    while !consume(UInt8(ascii: "}")) {
      let key = try string()
      try expect(UInt8(ascii: ":"))
      entries[key] = try value()
      try separator(before: UInt8(ascii: "}"))
    }
    return entries
  }

  mutating func string() throws(DatasetError) -> String {
    skipSpace()
    guard position < text.count, text[position] == 0x27 || text[position] == 0x22 else {
      throw failure("a quoted string")
    }
    let quote = text[position]
    position += 1
    let start = position
    while position < text.count, text[position] != quote { position += 1 }
    guard position < text.count else { throw failure("a closing quote") }
    defer { position += 1 }
    return String(decoding: text[start..<position], as: UTF8.self)
  }

  mutating func value() throws(DatasetError) -> Value {
    skipSpace()
    guard position < text.count else { throw failure("a value") }
    switch text[position] {
    case 0x27, 0x22: return .string(try string())
    case UInt8(ascii: "("): return .tuple(try tuple())
    case UInt8(ascii: "["):
      // A structured dtype: skip to the matching bracket and report it as unsupported.
      let start = position
      var depth = 0
      repeat {
        if text[position] == UInt8(ascii: "[") { depth += 1 }
        if text[position] == UInt8(ascii: "]") { depth -= 1 }
        position += 1
      } while depth > 0 && position < text.count
      return .other(String(decoding: text[start..<position], as: UTF8.self))
    default:
      for (word, flag) in [("True", true), ("False", false)]
      where text[position...].starts(with: word.utf8) {
        position += word.utf8.count
        return .bool(flag)
      }
      throw failure("a string, tuple or boolean")
    }
  }

  mutating func tuple() throws(DatasetError) -> [Int] {
    try expect(UInt8(ascii: "("))
    var items: [Int] = []
    while !consume(UInt8(ascii: ")")) {
      let start = position
      while position < text.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position])
          || text[position] == UInt8(ascii: "-")
      {
        position += 1
      }
      guard let item = Int(String(decoding: text[start..<position], as: UTF8.self)) else {
        throw failure("an integer")
      }
      // Python 2 wrote long integers with an L suffix.
      if position < text.count, text[position] == UInt8(ascii: "L") { position += 1 }
      items.append(item)
      try separator(before: UInt8(ascii: ")"))
    }
    return items
  }
}
