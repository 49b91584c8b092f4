// Zlib: the one wrapper of the system zlib (inflate, deflate and CRC-32), so that only Tensor
// imports CZlib; Datasets reads gzip and zip members through it and Plotting writes PNG with it.

import CZlib
import Foundation

/// How a zlib stream failed, in words the callers put into their own module's error.
package enum ZlibError: Error, Equatable, Sendable {
  /// The input has no bytes.
  case emptyInput
  /// The input ends before the stream's end marker.
  case truncated(String)
  /// The stream is corrupt, or followed by bytes that are neither zeros nor another member.
  case malformed(String)
  /// zlib could not start or ran out of memory; `code` is its return code.
  case resources(String, code: Int32)
}

/// The framing of a deflate stream; the raw value is zlib's `windowBits` for it.
package enum ZlibFormat: Int32, Sendable {
  /// No header, as zip archives store members (RFC 1951).
  case raw = -15
  /// zlib's header and Adler-32 trailer, as PNG stores its image data (RFC 1950).
  case zlib = 15
  /// One gzip member with no file name and modification time 0 (RFC 1952).
  case gzip = 31
  /// Reading only: gzip (every concatenated member, as `gzip -d` reads them) or zlib.
  case gzipOrZlib = 47
}

/// The CRC-32 (ISO-HDLC, as zip, gzip and PNG use it) of `bytes`, continuing from `crc`.
package func zlibCRC32(_ bytes: some ContiguousBytes, continuing crc: UInt32 = 0) -> UInt32 {
  var crc = UInt(crc)
  bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
    for offset in stride(from: 0, to: buffer.count, by: Int(UInt32.max)) {
      let chunk = min(buffer.count - offset, Int(UInt32.max))
      let start = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self)
      crc = CZlib.crc32(crc, start, uInt(chunk))
    }
  }
  return UInt32(truncatingIfNeeded: crc)
}

/// The decompressed bytes of `data`, a stream in `format`, into a buffer that starts at
/// `sizeHint` bytes and doubles as needed; trailing zero padding is ignored, as gzip does.
///
/// - Complexity: O(n) in the decompressed size.
package func zlibInflate(
  _ data: Data, format: ZlibFormat, sizeHint: Int
) throws(ZlibError) -> Data {
  var stream = z_stream()
  let setup = inflateInit2_(
    &stream, format.rawValue, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
  guard setup == Z_OK else { throw .resources("zlib inflateInit2 failed", code: setup) }
  defer { inflateEnd(&stream) }
  // A malloc'd buffer grown with realloc: unlike Data(count:) it is not zero-filled first,
  // which saves a pass over tens of megabytes for the MNIST images.
  var capacity = max(sizeHint, 1024)
  func noRoom(_ bytes: Int) -> ZlibError {
    .resources("cannot allocate \(bytes) bytes to decompress into", code: Z_MEM_ERROR)
  }
  guard var buffer = malloc(capacity) else { throw noRoom(capacity) }
  var produced = 0
  var failure: ZlibError?
  data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
    guard let inputBase = input.baseAddress?.assumingMemoryBound(to: Bytef.self) else {
      failure = .emptyInput
      return
    }
    let truncated = ZlibError.truncated(
      "the compressed stream ends after \(input.count) bytes before its end marker")
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
          failure = noRoom(capacity * 2)
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
          failure = truncated
          return
        }
      case Z_STREAM_END:
        // Another gzip member may follow (as `cat a.gz b.gz` makes).
        let rest = input[consumed...]
        if format == .gzipOrZlib, rest.count >= 2, rest[rest.startIndex] == 0x1f,
          rest[rest.startIndex + 1] == 0x8b
        {
          inflateReset(&stream)
          feed()
          continue
        }
        if !rest.allSatisfy({ $0 == 0 }) {
          failure = .malformed(
            "\(rest.count) unexpected bytes after the end of the compressed stream")
        }
        return
      case Z_BUF_ERROR:
        if stream.avail_out > 0 {
          failure = truncated
          return
        }
      case Z_DATA_ERROR:
        let message = stream.msg.map { String(cString: $0) } ?? "invalid data"
        failure = .malformed("corrupt compressed stream: \(message)")
        return
      case Z_MEM_ERROR:
        failure = .resources("out of memory while decompressing", code: status)
        return
      default:
        failure = .malformed("zlib inflate returned \(status)")
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

/// The compression of `bytes` in `format` at zlib's `level`, 0 (store) to 9 (best).
///
/// Below 4 GiB the whole input goes to one `deflate` call with `Z_FINISH`, as in zlib's
/// `compress2`, so ``ZlibFormat/zlib`` gives `compress2`'s bytes. Throws only when
/// `deflateInit2` fails (out of memory).
package func zlibDeflate(
  _ bytes: some ContiguousBytes, format: ZlibFormat, level: Int
) throws(ZlibError) -> Data {
  precondition(format != .gzipOrZlib, "zlibDeflate: .gzipOrZlib is for reading only")
  var stream = z_stream()
  let setup = deflateInit2_(
    &stream, Int32(max(0, min(level, 9))), Z_DEFLATED, format.rawValue, 8, Z_DEFAULT_STRATEGY,
    zlibVersion(), Int32(MemoryLayout<z_stream>.size))
  guard setup == Z_OK else { throw .resources("zlib deflateInit2 failed", code: setup) }
  defer { deflateEnd(&stream) }
  var produced = 0
  var output = Data()
  bytes.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
    output.count = Int(deflateBound(&stream, uLong(input.count))) + 64
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
