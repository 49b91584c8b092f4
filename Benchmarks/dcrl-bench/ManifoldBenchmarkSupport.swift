// ManifoldBenchmarkSupport: shared inputs, peers, a private MNIST reader and trustworthiness for
// the tsne/umap/knn subcommands.
//
// The Datasets and Metrics modules are written on other branches; until they land on main,
// the MNIST IDX reader and the trustworthiness below stand in for them (and should then be
// replaced by those modules).

import CZlib
import Foundation
import Tensor
import _CommandLineSupport

enum ManifoldBenchmarkSupport {
  /// Makes sure the shared raw inputs (PCA projections computed by scikit-learn) exist.
  static func prepareInputs(dataDirectory: String, mnistDirectory: String) throws {
    let needed = ["mnist70k_pca50.f32", "mnist3000_pca10.f32", "mnist70k_labels.i32"]
    if needed.allSatisfy({ FileManager.default.fileExists(atPath: dataDirectory + "/" + $0) }) {
      return
    }
    print("preparing inputs with Scripts/peer/manifold_inputs.py …")
    guard
      runCommand(
        "python3",
        ["Scripts/peer/manifold_inputs.py", "--data", mnistDirectory, "--out", dataDirectory])
        != nil
    else {
      throw BenchmarkFailure("Scripts/peer/manifold_inputs.py failed (MNIST at \(mnistDirectory)?)")
    }
  }

  /// A row-major float32 matrix from a raw little-endian file.
  static func readMatrix(_ path: String, rows: Int, columns: Int) throws -> Tensor {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count == rows * columns * 4 else {
      throw BenchmarkFailure("\(path): \(data.count) bytes, expected \(rows)×\(columns) float32")
    }
    let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    return Tensor(values, shape: [rows, columns])
  }

  static func readLabels(_ path: String) throws -> [Int] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { $0.bindMemory(to: Int32.self).map { Int($0) } }
  }

  static func writeMatrix(_ tensor: Tensor, to path: String) throws {
    let values = tensor.floats
    try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
  }

  /// Runs a peer script and returns its last stdout line parsed as a JSON object.
  static func runPeer(_ arguments: [String]) -> [String: Any]? {
    guard let output = runCommand("python3", arguments),
      let line = output.split(separator: "\n").last,
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else {
      FileHandle.standardError.write(
        Data("dcrl-bench: peer \(arguments.first ?? "") did not run\n".utf8))
      return nil
    }
    return object
  }

  /// The MNIST training and test images (scaled to [0, 1]) and labels, read from IDX .gz files.
  static func loadMNIST(_ directory: String) throws -> (images: Tensor, labels: [Int]) {
    func read(_ name: String) throws -> [UInt8] {
      let path = directory + "/" + name
      guard let file = gzopen(path, "rb") else { throw BenchmarkFailure("cannot open \(path)") }
      defer { gzclose(file) }
      var bytes: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 1 << 20)
      while true {
        let count = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        if count < 0 { throw BenchmarkFailure("\(path): gzread failed") }
        if count == 0 { break }
        bytes += buffer[0..<Int(count)]
      }
      return bytes
    }
    var pixels: [Float] = []
    var labels: [Int] = []
    for split in ["train", "t10k"] {
      let images = try read("\(split)-images-idx3-ubyte.gz")
      let tags = try read("\(split)-labels-idx1-ubyte.gz")
      guard images.count > 16, tags.count > 8, images[2] == 8, images[3] == 3 else {
        throw BenchmarkFailure("\(split): not an IDX image file")
      }
      pixels += images[16...].map { Float($0) / 255 }
      labels += tags[8...].map { Int($0) }
    }
    return (Tensor(pixels, shape: [labels.count, 784]), labels)
  }

  /// scikit-learn's `trustworthiness(X, Y, n_neighbors=k)` with Euclidean distances (input
  /// ranks with ties broken by index).
  static func trustworthiness(_ x: Tensor, _ y: Tensor, neighbors k: Int) -> Double {
    let n = x.shape[0]
    let (dx, dy) = (squaredDistances(x), squaredDistances(y))
    var rank = [Int](repeating: 0, count: n)
    var order = [Int](repeating: 0, count: n - 1)
    var total = 0.0
    for i in 0..<n {
      order = (0..<n).filter { $0 != i }
      order.sort {
        dx[i * n + $0] < dx[i * n + $1] || (dx[i * n + $0] == dx[i * n + $1] && $0 < $1)
      }
      for (position, j) in order.enumerated() { rank[j] = position + 1 }
      order = (0..<n).filter { $0 != i }
      order.sort {
        dy[i * n + $0] < dy[i * n + $1] || (dy[i * n + $0] == dy[i * n + $1] && $0 < $1)
      }
      for j in order.prefix(k) { total += Double(max(0, rank[j] - k)) }
    }
    let (nd, kd) = (Double(n), Double(k))
    return 1 - total * 2 / (nd * kd * (2 * nd - 3 * kd - 1))
  }

  private static func squaredDistances(_ x: Tensor) -> [Double] {
    let (n, d) = (x.shape[0], x.shape[1])
    let v = x.doubles
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        var sum = 0.0
        for c in 0..<d { sum += (v[i * d + c] - v[j * d + c]) * (v[i * d + c] - v[j * d + c]) }
        out[i * n + j] = sum
        out[j * n + i] = sum
      }
    }
    return out
  }

  /// A fixed subsample of `count` indices out of `n` (seeded permutation, sorted).
  static func subsample(_ n: Int, count: Int, seed: UInt64 = 0) -> [Int] {
    var rng = Xoshiro256(seed: seed)
    return Array(randomPermutation(n, using: &rng).prefix(count)).sorted()
  }

  /// Seconds taken by `body`.
  static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try body()
    return (result, (clock.now - start).seconds)
  }
}

/// A benchmark that cannot run, with the reason.
struct BenchmarkFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
