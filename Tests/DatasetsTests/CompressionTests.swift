// Compression: gzip and raw deflate through zlib, CRC-32, and damaged streams.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("Compression")
struct CompressionTests {
  static func sample(_ count: Int, seed: UInt64) -> Data {
    var rng = Xoshiro256(seed: seed)
    // Compressible: small alphabet with runs.
    return Data((0..<count).map { _ in UInt8.random(in: 0...7, using: &rng) * 3 })
  }

  @Test("gzip then gunzip returns the input, at every level, including empty input")
  func gzipRoundTrip() throws {
    for (count, level) in [(0, 6), (1, 0), (10_000, 1), (100_000, 9)] {
      let input = Self.sample(count, seed: UInt64(count))
      let compressed = Compression.gzip(input, level: level)
      #expect(compressed.prefix(2) == Data([0x1f, 0x8b]))
      #expect(try Compression.gunzip(compressed, path: "mem") == input)
    }
  }

  @Test("concatenated gzip members decompress to the concatenation, as gzip -d does")
  func multiMember() throws {
    let a = Self.sample(3000, seed: 1)
    let b = Self.sample(5000, seed: 2)
    #expect(try Compression.gunzip(Compression.gzip(a) + Compression.gzip(b), path: "mem") == a + b)
  }

  @Test("raw deflate round trip, and a wrong expected size is an error")
  func rawDeflate() throws {
    let input = Self.sample(50_000, seed: 3)
    let compressed = Compression.deflateRaw(input)
    #expect(compressed.count < input.count)
    #expect(try Compression.inflateRaw(compressed, expectedSize: input.count, path: "m") == input)
    #expect(throws: DatasetError.self) {
      try Compression.inflateRaw(compressed, expectedSize: input.count - 1, path: "m")
    }
  }

  @Test("CRC-32 of the check string is CBF43926 and chaining equals one pass")
  func crc32() {
    let check = Data("123456789".utf8)
    #expect(Compression.crc32(check) == 0xCBF4_3926)
    #expect(
      Compression.crc32(Data("6789".utf8), initial: Compression.crc32(Data("12345".utf8)))
        == 0xCBF4_3926)
  }

  @Test("P3 truncated, corrupt and empty gzip streams throw typed errors naming the path")
  func damaged() throws {
    let good = Compression.gzip(Self.sample(20_000, seed: 4))
    #expect(throws: DatasetError.emptyFile(path: "a.gz")) {
      try Compression.gunzip(Data(), path: "a.gz")
    }
    for cut in [5, good.count / 2, good.count - 9] {
      do {
        _ = try Compression.gunzip(good.prefix(cut), path: "a.gz")
        Issue.record("a stream cut at \(cut) decompressed")
      } catch {
        #expect(error.path == "a.gz")
        if case .truncated = error {
        } else if case .malformed = error {
        } else {
          Issue.record("unexpected \(error)")
        }
      }
    }
    var corrupt = good
    corrupt[corrupt.startIndex + 40] ^= 0xFF
    corrupt[corrupt.startIndex + 41] ^= 0x5A
    #expect(throws: DatasetError.self) { try Compression.gunzip(corrupt, path: "a.gz") }
    #expect(throws: DatasetError.self) {
      try Compression.gunzip(Data("not gzip at all".utf8), path: "a.gz")
    }
  }
}
