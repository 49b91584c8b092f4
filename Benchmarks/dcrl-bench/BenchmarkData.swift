// BenchmarkData: tiny private readers for the benchmarks (MNIST IDX .gz and float .npy) until the
// Datasets module lands; then the benchmarks should switch to it.

import CZlib
import Datasets
import Foundation
import Tensor

enum BenchmarkDataError: Error, CustomStringConvertible {
  case unreadable(String)

  var description: String {
    switch self {
    case .unreadable(let reason): return reason
    }
  }
}

/// The decompressed bytes of a gzip file.
func gunzip(_ path: String) throws -> [UInt8] {
  guard let file = gzopen(path, "rb") else {
    throw BenchmarkDataError.unreadable("cannot open \(path)")
  }
  defer { gzclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
    if read < 0 { throw BenchmarkDataError.unreadable("gzip error in \(path)") }
    if read == 0 { break }
    bytes += chunk.prefix(Int(read))
  }
  return bytes
}

/// MNIST-full as the DCRL code uses it: the 60 000 training then the 10 000 test images,
/// flattened to 784 values scaled by 1/255, with their labels.
func loadMNIST(directory: String) throws -> (images: Tensor, labels: [Int]) {
  var pixels: [Float] = []
  var labels: [Int] = []
  for part in ["train", "t10k"] {
    let images = try gunzip("\(directory)/\(part)-images-idx3-ubyte.gz")
    let labelBytes = try gunzip("\(directory)/\(part)-labels-idx1-ubyte.gz")
    func bigEndian(_ bytes: [UInt8], _ offset: Int) -> Int {
      (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }
    guard images.count >= 16, bigEndian(images, 0) == 2051, labelBytes.count >= 8,
      bigEndian(labelBytes, 0) == 2049
    else { throw BenchmarkDataError.unreadable("\(directory)/\(part): not MNIST IDX files") }
    let count = bigEndian(images, 4)
    guard images.count == 16 + count * 784, labelBytes.count == 8 + count else {
      throw BenchmarkDataError.unreadable("\(directory)/\(part): truncated IDX file")
    }
    pixels.reserveCapacity(pixels.count + count * 784)
    for byte in images[16...] { pixels.append(Float(byte) / 255) }
    labels += labelBytes[8...].map { Int($0) }
  }
  return (Tensor(pixels, shape: [labels.count, 784]), labels)
}

/// A little-endian float32 or float64 C-order `.npy` array.
func readNPY(_ path: String) throws -> Tensor {
  let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
  guard data.count > 10, data[0] == 0x93, data[1...5].elementsEqual("NUMPY".utf8) else {
    throw BenchmarkDataError.unreadable("\(path) is not a .npy file")
  }
  let major = data[6]
  let headerLength =
    major == 1
    ? Int(data[8]) | Int(data[9]) << 8
    : Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
  let start = (major == 1 ? 10 : 12) + headerLength
  let header = String(decoding: data[(major == 1 ? 10 : 12)..<start], as: UTF8.self)
  guard header.contains("'fortran_order': False") else {
    throw BenchmarkDataError.unreadable("\(path): only C-order arrays are supported")
  }
  guard let open = header.range(of: "'shape': ("),
    let close = header[open.upperBound...].firstIndex(of: ")")
  else { throw BenchmarkDataError.unreadable("\(path): no shape in header") }
  let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
    Int($0.trimmingCharacters(in: .whitespaces))
  }
  let count = shape.reduce(1, *)
  let body = data[start...]
  if header.contains("'<f4'") {
    guard body.count == 4 * count else { throw BenchmarkDataError.unreadable("\(path): truncated") }
    let values = body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    return Tensor(values, shape: shape)
  }
  if header.contains("'<f8'") {
    guard body.count == 8 * count else { throw BenchmarkDataError.unreadable("\(path): truncated") }
    let values = body.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    return Tensor(values, shape: shape)
  }
  throw BenchmarkDataError.unreadable("\(path): only <f4 and <f8 arrays are supported")
}

/// Writes `tensor` as a little-endian C-order `.npy` file in its dtype.
func writeNPY(_ tensor: Tensor, to path: String) throws {
  let descr = tensor.dtype == .float32 ? "<f4" : "<f8"
  let shape = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? "," : "")
  var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(shape)), }"
  while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
  header += "\n"
  var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
  bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
  bytes += Array(header.utf8)
  switch tensor.dtype {
  case .float32: tensor.floats.withUnsafeBytes { bytes += $0 }
  case .float64: tensor.doubles.withUnsafeBytes { bytes += $0 }
  }
  try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The peak resident set size of this process so far, in bytes.
func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss * 1024
}

/// Runs `python3 script arguments…` and decodes the last line of its output as a JSON object.
func runPeer(_ script: String, _ arguments: [String]) -> [String: Any]? {
  guard let output = runPythonCommand([script] + arguments),
    let line = output.split(separator: "\n").last,
    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
  else {
    FileHandle.standardError.write(Data("dcrl-bench: peer \(script) did not run\n".utf8))
    return nil
  }
  return object
}

private func runPythonCommand(_ arguments: [String]) -> String? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3"] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  do { try process.run() } catch { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  return String(decoding: data, as: UTF8.self)
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`): on a shared machine, other
/// processes' load changes wall-clock times, so the benchmarks print it beside them.
func loadAverage() -> String {
  guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else {
    return "unknown"
  }
  return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// User plus system CPU seconds this process has used so far, all threads together.
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The dataset store of a `--data` flag: that folder when given, then `DCRL_DATA`, then the
/// per-user cache, downloading missing files (progress on standard error).
func datasetStore(_ given: String?) -> DatasetStore {
  DatasetStore(
    dataRoot: given.map { URL(fileURLWithPath: $0, isDirectory: true) },
    onEvent: DownloadLog().print)
}

/// The folder of the MNIST IDX files: `given` (the folder itself or a root holding `mnist/`)
/// when set, then `DCRL_DATA`, then the cache, downloading missing files.
func mnistDirectory(_ given: String?) throws -> String {
  try datasetStore(given).directory(for: .mnistFull).path
}
