// IDX: the big-endian array format of the MNIST and Fashion-MNIST distribution files.

import Foundation

/// An array decoded from an IDX file: its element type, dimensions and raw payload.
///
/// The IDX format (LeCun's MNIST page) is a 4-byte magic number `00 00 TT NN`, where `TT` is the
/// element type and `NN` the number of dimensions, then `NN` big-endian `UInt32` dimension
/// sizes, then the elements in row-major order, big-endian. MNIST images have magic 2051
/// (`0x00000803`: unsigned bytes, 3 dimensions) and labels 2049 (`0x00000801`).
public struct IDXArray: Sendable {
  /// The element type codes the format defines.
  public enum ElementType: UInt8, Sendable, CaseIterable {
    /// Unsigned byte (code `0x08`).
    case uint8 = 0x08
    /// Signed byte (code `0x09`).
    case int8 = 0x09
    /// Big-endian 16-bit integer (code `0x0B`).
    case int16 = 0x0B
    /// Big-endian 32-bit integer (code `0x0C`).
    case int32 = 0x0C
    /// Big-endian IEEE 754 single precision (code `0x0D`).
    case float32 = 0x0D
    /// Big-endian IEEE 754 double precision (code `0x0E`).
    case float64 = 0x0E

    /// The size of one element in bytes.
    public var byteSize: Int {
      switch self {
      case .uint8, .int8: return 1
      case .int16: return 2
      case .int32, .float32: return 4
      case .float64: return 8
      }
    }
  }

  /// The 32-bit magic number, such as 2051 for MNIST images.
  public var magic: UInt32 { UInt32(elementType.rawValue) << 8 | UInt32(dimensions.count) }
  /// The element type.
  public var elementType: ElementType
  /// The size of each dimension, outermost first.
  public var dimensions: [Int]
  /// The elements as stored: row-major, big-endian.
  ///
  /// After ``IDX/decode(_:path:expectedMagic:)`` this is a slice of the file's bytes, so its
  /// indices start at `payload.startIndex`, not 0.
  public var payload: Data

  /// The number of elements.
  public var count: Int { dimensions.reduce(1, *) }

  /// The elements converted to `Double`, in row-major order.
  public func doubles() -> [Double] {
    let size = elementType.byteSize
    return payload.withUnsafeBytes { bytes in
      (0..<count).map { index in
        let offset = index * size
        switch elementType {
        case .uint8: return Double(bytes[offset])
        case .int8: return Double(Int8(bitPattern: bytes[offset]))
        case .int16:
          return Double(
            Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .int32:
          return Double(
            Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .float32:
          let bits = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
          return Double(Float(bitPattern: bits))
        case .float64:
          let bits = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
          return Double(bitPattern: bits)
        }
      }
    }
  }
}

/// Reading and writing IDX files.
public enum IDX {
  /// The magic number of MNIST-style image files: unsigned bytes, 3 dimensions.
  public static let imagesMagic: UInt32 = 2051
  /// The magic number of MNIST-style label files: unsigned bytes, 1 dimension.
  public static let labelsMagic: UInt32 = 2049

  /// Decodes the bytes of an (uncompressed) IDX file.
  ///
  /// - Parameters:
  ///   - data: The file's bytes.
  ///   - path: The file the bytes came from, for error messages.
  ///   - expectedMagic: When given, the magic number the file must have (``imagesMagic`` or
  ///     ``labelsMagic``).
  /// - Throws: ``DatasetError/emptyFile(path:)``; ``DatasetError/truncated(path:detail:)``
  ///   when the header is cut short; ``DatasetError/wrongMagic(path:expected:found:)``;
  ///   ``DatasetError/payloadSizeMismatch(path:dimensions:expectedBytes:foundBytes:)`` when the
  ///   header's dimensions disagree with the bytes that follow it.
  /// - Complexity: O(1): ``IDXArray/payload`` is a slice of `data` (sharing its storage, with
  ///   indices starting after the header), not a copy.
  public static func decode(
    _ data: Data, path: String, expectedMagic: UInt32? = nil
  ) throws(DatasetError) -> IDXArray {
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    guard data.count >= 4 else {
      throw .truncated(
        path: path, detail: "\(data.count) bytes is shorter than the 4-byte IDX magic number")
    }
    let bytes = [UInt8](data.prefix(4))
    let magic = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    let expectedText =
      expectedMagic.map { describeMagic($0) } ?? "00 00 TT NN with a known element type TT"
    guard bytes[0] == 0, bytes[1] == 0, let type = IDXArray.ElementType(rawValue: bytes[2]) else {
      throw .wrongMagic(path: path, expected: expectedText, found: describeMagic(magic))
    }
    if let expectedMagic, magic != expectedMagic {
      throw .wrongMagic(path: path, expected: expectedText, found: describeMagic(magic))
    }
    let rank = Int(bytes[3])
    let headerSize = 4 + 4 * rank
    guard data.count >= headerSize else {
      throw .truncated(
        path: path,
        detail:
          "the header declares \(rank) dimensions (\(headerSize) bytes) but the file has \(data.count) bytes"
      )
    }
    var dimensions: [Int] = []
    var elementCount = 1
    var overflow = false
    for axis in 0..<rank {
      let start = data.startIndex + 4 + 4 * axis
      let size = data[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
      dimensions.append(size)
      let product = elementCount.multipliedReportingOverflow(by: size)
      elementCount = product.partialValue
      overflow = overflow || product.overflow
    }
    let (expectedBytes, byteOverflow) = elementCount.multipliedReportingOverflow(by: type.byteSize)
    let foundBytes = data.count - headerSize
    guard !overflow, !byteOverflow, expectedBytes == foundBytes else {
      throw .payloadSizeMismatch(
        path: path, dimensions: dimensions,
        expectedBytes: overflow || byteOverflow ? Int.max : expectedBytes,
        foundBytes: foundBytes)
    }
    return IDXArray(
      elementType: type, dimensions: dimensions,
      payload: data[(data.startIndex + headerSize)...])
  }

  /// The IDX encoding of unsigned bytes with the given dimensions (as MNIST stores them).
  ///
  /// - Precondition: `values.count` is the product of `dimensions`, and there are at most 255
  ///   dimensions.
  public static func encode(_ values: [UInt8], dimensions: [Int]) -> Data {
    precondition(
      dimensions.count <= 255 && dimensions.allSatisfy { (0...Int(UInt32.max)).contains($0) })
    precondition(
      values.count == dimensions.reduce(1, *),
      "IDX.encode: \(values.count) values do not fill \(dimensions)")
    var data = Data([0, 0, IDXArray.ElementType.uint8.rawValue, UInt8(dimensions.count)])
    for size in dimensions {
      withUnsafeBytes(of: UInt32(size).bigEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: values)
    return data
  }

  static func describeMagic(_ magic: UInt32) -> String {
    let type = IDXArray.ElementType(rawValue: UInt8(truncatingIfNeeded: magic >> 8))
    let typeText = type.map { "\($0)" } ?? "unknown type"
    return "\(magic) (0x\(String(magic, radix: 16)), \(typeText), \(magic & 0xff) dimensions)"
  }
}
