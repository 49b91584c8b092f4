// ZipArchive: the subset of PKWARE's zip format that .npz files use (stored and deflated
// members, zip64), read and written here with zlib's deflate and CRC-32.

import Foundation

/// Reading and writing zip archives (PKWARE APPNOTE 6.3), as `numpy.savez` produces them.
///
/// The reader goes through the central directory, understands zip64 sizes and offsets (NumPy
/// always writes zip64 local headers), checks each member's CRC-32, and supports the *stored*
/// and *deflated* methods. The writer emits the same two methods with a fixed timestamp
/// (1980-01-01 00:00), so equal input gives byte-identical archives, and switches to zip64 only
/// when a size or offset needs it.
enum ZipArchive {
  /// One member of an archive.
  struct Entry {
    var name: String
    var contents: Data
  }

  private static let localSignature: UInt32 = 0x0403_4b50
  private static let centralSignature: UInt32 = 0x0201_4b50
  private static let endSignature: UInt32 = 0x0605_4b50
  private static let zip64EndSignature: UInt32 = 0x0606_4b50
  private static let zip64LocatorSignature: UInt32 = 0x0706_4b50

  // MARK: Reading

  /// The members of the archive `data`, in central-directory order.
  static func entries(in data: Data, path: String) throws(DatasetError) -> [Entry] {
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    let reader = ByteReader(data: data, path: path)
    guard data.count >= 22 else {
      throw .truncated(
        path: path, detail: "\(data.count) bytes is shorter than a zip end-of-directory record")
    }
    let signature = try reader.uint32(at: 0)
    guard signature == localSignature || signature == endSignature else {
      throw .wrongMagic(
        path: path, expected: "PK\\x03\\x04 (a zip archive, as .npz files are)",
        found: String(format: "0x%08x", signature))
    }
    // The end record is in the last 22 + 65,535 bytes (its comment is at most 65,535 bytes).
    var end = data.count - 22
    let lowest = max(0, data.count - 22 - 65_535)
    while end >= lowest, try reader.uint32(at: end) != endSignature { end -= 1 }
    guard end >= lowest else {
      throw .malformed(
        path: path, reason: "no zip end-of-central-directory record (truncated archive?)")
    }
    var entryCount = Int(try reader.uint16(at: end + 10))
    var directorySize = Int(try reader.uint32(at: end + 12))
    var directoryOffset = Int(try reader.uint32(at: end + 16))
    if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
      let locator = end - 20
      guard locator >= 0, try reader.uint32(at: locator) == zip64LocatorSignature else {
        throw .malformed(path: path, reason: "zip64 sizes without a zip64 end-of-directory locator")
      }
      let record = try reader.int(reader.uint64(at: locator + 8))
      guard try reader.uint32(at: record) == zip64EndSignature else {
        throw .malformed(
          path: path,
          reason:
            "the zip64 end-of-directory locator points to byte \(record), which is not a zip64 record"
        )
      }
      entryCount = try reader.int(reader.uint64(at: record + 32))
      directorySize = try reader.int(reader.uint64(at: record + 40))
      directoryOffset = try reader.int(reader.uint64(at: record + 48))
    }
    guard directoryOffset <= data.count, directorySize <= data.count - directoryOffset else {
      throw .truncated(
        path: path,
        detail:
          "the central directory (\(directorySize) bytes at \(directoryOffset)) lies beyond the \(data.count)-byte file"
      )
    }
    var entries: [Entry] = []
    var position = directoryOffset
    for _ in 0..<entryCount {
      guard try reader.uint32(at: position) == centralSignature else {
        throw .malformed(
          path: path,
          reason: "central directory entry \(entries.count) at byte \(position) has no signature")
      }
      let flags = try reader.uint16(at: position + 8)
      let method = try reader.uint16(at: position + 10)
      let crc = try reader.uint32(at: position + 16)
      var compressedSize = Int(try reader.uint32(at: position + 20))
      var size = Int(try reader.uint32(at: position + 24))
      let nameLength = Int(try reader.uint16(at: position + 28))
      let extraLength = Int(try reader.uint16(at: position + 30))
      let commentLength = Int(try reader.uint16(at: position + 32))
      var localOffset = Int(try reader.uint32(at: position + 42))
      let nameBytes = try reader.bytes(at: position + 46, count: nameLength)
      let name = String(decoding: nameBytes, as: UTF8.self)
      // The zip64 extra field holds, in order, whichever of these overflowed 32 bits.
      var extra = position + 46 + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd {
        let id = try reader.uint16(at: extra)
        let length = Int(try reader.uint16(at: extra + 2))
        if id == 0x0001 {
          var field = extra + 4
          for keyPath in [\ZipSizes.size, \ZipSizes.compressedSize, \ZipSizes.localOffset] {
            var sizes = ZipSizes(
              size: size, compressedSize: compressedSize, localOffset: localOffset)
            guard sizes[keyPath: keyPath] == 0xFFFF_FFFF else { continue }
            guard field + 8 <= extra + 4 + length else {
              throw .malformed(path: path, reason: "entry '\(name)' has a short zip64 extra field")
            }
            sizes[keyPath: keyPath] = try reader.int(reader.uint64(at: field))
            (size, compressedSize, localOffset) = (
              sizes.size, sizes.compressedSize, sizes.localOffset
            )
            field += 8
          }
        }
        extra += 4 + length
      }
      guard flags & 1 == 0 else {
        throw .malformed(path: path, reason: "entry '\(name)' is encrypted")
      }
      guard try reader.uint32(at: localOffset) == localSignature else {
        throw .malformed(
          path: path, reason: "entry '\(name)': no local header at byte \(localOffset)")
      }
      let dataStart =
        localOffset + 30 + Int(try reader.uint16(at: localOffset + 26))
        + Int(try reader.uint16(at: localOffset + 28))
      let compressed = try reader.bytes(at: dataStart, count: compressedSize)
      let contents: Data
      switch method {
      case 0:
        guard compressedSize == size else {
          throw .malformed(
            path: path,
            reason: "stored entry '\(name)' has \(compressedSize) bytes but declares \(size)")
        }
        contents = compressed
      case 8:
        // Deflate expands at most 1032:1; a larger claim is corrupt, not a reason to allocate.
        guard size <= compressedSize * 1032 + 1024 else {
          throw .malformed(
            path: path,
            reason: "entry '\(name)' declares \(size) bytes from \(compressedSize) deflated bytes")
        }
        contents = try Compression.inflateRaw(
          compressed, expectedSize: size, path: "\(path) (entry '\(name)')")
      default:
        throw .malformed(
          path: path,
          reason:
            "entry '\(name)' uses compression method \(method); only stored (0) and deflated (8) are supported"
        )
      }
      let actual = Compression.crc32(contents)
      guard actual == crc else {
        throw .malformed(
          path: path,
          reason:
            "entry '\(name)' has CRC-32 \(String(format: "%08x", actual)), expected \(String(format: "%08x", crc))"
        )
      }
      entries.append(Entry(name: name, contents: contents))
      position += 46 + nameLength + extraLength + commentLength
    }
    return entries
  }

  private struct ZipSizes {
    var size: Int
    var compressedSize: Int
    var localOffset: Int
  }

  // MARK: Writing

  /// The zip64 extended-information extra field (header ID 1) holding `values` as 8-byte
  /// integers.
  private static func zip64ExtraField(_ values: [Int]) -> Data {
    var field = Data()
    field.appendLittleEndian(UInt16(1))
    field.appendLittleEndian(UInt16(8 * values.count))
    for value in values { field.appendLittleEndian(UInt64(value)) }
    return field
  }

  /// The archive holding `entries`, each stored or deflated.
  ///
  /// - Parameter forceZip64: Write zip64 records even when no size needs them (for tests of
  ///   the zip64 path with small data).
  static func encode(_ entries: [Entry], compressed: Bool, forceZip64: Bool = false) -> Data {
    var archive = Data()
    var directory = Data()
    let limit = 0xFFFF_FFFF
    for entry in entries {
      let crc = Compression.crc32(entry.contents)
      let body = compressed ? Compression.deflateRaw(entry.contents) : entry.contents
      let offset = archive.count
      let name = Array(entry.name.utf8)
      let zip64 =
        forceZip64 || entry.contents.count >= limit || body.count >= limit || offset >= limit
      let utf8Flag: UInt16 = name.allSatisfy { $0 < 0x80 } ? 0 : 1 << 11
      let version: UInt16 = zip64 ? 45 : 20
      // With zip64, the sizes (and in the directory the offset) move to the extra field.
      let localExtra = zip64 ? zip64ExtraField([entry.contents.count, body.count]) : Data()
      let centralExtra =
        zip64 ? zip64ExtraField([entry.contents.count, body.count, offset]) : Data()
      // The fields the local header and the central directory entry share.
      func appendCommonFields(to data: inout Data, extra: Data) {
        data.appendLittleEndian(version)
        data.appendLittleEndian(utf8Flag)
        data.appendLittleEndian(UInt16(compressed ? 8 : 0))
        data.appendLittleEndian(UInt16(0))  // time 00:00:00
        data.appendLittleEndian(UInt16(0x21))  // date 1980-01-01
        data.appendLittleEndian(crc)
        data.appendLittleEndian(UInt32(zip64 ? limit : body.count))
        data.appendLittleEndian(UInt32(zip64 ? limit : entry.contents.count))
        data.appendLittleEndian(UInt16(name.count))
        data.appendLittleEndian(UInt16(extra.count))
      }
      archive.appendLittleEndian(localSignature)
      appendCommonFields(to: &archive, extra: localExtra)
      archive.append(contentsOf: name)
      archive.append(localExtra)
      archive.append(body)
      directory.appendLittleEndian(centralSignature)
      directory.appendLittleEndian(UInt16(3 << 8) | version)  // made by: Unix
      appendCommonFields(to: &directory, extra: centralExtra)
      directory.appendLittleEndian(UInt16(0))  // comment length
      directory.appendLittleEndian(UInt16(0))  // disk number
      directory.appendLittleEndian(UInt16(0))  // internal attributes
      directory.appendLittleEndian(UInt32(0o100644) << 16)  // regular file, rw-r--r--
      directory.appendLittleEndian(UInt32(zip64 ? limit : offset))
      directory.append(contentsOf: name)
      directory.append(centralExtra)
    }
    let directoryOffset = archive.count
    archive.append(directory)
    let needsZip64 =
      forceZip64 || entries.count >= 0xFFFF || directory.count >= limit || directoryOffset >= limit
    if needsZip64 {
      let record = archive.count
      archive.appendLittleEndian(zip64EndSignature)
      archive.appendLittleEndian(UInt64(44))
      archive.appendLittleEndian(UInt16(3 << 8 | 45))
      archive.appendLittleEndian(UInt16(45))
      archive.appendLittleEndian(UInt32(0))
      archive.appendLittleEndian(UInt32(0))
      archive.appendLittleEndian(UInt64(entries.count))
      archive.appendLittleEndian(UInt64(entries.count))
      archive.appendLittleEndian(UInt64(directory.count))
      archive.appendLittleEndian(UInt64(directoryOffset))
      archive.appendLittleEndian(zip64LocatorSignature)
      archive.appendLittleEndian(UInt32(0))
      archive.appendLittleEndian(UInt64(record))
      archive.appendLittleEndian(UInt32(1))
    }
    archive.appendLittleEndian(endSignature)
    archive.appendLittleEndian(UInt16(0))
    archive.appendLittleEndian(UInt16(0))
    archive.appendLittleEndian(UInt16(needsZip64 ? 0xFFFF : entries.count))
    archive.appendLittleEndian(UInt16(needsZip64 ? 0xFFFF : entries.count))
    archive.appendLittleEndian(UInt32(needsZip64 ? limit : directory.count))
    archive.appendLittleEndian(UInt32(needsZip64 ? limit : directoryOffset))
    archive.appendLittleEndian(UInt16(0))
    return archive
  }
}

/// Bounds-checked little-endian reads from a byte buffer.
private struct ByteReader {
  let data: Data
  let path: String

  func check(_ offset: Int, _ count: Int) throws(DatasetError) {
    guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else {
      throw .truncated(
        path: path,
        detail: "a \(count)-byte field at byte \(offset) lies beyond the \(data.count)-byte file")
    }
  }

  func uint16(at offset: Int) throws(DatasetError) -> UInt16 {
    UInt16(try unsigned(at: offset, count: 2))
  }
  func uint32(at offset: Int) throws(DatasetError) -> UInt32 {
    UInt32(try unsigned(at: offset, count: 4))
  }
  func uint64(at offset: Int) throws(DatasetError) -> UInt64 { try unsigned(at: offset, count: 8) }

  func unsigned(at offset: Int, count: Int) throws(DatasetError) -> UInt64 {
    try check(offset, count)
    let start = data.startIndex + offset
    return data[start..<(start + count)].reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  func bytes(at offset: Int, count: Int) throws(DatasetError) -> Data {
    try check(offset, count)
    return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + count))
  }

  /// A 64-bit size or offset as `Int`, rejecting values no file can have.
  func int(_ value: UInt64) throws(DatasetError) -> Int {
    guard let result = Int(exactly: value) else {
      throw .malformed(path: path, reason: "a zip64 size or offset of \(value) bytes")
    }
    return result
  }
}

extension Data {
  /// Appends the little-endian bytes of `value`.
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}
