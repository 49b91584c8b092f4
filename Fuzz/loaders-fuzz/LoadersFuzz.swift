// LoadersFuzz: feeds malformed bytes to every file loader — the Datasets parsers (IDX, .npy,
// .npz, CSV, gzip, USPS text, Orange .tab), safetensors, and a DCRL model directory; any outcome
// but a crash is a pass.
//
// Two modes (Scripts/fuzz/loaders.sh runs both):
// - libFuzzer: build with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   -Xswiftc -DDCRL_LIBFUZZER`; the target parser comes from DCRL_FUZZ_TARGET.
// - plain build: `loaders-fuzz <target> <runs> <seed> <corpus folder>` runs a seeded mutation
//   loop over the corpus files and prints how many inputs it tried.

import DCRL
import Datasets
import Foundation
import Tensor
import _FuzzSupport

/// The parsers this harness exercises.
let targets = ["idx", "npy", "npz", "csv", "gzip", "usps", "tab", "safetensors", "model"]

/// A folder of this process's own where the `model` target writes its model file.
let modelDirectory: URL = {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "loaders-fuzz-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}()

/// Runs the `target` parser, and the conversions after it, on `data`.
func exercise(_ target: String, _ data: Data) {
  switch target {
  case "idx":
    if let array = try? IDX.decode(data, path: "fuzz") { _ = array.doubles() }
    let half = data.count / 2
    _ = try? MNISTFormat.decode(
      images: data.prefix(half), imagesPath: "i", labels: data.dropFirst(half), labelsPath: "l")
  case "npy":
    if let array = try? NPY.decode(data, path: "fuzz") {
      _ = try? array.tensor(allowNonFinite: true)
      _ = try? array.tensor(dtype: .float64)
      _ = try? array.labels()
    }
  case "npz":
    if let arrays = try? NPZ.decode(data, path: "fuzz") {
      for array in arrays.values { _ = try? array.doubles(allowNonFinite: true) }
    }
  case "csv":
    if let table = try? CSV.decode(data, path: "fuzz", hasHeader: data.first == UInt8(ascii: "h")) {
      _ = table.tensor()
    }
    _ = try? CSV.decode(data, path: "fuzz", delimiter: " ", allowNonFinite: true)
  case "gzip":
    _ = try? Compression.gunzip(data, path: "fuzz")
  case "usps":
    _ = try? USPS.decode(data, path: "fuzz")
  case "tab":
    for document in (try? ReutersR8.decode(data, path: "fuzz")) ?? [] {
      _ = TFIDF.tokens(in: document.text)
    }
    _ = TFIDF.tokens(in: String(decoding: data, as: UTF8.self))
  case "safetensors":
    if let (tensors, _) = try? SafeTensors.decode(data, path: "fuzz") {
      for tensor in tensors.values { _ = tensor.doubles }
    }
  case "model":
    // DCRLModel.load reads `model.safetensors` in the folder, checks it, and builds the model.
    let file = modelDirectory.appendingPathComponent("model.safetensors")
    guard (try? data.write(to: file)) != nil else { fatalError("cannot write \(file.path)") }
    if let model = try? DCRLModel.load(from: modelDirectory) {
      let x = Tensor.zeros([2, model.inputDimension])
      _ = try? model.predict(x)
    }
  default:
    fatalError("loaders-fuzz: unknown target '\(target)'; choose one of \(targets)")
  }
}

#if DCRL_LIBFUZZER
  let fuzzTarget = ProcessInfo.processInfo.environment["DCRL_FUZZ_TARGET"] ?? "npy"

  /// libFuzzer's per-input entry point.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    exercise(fuzzTarget, bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
  }

  /// libFuzzer's driver (from libclang_rt.fuzzer), declared by hand.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32

  /// SwiftPM links an executable's `main` to `<module>_main`; here it starts libFuzzer.
  @_cdecl("loaders_fuzz_main")
  public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> Int32
  {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { bytes, size in fuzzOneInput(bytes, size) }
  }
#else
  /// A SplitMix64 generator, so that every run is reproducible from its seed.
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// The plain-build entry point: a seeded mutation loop over a corpus folder.
  @main
  enum MutationLoop {
    static func main() {
      let arguments = CommandLine.arguments
      guard arguments.count == 5, targets.contains(arguments[1]), let runs = Int(arguments[2]),
        let seed = UInt64(arguments[3])
      else {
        FileHandle.standardError.write(
          Data(
            "usage: loaders-fuzz <\(targets.joined(separator: "|"))> <runs> <seed> <corpus folder>\n"
              .utf8))
        exit(2)
      }
      let folder = URL(fileURLWithPath: arguments[4])
      let corpus =
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil))
        ?? [])
        .sorted { $0.path < $1.path }.compactMap { try? [UInt8](Data(contentsOf: $0)) }
      guard !corpus.isEmpty else {
        FileHandle.standardError.write(
          Data("loaders-fuzz: no corpus files in \(folder.path)\n".utf8))
        exit(2)
      }
      var rng = Generator(state: seed)
      for input in corpus { exercise(arguments[1], Data(input)) }
      for _ in 0..<runs {
        let input = corpus.randomElement(using: &rng)!
        exercise(
          arguments[1],
          Data(mutated(input, splicingFrom: corpus.randomElement(using: &rng)!, using: &rng)))
      }
      print(
        "loaders-fuzz \(arguments[1]): \(runs) mutated inputs from \(corpus.count) corpus files, seed \(seed): no crash"
      )
    }
  }
#endif
