// IDX and MNIST pairs: decoding, and every kind of damaged file (RELIABILITY P3).

import Datasets
import Foundation
import Testing
import _TestSupport

@Suite("IDX")
struct IDXTests {
  /// Three 2×2 "images" and their labels, as MNIST stores them.
  static let pixels: [UInt8] = [0, 255, 128, 1, 2, 3, 4, 5, 250, 251, 252, 253]
  static let images = IDX.encode(pixels, dimensions: [3, 2, 2])
  static let labels = IDX.encode([7, 0, 9], dimensions: [3])

  @Test("decodes the header and payload; MNIST magic numbers are 2051 and 2049")
  func decode() throws {
    let array = try IDX.decode(Self.images, path: "i", expectedMagic: IDX.imagesMagic)
    #expect(array.magic == 2051 && array.elementType == .uint8 && array.dimensions == [3, 2, 2])
    #expect(array.doubles() == Self.pixels.map(Double.init))
    #expect(try IDX.decode(Self.labels, path: "l").magic == 2049)
  }

  @Test("big-endian multi-byte element types are converted")
  func otherTypes() throws {
    var data = Data([0, 0, 0x0D, 1, 0, 0, 0, 2])
    for value in [Float(1.5), -2] {
      withUnsafeBytes(of: value.bitPattern.bigEndian) { data.append(contentsOf: $0) }
    }
    #expect(try IDX.decode(data, path: "f").doubles() == [1.5, -2])
    var shorts = Data([0, 0, 0x0B, 1, 0, 0, 0, 2])
    for value in [Int16(-300), 7] {
      withUnsafeBytes(of: value.bigEndian) { shorts.append(contentsOf: $0) }
    }
    #expect(try IDX.decode(shorts, path: "s").doubles() == [-300, 7])
  }

  @Test("an MNIST pair decodes to pixels, labels and image shape")
  func mnistPair() throws {
    let pair = try MNISTFormat.decode(
      images: Self.images, imagesPath: "i", labels: Self.labels, labelsPath: "l")
    #expect(
      [UInt8](pair.pixels) == Self.pixels && pair.labels == [7, 0, 9] && pair.imageShape == [2, 2])
  }

  @Test("P3 an empty file throws emptyFile")
  func empty() {
    #expect(throws: DatasetError.emptyFile(path: "i")) { try IDX.decode(Data(), path: "i") }
  }

  @Test("P3 a file truncated inside the header or the payload throws, naming the path")
  func truncated() {
    #expect(
      throws: DatasetError.truncated(
        path: "i", detail: "3 bytes is shorter than the 4-byte IDX magic number")
    ) {
      try IDX.decode(Self.images.prefix(3), path: "i")
    }
    #expect(
      throws: DatasetError.truncated(
        path: "i", detail: "the header declares 3 dimensions (16 bytes) but the file has 10 bytes")
    ) {
      try IDX.decode(Self.images.prefix(10), path: "i")
    }
    #expect(
      throws: DatasetError.payloadSizeMismatch(
        path: "i", dimensions: [3, 2, 2], expectedBytes: 12, foundBytes: 11)
    ) {
      try IDX.decode(Self.images.dropLast(), path: "i")
    }
  }

  @Test("P3 wrong magic: a label file where images are expected (caffe#4473) and garbage")
  func wrongMagic() throws {
    do {
      _ = try IDX.decode(Self.labels, path: "train-images", expectedMagic: IDX.imagesMagic)
      Issue.record("a label file was accepted as images")
    } catch {
      guard case .wrongMagic(let path, let expected, let found) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(path == "train-images" && expected.hasPrefix("2051") && found.hasPrefix("2049"))
      #expect(error.description.contains("wrong magic number 2049"))
    }
    #expect(throws: DatasetError.self) { try IDX.decode(Data("PK\u{3}\u{4}rest".utf8), path: "x") }
    #expect(throws: DatasetError.self) {
      try IDX.decode(Data([0, 0, 0x42, 1, 0, 0, 0, 0]), path: "x")
    }
  }

  @Test("P3 header dimensions that disagree with the payload, including overflowing products")
  func dimensionMismatch() {
    var longer = Self.images
    longer.append(0)
    #expect(
      throws: DatasetError.payloadSizeMismatch(
        path: "i", dimensions: [3, 2, 2], expectedBytes: 12, foundBytes: 13)
    ) {
      try IDX.decode(longer, path: "i")
    }
    // 4 dimensions of 2³²−1: the element count overflows Int; no allocation is attempted.
    let huge = Data([0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16) + [1, 2, 3])
    #expect(
      throws: DatasetError.payloadSizeMismatch(
        path: "h", dimensions: [4_294_967_295, 4_294_967_295, 4_294_967_295, 4_294_967_295],
        expectedBytes: Int.max, foundBytes: 3)
    ) {
      try IDX.decode(huge, path: "h")
    }
  }

  @Test("P3 image and label files with different counts throw countMismatch")
  func countMismatch() {
    let twoLabels = IDX.encode([1, 2], dimensions: [2])
    #expect(throws: DatasetError.countMismatch(path: "i", count: 3, otherPath: "l", otherCount: 2))
    {
      try MNISTFormat.decode(
        images: Self.images, imagesPath: "i", labels: twoLabels, labelsPath: "l")
    }
  }

  @Test("a label above 9 is rejected with its index")
  func badLabel() {
    let labels = IDX.encode([1, 12, 3], dimensions: [3])
    #expect(
      throws: DatasetError.invalidLabel(
        path: "l", index: 1, value: "12", reason: "is not a digit 0...9")
    ) {
      try MNISTFormat.decode(images: Self.images, imagesPath: "i", labels: labels, labelsPath: "l")
    }
  }
}
