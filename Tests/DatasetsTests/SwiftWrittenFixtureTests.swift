// Files written here load in NumPy: the committed Fixtures/swift/* were written by this test
// (run once with DCRL_WRITE_SWIFT_FIXTURES=1) and are checked in NumPy by
// Scripts/golden/check_swift_io.py; every run asserts that the current writer still produces
// exactly those bytes.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("Swift-written fixtures")
struct SwiftWrittenFixtureTests {
  /// The arrays, by formulas that check_swift_io.py repeats.
  static var files: [String: Data] {
    get throws {
      let features = Tensor((0..<15).map { Float(Double($0) * 0.25 - 1.1) }, shape: [5, 3])
      let doubles = Tensor([0.1, -2.5e-8, 3e100, -0.0], shape: [2, 2])
      let labels = [3, 1, 4, 1, 5, 9, 2, 6]
      let pixels = NPYArray(bytes: [0, 17, 255, 128], shape: [2, 2])
      let arrays = [
        "features": NPYArray(features), "labels": NPYArray(labels: labels), "pixels": pixels,
      ]
      return [
        "features.npy": NPY.encode(NPYArray(features)),
        "doubles.npy": NPY.encode(NPYArray(doubles)),
        "labels.npy": NPY.encode(NPYArray(labels: labels)),
        "pixels.npy": NPY.encode(pixels),
        "stored.npz": NPZ.encode(arrays, compressed: false),
        "deflated.npz": NPZ.encode(arrays, compressed: true),
        "zip64.npz": NPZ.encodeForcingZip64(arrays),
        "features.csv": try CSV.encode(features),
        "doubles.csv": try CSV.encode(doubles, header: ["left", "right"]),
      ]
    }
  }

  @Test("the committed Swift-written files equal what the writers produce now", .tags(.golden))
  func committedBytes() throws {
    let folder = packageRoot.appendingPathComponent("Tests/DatasetsTests/Fixtures/swift")
    let files = try Self.files
    if ProcessInfo.processInfo.environment["DCRL_WRITE_SWIFT_FIXTURES"] != nil {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for (name, bytes) in files { try bytes.write(to: folder.appendingPathComponent(name)) }
    }
    for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
      let committed = try Data(contentsOf: fixtureURL("swift/\(name)"))
      #expect(
        committed == bytes,
        "\(name) differs from the writer's output: rerun with DCRL_WRITE_SWIFT_FIXTURES=1, then python3 Scripts/golden/check_swift_io.py"
      )
    }
  }

  @Test("the committed files read back with the values they were written from")
  func readBack() throws {
    let zip64 = try NPZ.read(from: fixtureURL("swift/zip64.npz"))
    #expect(try zip64["labels"]!.labels() == [3, 1, 4, 1, 5, 9, 2, 6])
    #expect(
      try NPY.read(from: fixtureURL("swift/doubles.npy")).doubles() == [0.1, -2.5e-8, 3e100, -0.0])
    let csv = try CSV.read(from: fixtureURL("swift/features.csv"))
    #expect(csv.tensor().floats == (0..<15).map { Float(Double($0) * 0.25 - 1.1) })
  }
}
