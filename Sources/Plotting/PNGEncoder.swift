// PNGEncoder: 8-bit RGB/RGBA PNG files via zlib deflate, with per-row adaptive filtering.

import Tensor

/// The pixel layout of an encoded PNG.
public enum PNGColorType: Sendable, Hashable {
  /// Three 8-bit channels (PNG colour type 2).
  case rgb
  /// Four 8-bit channels, straight (non-premultiplied) alpha (PNG colour type 6).
  case rgba

  var channels: Int { self == .rgb ? 3 : 4 }
  var code: UInt8 { self == .rgb ? 2 : 6 }
}

/// An error from encoding a PNG.
public enum PNGError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The pixel buffer does not hold `width · height · channels` bytes, or a side is zero.
  case badDimensions(width: Int, height: Int, bytes: Int)
  /// zlib failed with the given return code.
  case compressionFailed(code: Int32)

  /// A message naming the problem.
  public var description: String {
    switch self {
    case .badDimensions(let width, let height, let bytes):
      return "PNG: \(bytes) bytes do not form a \(width)×\(height) image (sides must be ≥ 1)"
    case .compressionFailed(let code):
      return "PNG: zlib deflate failed with code \(code)"
    }
  }
}

/// Encodes 8-bit pixels as a PNG file (ISO/IEC 15948).
///
/// Each scanline gets the filter (None, Sub, Up, Average or Paeth) with the smallest sum of
/// absolute residuals, the heuristic libpng recommends; the filtered bytes are deflated by
/// zlib at level 9; every chunk carries its CRC-32.
///
/// - Parameters:
///   - pixels: Row-major pixels, top row first, `channels` bytes each.
///   - width: Pixels per row.
///   - height: Rows.
///   - colorType: ``PNGColorType/rgb`` or ``PNGColorType/rgba``.
/// - Returns: The bytes of a complete PNG file.
/// - Throws: ``PNGError``.
/// - Complexity: O(width · height).
public func encodePNG(
  pixels: [UInt8], width: Int, height: Int, colorType: PNGColorType
) throws(PNGError) -> [UInt8] {
  let channels = colorType.channels
  guard width > 0, height > 0, pixels.count == width * height * channels else {
    throw .badDimensions(width: width, height: height, bytes: pixels.count)
  }
  var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
  var header: [UInt8] = []
  header.appendBigEndian(UInt32(width))
  header.appendBigEndian(UInt32(height))
  header += [8, colorType.code, 0, 0, 0]  // bit depth, colour type, deflate, adaptive, no interlace
  appendChunk("IHDR", header, to: &png)
  let filtered = filterScanlines(pixels, width: width, height: height, channels: channels)
  appendChunk("IDAT", try deflate(filtered), to: &png)
  appendChunk("IEND", [], to: &png)
  return png
}

/// The CRC-32 (ISO 3309, as PNG uses it) of `bytes`, continuing from `crc`.
public func crc32Checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
  zlibCRC32(bytes, continuing: crc)
}

private func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
  png.appendBigEndian(UInt32(data.count))
  let typeAndData = Array(type.utf8) + data
  png += typeAndData
  png.appendBigEndian(crc32Checksum(typeAndData))
}

/// Prefixes each scanline with the filter that minimises the sum of |residual| (as signed bytes).
func filterScanlines(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> [UInt8] {
  let stride = width * channels
  var out = [UInt8]()
  out.reserveCapacity(height * (stride + 1))
  var candidate = [UInt8](repeating: 0, count: stride)
  var best = [UInt8](repeating: 0, count: stride)
  let zeros = [UInt8](repeating: 0, count: stride)
  for row in 0..<height {
    let line = Array(pixels[row * stride..<(row + 1) * stride])
    let above = row > 0 ? Array(pixels[(row - 1) * stride..<row * stride]) : zeros
    var bestFilter: UInt8 = 0
    var bestCost = Int.max
    for filter in UInt8(0)...4 {
      var cost = 0
      for x in 0..<stride {
        let a = x >= channels ? Int(line[x - channels]) : 0
        let b = Int(above[x])
        let c = x >= channels ? Int(above[x - channels]) : 0
        let predictor =
          switch filter {
          case 0: 0
          case 1: a
          case 2: b
          case 3: (a + b) / 2
          default: paeth(a, b, c)
          }
        let residual = UInt8(truncatingIfNeeded: Int(line[x]) - predictor)
        candidate[x] = residual
        cost += residual < 128 ? Int(residual) : 256 - Int(residual)
      }
      if cost < bestCost {
        bestCost = cost
        bestFilter = filter
        swap(&best, &candidate)
      }
    }
    out.append(bestFilter)
    out += best
  }
  return out
}

/// The Paeth predictor (PNG specification §9.4).
@inline(__always)
func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
  let p = a + b - c
  let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
  if pa <= pb && pa <= pc { return a }
  return pb <= pc ? b : c
}

/// The zlib stream of `bytes` at level 9 (the bytes of zlib's `compress2`).
private func deflate(_ bytes: [UInt8]) throws(PNGError) -> [UInt8] {
  do {
    return [UInt8](try zlibDeflate(bytes, format: .zlib, level: 9))
  } catch {
    // Only deflateInit2 can fail (out of memory): the output buffer starts at deflateBound.
    guard case .resources(_, let code) = error else { preconditionFailure("\(error)") }
    throw .compressionFailed(code: code)
  }
}

extension Array where Element == UInt8 {
  mutating func appendBigEndian(_ value: UInt32) {
    append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) })
  }
}
