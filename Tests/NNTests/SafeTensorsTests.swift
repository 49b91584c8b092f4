// Safetensors: Python-written fixture, round trips, layer save/load, and bad files (P3).

import Autograd
import Foundation
import NN
import Tensor
import Testing
import _TestSupport

@Suite("SafeTensors")
struct SafeTensorsTests {
  @Test(
    "a file written by the Python safetensors package loads with its values and metadata",
    .tags(.golden))
  func pythonFixture() throws {
    let url = try #require(
      Bundle.module.url(
        forResource: "python_written", withExtension: "safetensors", subdirectory: "Fixtures"))
    let expected = try loadFixture("python_written.json", in: .module)
    let (tensors, metadata) = try SafeTensors.read(from: url)
    #expect(metadata == ["format": "dcrl-test", "seed": "1"])
    #expect(Set(tensors.keys) == Set(expected.data.keys))
    for name in expected.data.keys {
      let entry = expected.object(name)
      let tensor = try #require(tensors[name])
      #expect(tensor.shape == entry.ints("shape"), "\(name)")
      #expect(
        tensor.dtype == ((entry.data["dtype"] as? String) == "F32" ? .float32 : .float64), "\(name)"
      )
      #expect(tensor.doubles == entry.doubles("values"), "\(name)")
    }
  }

  @Test("encode then decode returns the same tensors and metadata")
  func roundTrip() throws {
    let tensors = [
      "a": Tensor.randomNormal([3, 4], seed: 1),
      "b": Tensor.randomNormal([5], dtype: .float64, seed: 2),
      "empty": Tensor.zeros([0, 2]),
    ]
    let data = SafeTensors.encode(tensors, metadata: ["k": "v"])
    // The header is padded so that the data starts 8-byte aligned.
    let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    #expect(headerLength % 8 == 0)
    let (decoded, metadata) = try SafeTensors.decode(data)
    #expect(metadata == ["k": "v"])
    for (name, tensor) in tensors {
      #expect(decoded[name]?.shape == tensor.shape && decoded[name]?.dtype == tensor.dtype)
      #expect(decoded[name]?.doubles == tensor.doubles)
    }
  }

  @Test("P1: a layer saved and loaded gives identical outputs")
  func layerRoundTrip() throws {
    var rng = Xoshiro256(seed: 4)
    let original = Sequential.perceptron([6, 5, 3], using: &rng)
    let restored = Sequential.perceptron([6, 5, 3], using: &rng)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dcrl-layer-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try original.saveParameters(to: url)
    try restored.loadParameters(from: url)
    let x = Tensor.randomNormal([4, 6], seed: 5)
    #expect(original(x).value.floats == restored(x).value.floats)
  }

  @Test("I16: loading into a layer of another shape throws and changes nothing")
  func shapeMismatch() throws {
    var rng = Xoshiro256(seed: 6)
    let small = Sequential.perceptron([6, 5, 3], using: &rng)
    let other = Sequential.perceptron([6, 4, 3], using: &rng)
    let before = other.parameters.map(\.value.floats)
    #expect(
      throws: ParameterLoadingError.shapeMismatch(
        name: "0.weight", expected: [4, 6], found: [5, 6], path: "<memory>")
    ) {
      try other.loadState(small.stateDictionary)
    }
    #expect(other.parameters.map(\.value.floats) == before)
    #expect(throws: ParameterLoadingError.missing(name: "0.weight", path: "<memory>")) {
      try other.loadState([:])
    }
  }

  @Test("P3: truncated, malformed and unsupported files throw typed errors")
  func malformed() throws {
    let good = SafeTensors.encode(["x": Tensor.ones([4])])
    let cases: [(String, Data)] = [
      ("empty", Data()),
      ("short length", Data([1, 2, 3])),
      ("header past the end", Data([255, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8)),
      ("not JSON", Data([4, 0, 0, 0, 0, 0, 0, 0]) + Data("nope".utf8)),
      ("truncated data", good.prefix(good.count - 4)),
      (
        "offsets outside",
        makeFile(#"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,64]}}"#, payload: 16)
      ),
      (
        "size disagrees with shape",
        makeFile(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, payload: 16)
      ),
      (
        "negative shape",
        makeFile(#"{"x":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#, payload: 16)
      ),
      ("missing fields", makeFile(#"{"x":{"dtype":"F32"}}"#, payload: 0)),
    ]
    for (name, data) in cases {
      #expect(throws: SafeTensorsError.self, "\(name)") { try SafeTensors.decode(data) }
    }
    #expect(throws: SafeTensorsError.unsupportedDType(path: "<memory>", tensor: "x", dtype: "I8")) {
      try SafeTensors.decode(
        makeFile(#"{"x":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}"#, payload: 4))
    }
    #expect(throws: SafeTensorsError.self) {
      try SafeTensors.read(from: URL(fileURLWithPath: "/nonexistent/x.safetensors"))
    }
  }

  private func makeFile(_ header: String, payload: Int) -> Data {
    var data = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(Data(header.utf8))
    data.append(Data(count: payload))
    return data
  }
}
