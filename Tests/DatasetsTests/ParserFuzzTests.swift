// Parser fuzzing in the test suite: a seeded mutation loop over valid inputs for the IDX,
// .npy, .npz and CSV parsers. Every input must parse or throw a DatasetError; a crash fails
// the run. Scripts/fuzz/loaders.sh runs the coverage-guided libFuzzer version.

import Datasets
import Foundation
import Tensor
import Testing
import _FuzzSupport
import _TestSupport

/// Valid seeds per parser, made with this module's own writers.
func fuzzSeeds(_ parser: String) throws -> [[UInt8]] {
  let matrix = Tensor.randomNormal([3, 4], seed: 1)
  switch parser {
  case "idx":
    return [
      IDX.encode([1, 2, 3, 4, 5, 6, 7, 8], dimensions: [2, 2, 2]),
      IDX.encode([3, 9], dimensions: [2]),
    ].map { [UInt8]($0) }
  case "npy":
    return [
      NPYArray(matrix), NPYArray(labels: [1, 2, 3]), NPYArray(bytes: [1, 2], shape: [1, 2]),
    ].map { [UInt8](NPY.encode($0)) }
  case "npz":
    return [false, true].map {
      [UInt8](NPZ.encode(["x": NPYArray(matrix), "y": NPYArray(labels: [1])], compressed: $0))
    }
  default:
    return [[UInt8](try CSV.encode(matrix)), Array("# c\n1, 2\n3,nan\n".utf8)]
  }
}

/// Parses `bytes` with `parser` and converts the result, as a user would.
func parse(_ parser: String, _ bytes: [UInt8]) {
  let data = Data(bytes)
  switch parser {
  case "idx":
    if let array = try? IDX.decode(data, path: "fuzz") { _ = array.doubles() }
  case "npy":
    if let array = try? NPY.decode(data, path: "fuzz") {
      _ = try? array.tensor(allowNonFinite: true)
      _ = try? array.labels()
    }
  case "npz":
    if let arrays = try? NPZ.decode(data, path: "fuzz") {
      for array in arrays.values { _ = try? array.doubles() }
    }
  default:
    if let table = try? CSV.decode(data, path: "fuzz") { _ = table.tensor() }
  }
}

@Suite("Parser fuzzing")
struct ParserFuzzTests {
  static let parsers = ["idx", "npy", "npz", "csv"]

  @Test("P3 1,000 mutated inputs per parser parse or throw, never crash", arguments: parsers)
  func quick(parser: String) throws {
    try run(parser, count: 1_000, seed: 1)
  }

  @Test(
    "P3 100,000 mutated inputs per parser parse or throw, never crash", .tags(.slow),
    .enabled(if: ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil), arguments: parsers)
  func long(parser: String) throws {
    try run(parser, count: 100_000, seed: 2)
  }

  func run(_ parser: String, count: Int, seed: UInt64) throws {
    var rng = Xoshiro256(seed: seed)
    let seeds = try fuzzSeeds(parser)
    for input in seeds { parse(parser, input) }
    var tried = 0
    for _ in 0..<count {
      parse(parser, mutated(seeds.randomElement(using: &rng)!, using: &rng))
      tried += 1
    }
    #expect(tried == count)
  }
}
