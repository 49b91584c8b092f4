// NPZ: archives from numpy.savez / savez_compressed load; ours round-trip (stored, deflated,
// zip64); damaged archives throw.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("NPZ")
struct NPZTests {
  @Test(
    "numpy.savez (stored, zip64 local headers) and savez_compressed (deflated) archives load",
    .tags(.golden), arguments: ["savez.npz", "savez_compressed.npz"])
  func numpyWritten(file: String) throws {
    let expected = try loadFixture("numpy/expected.json", in: .module)
    let url = try fixtureURL("numpy/\(file)")
    let arrays = try NPZ.read(from: url)
    #expect(Set(arrays.keys) == ["features", "labels", "pixels"])
    #expect(try arrays["features"]!.doubles() == expected.object("f4_matrix").doubles("values"))
    #expect(try arrays["labels"]!.labels() == expected.object("i8_labels").ints("values"))
    #expect(try arrays["pixels"]!.doubles() == expected.object("u1_pixels").doubles("values"))
    #expect(
      throws: DatasetError.missingEntry(
        path: url.path, name: "x", available: ["features", "labels", "pixels"])
    ) {
      try NPZ.array("x", in: arrays, path: url.path)
    }
  }

  @Test("stored and deflated archives round-trip and are deterministic", arguments: [false, true])
  func roundTrip(compressed: Bool) throws {
    var rng = Xoshiro256(seed: 8)
    let arrays = [
      "x": NPYArray(Tensor.randomNormal([50, 20], using: &rng)),
      "y": NPYArray(labels: (0..<50).map { $0 % 7 }),
      "empty": NPYArray(Tensor.zeros([0, 3], dtype: .float64)),
    ]
    let bytes = NPZ.encode(arrays, compressed: compressed)
    #expect(NPZ.encode(arrays, compressed: compressed) == bytes)
    let decoded = try NPZ.decode(bytes, path: "a.npz")
    #expect(Set(decoded.keys) == Set(arrays.keys))
    for (key, array) in arrays {
      let back = try #require(decoded[key])
      #expect(
        back.shape == array.shape && back.elementType == array.elementType
          && back.data == array.data)
      #expect(back.source == "a.npz (entry '\(key).npy')")
    }
    if compressed { #expect(bytes.count < NPZ.encode(arrays, compressed: false).count) }
  }

  @Test("P3 damaged archives throw typed errors: empty, not a zip, truncated, bad CRC")
  func damaged() throws {
    let good = NPZ.encode(["x": NPYArray(Tensor.ones([16, 4]))], compressed: true)
    #expect(throws: DatasetError.emptyFile(path: "a")) { try NPZ.decode(Data(), path: "a") }
    #expect(throws: DatasetError.self) { try NPZ.decode(Data(repeating: 7, count: 100), path: "a") }
    for cut in [10, good.count / 2, good.count - 1] {
      #expect(throws: DatasetError.self, "cut at \(cut)") {
        try NPZ.decode(good.prefix(cut), path: "a")
      }
    }
    // Flip a byte inside the stored member's payload: the CRC-32 check catches it.
    let stored = NPZ.encode(["x": NPYArray(Tensor.ones([16, 4]))], compressed: false)
    var corrupt = stored
    corrupt[corrupt.startIndex + 200] ^= 1
    do {
      _ = try NPZ.decode(corrupt, path: "a")
      Issue.record("a corrupt member loaded")
    } catch {
      #expect(error.description.contains("CRC-32"))
    }
  }
}
