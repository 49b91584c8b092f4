// _TextScanning: byte-level line and field scanning with strtod for the text formats
// (USPS, Orange .tab, CSV).

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A text file's bytes with a NUL appended, so `strtod` never reads past the end.
struct TextBuffer {
  private var storage: [UInt8]

  init(_ data: Data) {
    storage = [UInt8](data)
    storage.append(0)
  }

  /// The number of bytes of text (without the NUL).
  var count: Int { storage.count - 1 }

  /// Calls `body` with a pointer to the text and its length.
  func withBytes<R>(_ body: (UnsafePointer<UInt8>, Int) throws(DatasetError) -> R)
    throws(DatasetError) -> R
  {
    try storage.withUnsafeBufferPointer { (buffer) throws(DatasetError) -> R in
      try body(buffer.baseAddress!, buffer.count - 1)
    }
  }
}

/// The lines of `count` bytes at `base` as half-open byte ranges, without `\n` or a trailing
/// `\r`.
func lineRanges(_ base: UnsafePointer<UInt8>, _ count: Int) -> [Range<Int>] {
  var lines: [Range<Int>] = []
  var start = 0
  while start < count {
    // memchr keeps this fast in unoptimised builds too.
    let found = memchr(base + start, 0x0a, count - start).map {
      UnsafeRawPointer($0) - UnsafeRawPointer(base)
    }
    let stop = found ?? count
    let end = stop > start && base[stop - 1] == UInt8(ascii: "\r") ? stop - 1 : stop
    lines.append(start..<end)
    start = stop + 1
  }
  return lines
}

/// The positions of `byte` in `range`, at most `limit` of them.
func positions(of byte: UInt8, in base: UnsafePointer<UInt8>, _ range: Range<Int>, limit: Int)
  -> [Int]
{
  var found: [Int] = []
  var start = range.lowerBound
  while found.count < limit, start < range.upperBound,
    let hit = memchr(base + start, Int32(byte), range.upperBound - start)
  {
    let position = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    found.append(position)
    start = position + 1
  }
  return found
}

/// Whether `byte` is a space or a tab.
@inline(__always)
func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

/// `range` without leading and trailing spaces and tabs.
func trimmed(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
  var lower = range.lowerBound
  var upper = range.upperBound
  while lower < upper && isBlank(base[lower]) { lower += 1 }
  while upper > lower && isBlank(base[upper - 1]) { upper -= 1 }
  return lower..<upper
}

/// The number spelled by exactly the bytes in `range`, or `nil` if they are not a number.
///
/// Uses the C library's `strtod` (correctly rounded on glibc), which accepts decimal and
/// exponent notation, `inf`, `infinity` and `nan` in any case.
func parseDouble(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Double? {
  guard !range.isEmpty, !isBlank(base[range.lowerBound]) else { return nil }
  let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
  var end: UnsafeMutablePointer<CChar>?
  let value = strtod(start, &end)
  let expectedEnd = UnsafeRawPointer(base + range.upperBound)
  guard let end, UnsafeRawPointer(end) == expectedEnd else { return nil }
  return value
}

/// The text of the bytes in `range`, for error messages (at most 40 characters).
func excerpt(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
  let shown = range.prefix(40)
  let text = String(
    decoding: UnsafeBufferPointer(start: base + shown.lowerBound, count: shown.count), as: UTF8.self
  )
  return shown.count < range.count ? text + "…" : text
}
