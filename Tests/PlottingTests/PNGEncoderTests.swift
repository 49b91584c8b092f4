// PNGEncoder: a decoder in the test checks signature, chunk CRCs, IHDR and the exact pixels.

import CZlib
import Foundation
import Testing

@testable import Plotting

/// A minimal PNG reader for 8-bit RGB/RGBA, non-interlaced files: returns the header fields
/// and the unfiltered pixels, after checking every chunk's CRC.
func decodePNG(_ bytes: [UInt8]) throws -> (width: Int, height: Int, channels: Int, pixels: [UInt8])
{
  struct DecodeError: Error { let reason: String }
  guard bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
    throw DecodeError(reason: "signature")
  }
  func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
  var offset = 8
  var (width, height, channels) = (0, 0, 0)
  var idat: [UInt8] = []
  var sawEnd = false
  while offset < bytes.count {
    let length = u32(offset)
    let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
    let body = Array(bytes[offset + 8..<offset + 8 + length])
    let crc = UInt32(u32(offset + 8 + length))
    guard crc32Checksum(Array(bytes[offset + 4..<offset + 8 + length])) == crc else {
      throw DecodeError(reason: "CRC of \(type)")
    }
    switch type {
    case "IHDR":
      width = u32(offset + 8)
      height = u32(offset + 12)
      guard body[8] == 8, body[10] == 0, body[11] == 0, body[12] == 0 else {
        throw DecodeError(reason: "IHDR fields")
      }
      channels = body[9] == 2 ? 3 : body[9] == 6 ? 4 : 0
    case "IDAT": idat += body
    case "IEND": sawEnd = true
    default: break
    }
    offset += 12 + length
  }
  guard sawEnd, channels > 0 else { throw DecodeError(reason: "structure") }
  let stride = width * channels
  var raw = [UInt8](repeating: 0, count: height * (stride + 1))
  var rawLength = UInt(raw.count)
  let status = raw.withUnsafeMutableBufferPointer { out in
    idat.withUnsafeBufferPointer {
      uncompress(out.baseAddress, &rawLength, $0.baseAddress, UInt($0.count))
    }
  }
  guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError(reason: "inflate") }
  var pixels = [UInt8](repeating: 0, count: height * stride)
  for row in 0..<height {
    let filter = raw[row * (stride + 1)]
    for x in 0..<stride {
      let value = Int(raw[row * (stride + 1) + 1 + x])
      let a = x >= channels ? Int(pixels[row * stride + x - channels]) : 0
      let b = row > 0 ? Int(pixels[(row - 1) * stride + x]) : 0
      let c = x >= channels && row > 0 ? Int(pixels[(row - 1) * stride + x - channels]) : 0
      let predictor = [0, a, b, (a + b) / 2, paeth(a, b, c)][Int(filter)]
      pixels[row * stride + x] = UInt8(truncatingIfNeeded: value + predictor)
    }
  }
  return (width, height, channels, pixels)
}

@Suite("PNG encoder")
struct PNGEncoderTests {
  @Test(
    "RGB and RGBA files decode to the exact pixels, with valid chunk CRCs",
    arguments: [PNGColorType.rgb, .rgba])
  func roundTrip(colorType: PNGColorType) throws {
    let (width, height) = (37, 23)
    let channels = colorType == .rgb ? 3 : 4
    // Gradients, noise and flat areas exercise every filter type.
    var pixels: [UInt8] = []
    var state: UInt32 = 1
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<channels {
          state = state &* 1_664_525 &+ 1_013_904_223
          let value = y < 8 ? (x * 7 + c * 40) : (y < 16 ? Int(state >> 24) : 200)
          pixels.append(UInt8(truncatingIfNeeded: value))
        }
      }
    }
    let png = try encodePNG(pixels: pixels, width: width, height: height, colorType: colorType)
    let decoded = try decodePNG(png)
    #expect(decoded.width == width && decoded.height == height && decoded.channels == channels)
    #expect(decoded.pixels == pixels)
  }

  @Test("IDAT holds zlib's compress2 of the filtered scanlines at level 9, byte for byte")
  func idatIsCompress2() throws {
    let (width, height) = (29, 17)
    let pixels = (0..<width * height * 3).map { UInt8(truncatingIfNeeded: $0 * 37 ^ $0 >> 3) }
    let png = try encodePNG(pixels: pixels, width: width, height: height, colorType: .rgb)
    // Signature (8), IHDR (12 + 13), then the IDAT chunk's length, type and data.
    let idatStart = 8 + 25
    let length = png[idatStart..<idatStart + 4].reduce(0) { $0 << 8 | Int($1) }
    let idat = Array(png[idatStart + 8..<idatStart + 8 + length])
    let filtered = filterScanlines(pixels, width: width, height: height, channels: 3)
    var expected = [UInt8](repeating: 0, count: Int(compressBound(UInt(filtered.count))))
    var expectedLength = UInt(expected.count)
    let status = expected.withUnsafeMutableBufferPointer { out in
      filtered.withUnsafeBufferPointer {
        compress2(out.baseAddress, &expectedLength, $0.baseAddress, UInt($0.count), 9)
      }
    }
    #expect(status == Z_OK)
    #expect(idat == Array(expected.prefix(Int(expectedLength))))
  }

  @Test("CRC-32 of the ASCII digits is the standard check value 0xCBF43926")
  func crcCheckValue() {
    #expect(crc32Checksum(Array("123456789".utf8)) == 0xCBF4_3926)
  }

  @Test("bad dimensions throw")
  func badDimensions() {
    #expect(throws: PNGError.badDimensions(width: 2, height: 2, bytes: 11)) {
      try encodePNG(pixels: [UInt8](repeating: 0, count: 11), width: 2, height: 2, colorType: .rgb)
    }
  }
}
