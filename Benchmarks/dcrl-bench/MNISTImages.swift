// MNISTImages: the 70 000 MNIST images (train + test) as a [70000, 784] float32 tensor in [0, 1],
// read from the gzipped IDX files with the system `gzip` (the Datasets module will replace it).

import Foundation
import Tensor

enum MNISTImages {
  /// Why the images could not be read.
  struct LoadError: Error, CustomStringConvertible {
    let description: String
  }

  static let files = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
  static let labelFiles = ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]

  /// The directory holding the MNIST files: `data/mnist` or `data` itself.
  static func directory(in data: String) -> String? {
    for candidate in [data + "/mnist", data] {
      if files.allSatisfy({ FileManager.default.fileExists(atPath: candidate + "/" + $0) }) {
        return candidate
      }
    }
    return nil
  }

  /// Every image of `directory`'s train and test files, scaled to [0, 1].
  ///
  /// Shape: the result is `[70000, 784]`.
  static func load(from directory: String, on backend: any Backend) throws -> Tensor {
    var pixels: [Float] = []
    var rows = 0
    for file in files {
      let bytes = try gunzip(directory + "/" + file)
      guard bytes.count >= 16, bigEndian(bytes, at: 0) == 2051 else {
        throw LoadError(description: "\(file) is not an IDX image file")
      }
      let count = bigEndian(bytes, at: 4)
      let size = bigEndian(bytes, at: 8) * bigEndian(bytes, at: 12)
      guard size == 784, bytes.count == 16 + count * size else {
        throw LoadError(description: "\(file): \(count) images of \(size) pixels do not fit")
      }
      pixels.reserveCapacity(pixels.count + count * size)
      for byte in bytes[16...] { pixels.append(Float(byte) / 255) }
      rows += count
    }
    return Tensor(pixels, shape: [rows, 784], on: backend)
  }

  /// The digit of every image, in the order of ``load(from:on:)``, or `nil` when the label
  /// files are absent.
  static func labels(in directory: String) throws -> [Int]? {
    guard labelFiles.allSatisfy({ FileManager.default.fileExists(atPath: directory + "/" + $0) })
    else { return nil }
    var labels: [Int] = []
    for file in labelFiles {
      let bytes = try gunzip(directory + "/" + file)
      guard bytes.count >= 8, bigEndian(bytes, at: 0) == 2049,
        bytes.count == 8 + bigEndian(bytes, at: 4)
      else { throw LoadError(description: "\(file) is not an IDX label file") }
      labels += bytes[8...].map { Int($0) }
    }
    return labels
  }

  private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
  }

  private static func gunzip(_ path: String) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw LoadError(description: "gzip -dc \(path) failed")
    }
    return [UInt8](data)
  }
}
