// NPY: NumPy-written fixtures load with their values, our bytes equal numpy.save's, and bad
// files throw typed errors.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

/// The URL of a committed fixture under Fixtures/.
func fixtureURL(_ relativePath: String) throws -> URL {
  let url = try #require(Bundle.module.resourceURL).appendingPathComponent(
    "Fixtures/\(relativePath)")
  try #require(
    FileManager.default.fileExists(atPath: url.path), "fixture \(relativePath) is missing")
  return url
}

@Suite("NPY")
struct NPYTests {
  /// The fixture names, listed in the generator's header (read once per argument list).
  static var canonical: [String] { fixtureNames("canonical") }
  static var converted: [String] { fixtureNames("converted") }
  static var expected: Fixture {
    get throws { try loadFixture("numpy/expected.json", in: .module) }
  }

  static func fixtureNames(_ key: String) -> [String] {
    (try? loadFixture("numpy/expected.json", in: .module).header[key] as? [String]) ?? [
      "missing-expected.json"
    ]
  }

  @Test(
    "files written by numpy.save load with the same shape and values", .tags(.golden),
    arguments: canonical + converted)
  func numpyWritten(name: String) throws {
    let entry = try Self.expected.object(name)
    let array = try NPY.read(from: fixtureURL("numpy/\(name).npy"))
    #expect(array.shape == entry.ints("shape"))
    #expect(try array.doubles() == entry.doubles("values"))
    // float64 tensors hold every value exactly; float32 ones the rounded values.
    let tensor = try array.tensor(dtype: .float64)
    #expect(tensor.shape == entry.ints("shape") && tensor.doubles == entry.doubles("values"))
  }

  @Test(
    "our .npy bytes are identical to numpy.save's for C-order little-endian arrays", .tags(.golden),
    arguments: canonical)
  func byteIdentical(name: String) throws {
    let bytes = try Data(contentsOf: fixtureURL("numpy/\(name).npy"))
    let array = try NPY.decode(bytes, path: name)
    #expect(NPY.encode(array) == bytes)
  }

  @Test(
    "a block of rows read alone equals those rows of the whole file (every numpy fixture)",
    .tags(.golden), arguments: canonical + converted)
  func rowBlocks(name: String) throws {
    let url = try fixtureURL("numpy/\(name).npy")
    let whole = try NPY.read(from: url)
    #expect(try NPY.shape(of: url) == whole.shape)
    guard let count = whole.shape.first, count > 0 else { return }
    let rowBytes = whole.shape.dropFirst().reduce(whole.elementType.byteSize, *)
    for rows in Set([0..<count, 0..<1, (count / 2)..<count, (count - 1)..<count, 1..<1]) {
      guard rows.upperBound <= count else { continue }
      let part = try NPY.read(rows: rows, from: url)
      #expect(part.shape == [rows.count] + whole.shape.dropFirst())
      #expect(part.elementType == whole.elementType)
      let start = whole.data.startIndex
      #expect(
        part.data
          == whole.data.subdata(
            in: (start + rows.lowerBound * rowBytes)..<(start + rows.upperBound * rowBytes)),
        "\(name) rows \(rows)")
    }
    #expect(throws: DatasetError.self) { try NPY.read(rows: 0..<(count + 1), from: url) }
  }

  @Test("headers are padded to 64 bytes; version 2.0 only when 1.0 cannot hold the header")
  func headerLayout() throws {
    for shape in [[], [1], [3, 4], [Int](repeating: 1, count: 30), [123_456_789_012, 0]] {
      let header = NPY.header(descriptor: "<f4", fortranOrder: false, shape: shape)
      #expect(header.count % 64 == 0 && header.last == 0x0a && header[6] == 1)
    }
    let long = NPY.header(
      descriptor: "<f4", fortranOrder: false, shape: [Int](repeating: 1, count: 25_000))
    #expect(long[6] == 2 && long.count % 64 == 0)
    let array = try NPY.decode(long + Data(count: 4), path: "v2")
    #expect(array.shape.count == 25_000)
  }

  @Test("tensors, labels and bytes round-trip through encode and decode")
  func roundTrip() throws {
    var rng = Xoshiro256(seed: 5)
    let f32 = Tensor.randomNormal([4, 3], using: &rng)
    let f64 = Tensor.randomNormal([2, 2, 2], dtype: .float64, using: &rng)
    for tensor in [f32, f64] {
      let back = try NPY.decode(NPY.encode(NPYArray(tensor)), path: "t").tensor(dtype: tensor.dtype)
      #expect(back.shape == tensor.shape && back.doubles == tensor.doubles)
    }
    let labels = [3, 0, -1, 9, Int(Int32.max) + 5]
    #expect(try NPY.decode(NPY.encode(NPYArray(labels: labels)), path: "l").labels() == labels)
    let pixels = NPYArray(bytes: [0, 7, 255, 128, 1, 2], shape: [2, 3])
    #expect(try NPY.decode(NPY.encode(pixels), path: "p").doubles() == [0, 7, 255, 128, 1, 2])
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("x.npy")
    try NPY.write(f32, to: url)
    #expect(try NPY.read(from: url).tensor().floats == f32.floats)
    try NPY.write(labels: labels, to: url)
    #expect(try NPY.read(from: url).labels() == labels)
  }

  @Test("I8 integer arrays convert to float tensors explicitly, and integral floats to labels")
  func conversions() throws {
    let labels = try NPY.read(from: fixtureURL("numpy/i8_labels.npy"))
    #expect(try labels.tensor().dtype == .float32)
    let floats = NPYArray(Tensor([1, 0, 2] as [Float]))
    #expect(try floats.labels() == [1, 0, 2])
    #expect(
      throws: DatasetError.invalidLabel(
        path: "<memory>", index: 1, value: "0.5", reason: "is not an integer")
    ) {
      try NPYArray(Tensor([1, 0.5] as [Float])).labels()
    }
    #expect(throws: DatasetError.self) { try NPYArray(Tensor.zeros([2, 2])).labels() }
  }

  @Test(
    "I4 NaN and infinity in a .npy throw nonFinite with the element's index, unless allowed",
    arguments: [("bad_nan", [1, 2]), ("bad_inf", [1])])
  func nonFinite(name: String, position: [Int]) throws {
    let url = try fixtureURL("numpy/\(name).npy")
    let array = try NPY.read(from: url)
    do {
      _ = try array.tensor()
      Issue.record("a non-finite array converted")
    } catch {
      guard case .nonFinite(let path, let found, let value) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(path == url.path && found == position && !value.isFinite)
    }
    #expect(throws: DatasetError.self) { try array.tensor(dtype: .float64) }
    #expect(try array.tensor(allowNonFinite: true).count == array.count)
  }

  @Test(
    "unsupported dtypes (complex, strings, structured) throw unsupportedDType naming the path",
    arguments: [
      ("bad_complex", "<c8"), ("bad_strings", "<U3"),
      ("bad_structured", "[('a', '<i4'), ('b', '<f8')]"),
    ])
  func unsupported(name: String, dtype: String) throws {
    let url = try fixtureURL("numpy/\(name).npy")
    do {
      _ = try NPY.read(from: url)
      Issue.record("\(name) loaded")
    } catch {
      guard case .unsupportedDType(let path, let found, let supported) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(path == url.path && found == dtype && supported.contains("<f4"))
    }
  }

  @Test("P3 empty, truncated, wrong-magic and inconsistent .npy files throw typed errors")
  func damaged() throws {
    let good = NPY.encode(NPYArray(Tensor.ones([2, 3])))
    #expect(throws: DatasetError.emptyFile(path: "n")) { try NPY.decode(Data(), path: "n") }
    #expect(
      throws: DatasetError.truncated(
        path: "n", detail: "5 bytes is shorter than the 8-byte .npy preamble")
    ) {
      try NPY.decode(good.prefix(5), path: "n")
    }
    #expect(throws: DatasetError.self) { try NPY.decode(good.prefix(40), path: "n") }
    #expect(
      throws: DatasetError.payloadSizeMismatch(
        path: "n", dimensions: [2, 3], expectedBytes: 24, foundBytes: 23)
    ) {
      try NPY.decode(good.dropLast(), path: "n")
    }
    #expect(
      throws: DatasetError.payloadSizeMismatch(
        path: "n", dimensions: [2, 3], expectedBytes: 24, foundBytes: 25)
    ) {
      try NPY.decode(good + Data([0]), path: "n")
    }
    var magic = good
    magic[magic.startIndex + 1] = UInt8(ascii: "X")
    #expect(throws: DatasetError.self) { try NPY.decode(magic, path: "n") }
    for header in [
      "{'descr': '<f4', 'shape': (2,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
      "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }", "not a dict",
    ] {
      var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0])
      bytes.append(contentsOf: header.utf8)
      #expect(throws: DatasetError.self, "\(header)") {
        try NPY.decode(bytes + Data(count: 8), path: "n")
      }
    }
    #expect(throws: DatasetError.self) {
      try NPY.read(from: URL(fileURLWithPath: "/nonexistent/x.npy"))
    }
  }
}
