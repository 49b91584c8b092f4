// Compression: gzip and raw-deflate streams and CRC-32 through zlib (never a subprocess).

import CZlib
import Foundation

/// gzip and raw deflate through the system zlib, and zlib's CRC-32.
///
/// The dataset loaders use ``gunzip(_:path:)`` for the MNIST, Fashion-MNIST and USPS `.gz`
/// files; ``NPZ`` uses the raw-deflate pair for compressed archive members. Corrupt or
/// truncated streams throw ``DatasetError`` naming the path; they never crash.
public enum Compression {
  /// The decompressed contents of a gzip file (every member, when several are concatenated, as
  /// `gzip -d` does), or of a zlib stream.
  ///
  /// - Parameters:
  ///   - data: The compressed bytes.
  ///   - path: The file the bytes came from, for error messages.
  /// - Throws: ``DatasetError/emptyFile(path:)`` for no bytes,
  ///   ``DatasetError/truncated(path:detail:)`` when the stream ends early, and
  ///   ``DatasetError/malformed(path:reason:)`` for a corrupt stream or a CRC mismatch.
  /// - Complexity: O(n) in the decompressed size.
  public static func gunzip(_ data: Data, path: String) throws(DatasetError) -> Data {
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    // The gzip trailer's ISIZE (size mod 2³²) is a good first guess for the output size.
    var sizeHint = data.count * 4
    if data.count >= 18 {
      let isize = data.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
      // Deflate expands at most 1032:1, so a corrupt ISIZE cannot demand a huge buffer.
      if isize > 0 { sizeHint = min(isize, data.count * 1032 + 1024) }
    }
    return try inflate(
      data, windowBits: 15 + 32, expectedSize: sizeHint, multiMember: true, path: path)
  }

  /// The gzip compression of `data` (one member, no file name, modification time 0).
  ///
  /// - Parameters:
  ///   - data: The bytes to compress.
  ///   - level: zlib's compression level, 0 (store) to 9 (best); 6 is gzip's default.
  public static func gzip(_ data: Data, level: Int = 6) -> Data {
    deflate(data, windowBits: 15 + 16, level: level)
  }

  /// The raw deflate stream (RFC 1951, no header) of `data`, as a zip archive stores it.
  public static func deflateRaw(_ data: Data, level: Int = 6) -> Data {
    deflate(data, windowBits: -15, level: level)
  }

  /// The bytes of a raw deflate stream (RFC 1951), which must expand to exactly
  /// `expectedSize` bytes.
  ///
  /// - Throws: ``DatasetError/malformed(path:reason:)`` for a corrupt stream or a size that
  ///   differs from `expectedSize`; ``DatasetError/truncated(path:detail:)`` when it ends early.
  public static func inflateRaw(
    _ data: Data, expectedSize: Int, path: String
  ) throws(DatasetError) -> Data {
    let result = try inflate(
      data, windowBits: -15, expectedSize: expectedSize, multiMember: false, path: path)
    guard result.count == expectedSize else {
      throw .malformed(
        path: path,
        reason: "deflate stream expands to \(result.count) bytes, expected \(expectedSize)")
    }
    return result
  }

  /// The CRC-32 (ISO-HDLC, as in zip and gzip) of `data`, continuing from `initial`.
  public static func crc32(_ data: Data, initial: UInt32 = 0) -> UInt32 {
    var crc = UInt(initial)
    for region in data.regions {
      region.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buffer.count {
          let chunk = min(buffer.count - offset, Int(UInt32.max))
          let start = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self)
          crc = CZlib.crc32(crc, start, uInt(chunk))
          offset += chunk
        }
      }
    }
    return UInt32(truncatingIfNeeded: crc)
  }

  // MARK: zlib streams

  private static func inflate(
    _ data: Data, windowBits: Int32, expectedSize: Int, multiMember: Bool, path: String
  ) throws(DatasetError) -> Data {
    var stream = z_stream()
    guard
      inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else {
      throw .io(path: path, reason: "zlib inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    // A malloc'd buffer grown with realloc: unlike Data(count:) it is not zero-filled first,
    // which saves a pass over tens of megabytes for the MNIST images.
    var capacity = max(expectedSize, 1024)
    guard var buffer = malloc(capacity) else {
      throw .io(path: path, reason: "cannot allocate \(capacity) bytes to decompress into")
    }
    var produced = 0
    var failure: DatasetError?
    data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      guard let inputBase = input.baseAddress?.assumingMemoryBound(to: Bytef.self) else {
        failure = .emptyFile(path: path)
        return
      }
      var consumed = 0
      func feed() {
        let chunk = min(input.count - consumed, Int(UInt32.max))
        stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
        stream.avail_in = uInt(chunk)
      }
      feed()
      while true {
        if produced == capacity {
          guard let grown = realloc(buffer, capacity * 2) else {
            failure = .io(
              path: path, reason: "cannot allocate \(capacity * 2) bytes to decompress into")
            return
          }
          (buffer, capacity) = (grown, capacity * 2)
        }
        let room = min(capacity - produced, Int(UInt32.max))
        stream.next_out = buffer.assumingMemoryBound(to: Bytef.self) + produced
        stream.avail_out = uInt(room)
        let before = stream.avail_in
        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
        produced += room - Int(stream.avail_out)
        consumed += Int(before - stream.avail_in)
        switch status {
        case Z_OK:
          if stream.avail_in == 0 && consumed < input.count { feed() }
          if stream.avail_in == 0 && consumed == input.count && stream.avail_out > 0 {
            failure = .truncated(
              path: path,
              detail: "the compressed stream ends after \(input.count) bytes before its end marker")
            return
          }
        case Z_STREAM_END:
          // Another gzip member may follow (as `cat a.gz b.gz` makes); trailing zero padding is
          // ignored, as gzip does.
          let rest = input[consumed...]
          if multiMember, rest.count >= 2, rest[rest.startIndex] == 0x1f,
            rest[rest.startIndex + 1] == 0x8b
          {
            inflateReset(&stream)
            feed()
            continue
          }
          if !rest.allSatisfy({ $0 == 0 }) {
            failure = .malformed(
              path: path,
              reason: "\(rest.count) unexpected bytes after the end of the compressed stream")
          }
          return
        case Z_BUF_ERROR:
          if stream.avail_out > 0 {
            failure = .truncated(
              path: path,
              detail: "the compressed stream ends after \(input.count) bytes before its end marker")
            return
          }
        case Z_DATA_ERROR:
          let message = stream.msg.map { String(cString: $0) } ?? "invalid data"
          failure = .malformed(path: path, reason: "corrupt compressed stream: \(message)")
          return
        case Z_MEM_ERROR:
          failure = .io(path: path, reason: "out of memory while decompressing")
          return
        default:
          failure = .malformed(path: path, reason: "zlib inflate returned \(status)")
          return
        }
      }
    }
    if let failure {
      free(buffer)
      throw failure
    }
    return Data(bytesNoCopy: buffer, count: produced, deallocator: .free)
  }

  private static func deflate(_ data: Data, windowBits: Int32, level: Int) -> Data {
    var stream = z_stream()
    let status = deflateInit2_(
      &stream, Int32(max(0, min(level, 9))), Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
      zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK, "Compression.deflate: deflateInit2 failed with \(status)")
    defer { deflateEnd(&stream) }
    var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 64)
    var produced = 0
    data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      var consumed = 0
      while true {
        let chunk = min(input.count - consumed, Int(UInt32.max))
        stream.next_in = input.baseAddress.map {
          UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self) + consumed)
        }
        stream.avail_in = uInt(chunk)
        let flush = consumed + chunk == input.count ? Z_FINISH : Z_NO_FLUSH
        var result: Int32
        repeat {
          if produced == output.count { output.count *= 2 }
          result = output.withUnsafeMutableBytes { out in
            let room = min(out.count - produced, Int(UInt32.max))
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
            stream.avail_out = uInt(room)
            let status = CZlib.deflate(&stream, flush)
            produced += room - Int(stream.avail_out)
            return status
          }
        } while result == Z_OK && (stream.avail_out == 0 || flush == Z_FINISH)
        consumed += chunk
        if flush == Z_FINISH { break }
      }
    }
    output.count = produced
    return output
  }
}
