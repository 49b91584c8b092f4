// Compression: gzip and raw-deflate streams and CRC-32 through zlib (never a subprocess).

import Foundation
import Tensor

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
    return try inflate(data, format: .gzipOrZlib, sizeHint: sizeHint, path: path)
  }

  /// The gzip compression of `data` (one member, no file name, modification time 0).
  ///
  /// - Parameters:
  ///   - data: The bytes to compress.
  ///   - level: zlib's compression level, 0 (store) to 9 (best); 6 is gzip's default.
  public static func gzip(_ data: Data, level: Int = 6) -> Data {
    deflate(data, format: .gzip, level: level)
  }

  /// The raw deflate stream (RFC 1951, no header) of `data`, as a zip archive stores it.
  public static func deflateRaw(_ data: Data, level: Int = 6) -> Data {
    deflate(data, format: .raw, level: level)
  }

  /// The bytes of a raw deflate stream (RFC 1951), which must expand to exactly
  /// `expectedSize` bytes.
  ///
  /// - Throws: ``DatasetError/malformed(path:reason:)`` for a corrupt stream or a size that
  ///   differs from `expectedSize`; ``DatasetError/truncated(path:detail:)`` when it ends early.
  public static func inflateRaw(
    _ data: Data, expectedSize: Int, path: String
  ) throws(DatasetError) -> Data {
    let result = try inflate(data, format: .raw, sizeHint: expectedSize, path: path)
    guard result.count == expectedSize else {
      throw .malformed(
        path: path,
        reason: "deflate stream expands to \(result.count) bytes, expected \(expectedSize)")
    }
    return result
  }

  /// The CRC-32 (ISO-HDLC, as in zip and gzip) of `data`, continuing from `initial`.
  public static func crc32(_ data: Data, initial: UInt32 = 0) -> UInt32 {
    zlibCRC32(data, continuing: initial)
  }

  // MARK: zlib streams

  private static func inflate(
    _ data: Data, format: ZlibFormat, sizeHint: Int, path: String
  ) throws(DatasetError) -> Data {
    do {
      return try zlibInflate(data, format: format, sizeHint: sizeHint)
    } catch {
      switch error {
      case .emptyInput: throw .emptyFile(path: path)
      case .truncated(let detail): throw .truncated(path: path, detail: detail)
      case .malformed(let reason): throw .malformed(path: path, reason: reason)
      case .resources(let reason, _): throw .io(path: path, reason: reason)
      }
    }
  }

  private static func deflate(_ data: Data, format: ZlibFormat, level: Int) -> Data {
    do {
      return try zlibDeflate(data, format: format, level: level)
    } catch {
      // zlibDeflate throws only when deflateInit2 fails (out of memory).
      preconditionFailure("Compression.deflate: \(error)")
    }
  }
}
