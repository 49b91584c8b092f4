// The dcrl command end to end on a small fixture, and its error paths (RELIABILITY C1).

import Datasets
import Foundation
import Tensor
import Testing

/// Runs the built `dcrl` executable with `arguments` (and `environment` instead of this
/// process's, when given).
func dcrl(_ arguments: [String], environment: [String: String]? = nil) throws -> (
  status: Int32, output: String, error: String
) {
  let process = Process()
  process.executableURL = try executable()
  process.arguments = arguments
  if let environment { process.environment = environment }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: outData, as: UTF8.self),
    String(decoding: errData, as: UTF8.self)
  )
}

/// The `dcrl` binary beside the test bundle in the build products folder.
func executable() throws -> URL {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("dcrl")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  throw CocoaError(
    .fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dcrl next to \(CommandLine.arguments[0])"])
}

/// Five Gaussian blobs in 12-D, 60 points each, as X.npy and y.npy in a fresh folder.
func fixture() throws -> URL {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-cli-\(UUID())")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  var rng = Xoshiro256(seed: 1)
  let centres = (0..<5).map { _ in (0..<12).map { _ in 5 * rng.nextStandardNormal() } }
  var values: [Float] = []
  var labels: [Int] = []
  for i in 0..<300 {
    labels.append(i % 5)
    values += centres[i % 5].map { Float($0 + rng.nextStandardNormal()) }
  }
  try NPY.write(Tensor(values, shape: [300, 12]), to: directory.appendingPathComponent("x.npy"))
  try NPY.write(labels: labels, to: directory.appendingPathComponent("y.npy"))
  return directory
}

@Suite("dcrl command line", .serialized)
struct CLITests {
  @Test("fit → predict → embed → metrics → plot on a small fixture")
  func workflow() throws {
    let dir = try fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    let fit = try dcrl([
      "fit", "--input", path("x.npy"), "--labels", path("y.npy"), "--epochs", "6",
      "--pretrain-epochs", "15", "--hidden", "32", "--latent", "3", "--init", "kmeans",
      "--scale", "standard", "--threads", "1", "--out", path("run"),
    ])
    #expect(fit.status == 0, "\(fit.error)")
    #expect(fit.output.contains("ACC "))
    for file in [
      "run/model/model.safetensors", "run/latent.npy", "run/labels.npy", "run/epochs.csv",
    ] {
      #expect(FileManager.default.fileExists(atPath: path(file)), "\(file)")
    }
    let predict = try dcrl([
      "predict", "--model", path("run/model"), "--input", path("x.npy"), "--out", path("p.npy"),
    ])
    #expect(predict.status == 0, "\(predict.error)")
    let predicted = try NPY.read(from: dir.appendingPathComponent("p.npy")).labels()
    #expect(predicted.count == 300 && predicted.allSatisfy { (0..<5).contains($0) })
    #expect(
      predicted == (try NPY.read(from: dir.appendingPathComponent("run/labels.npy")).labels()))
    // The run folder itself names the model as well as its model/ folder.
    let fromRun = try dcrl([
      "predict", "--model", path("run"), "--input", path("x.npy"), "--out", path("p2.npy"),
    ])
    #expect(fromRun.status == 0, "\(fromRun.error)")
    #expect(try NPY.read(from: dir.appendingPathComponent("p2.npy")).labels() == predicted)
    let nowhere = try dcrl([
      "predict", "--model", path("."), "--input", path("x.npy"), "--out", path("p3.npy"),
    ])
    #expect(nowhere.status == 1 && nowhere.error.contains("holds no model"), "\(nowhere.error)")
    let embed = try dcrl([
      "embed", "--model", path("run/model"), "--input", path("x.npy"), "--out", path("z.npy"),
    ])
    #expect(embed.status == 0, "\(embed.error)")
    #expect(try NPY.read(from: dir.appendingPathComponent("z.npy")).tensor().shape == [300, 3])
    let metrics = try dcrl([
      "metrics", "--x", path("x.npy"), "--z", path("z.npy"), "--labels", path("y.npy"), "--pred",
      path("p.npy"), "--json",
    ])
    #expect(metrics.status == 0, "\(metrics.error)")
    let object =
      try JSONSerialization.jsonObject(with: Data(metrics.output.utf8)) as? [String: Double]
    #expect(
      Set(object?.keys.map { $0 } ?? []) == [
        "acc", "nmi_arithmetic", "nmi_geometric", "ari", "trust", "cont", "rre", "rmre", "lgd",
        "cra",
      ])
    let plot = try dcrl([
      "plot", "--input", path("z.npy"), "--labels", path("y.npy"), "--out", path("z.png"),
    ])
    #expect(plot.status == 0, "\(plot.error)")
    let png = try Data(contentsOf: dir.appendingPathComponent("z.png"))
    #expect(
      png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && png.count > 10_000)
    let umap = try dcrl([
      "plot", "--input", path("z.npy"), "--labels", path("y.npy"), "--method", "umap", "--out",
      path("u.png"),
    ])
    #expect(umap.status == 0 && umap.output.contains("UMAP of 300 points"), "\(umap.error)")
    let curves = try dcrl(["plot", "--curves", path("run/epochs.csv"), "--out", path("c.png")])
    #expect(curves.status == 0, "\(curves.error)")
    for name in ["u.png", "c.png", "c-accuracy.png"] {
      let image = try Data(contentsOf: dir.appendingPathComponent(name))
      #expect(image.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) && image.count > 3_000, "\(name)")
    }
    // A damaged scaling file is named in a one-line error, not dumped as a decoding trace.
    let scaling = dir.appendingPathComponent("run/model/preprocessing.json")
    #expect(FileManager.default.fileExists(atPath: scaling.path))
    try Data("{\"standard\": 3}".utf8).write(to: scaling)
    let damaged = try dcrl([
      "predict", "--model", path("run/model"), "--input", path("x.npy"), "--out", path("q.npy"),
    ])
    #expect(damaged.status != 0)
    #expect(damaged.error.split(separator: "\n").count == 1, "\(damaged.error)")
    #expect(
      damaged.error.contains("preprocessing.json is not the feature scaling"), "\(damaged.error)")
  }

  @Test("C1: bad commands, flags, values and files give a one-line error and a non-zero status")
  func errors() throws {
    let dir = try fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data("1,2\n3,oops\n".utf8).write(to: dir.appendingPathComponent("bad.csv"))
    try Data([0x93, 0x4E, 0x55]).write(to: dir.appendingPathComponent("short.npy"))
    let x = dir.appendingPathComponent("x.npy").path
    // A new folder: fit refuses a folder that already holds files before reading anything.
    let out = dir.appendingPathComponent("run").path
    let cases: [([String], String)] = [
      (["frobnicate"], "unknown command 'frobnicate'"),
      (["fit", "--inptu", x], "unknown flag '--inptu'"),
      (
        ["fit", "--input", x, "--out", out, "--preset", "best"],
        "'best' is not one of recommended, paper, authors-code"
      ),
      (["fit", "--input", x, "--out", out, "--clusters", "ten"], "'ten' is not a valid int"),
      (["fit", "--input", x, "--out", out], "--clusters is required"),
      (
        ["fit", "--input", dir.appendingPathComponent("none.npy").path, "--out", out],
        "no file at"
      ),
      (
        [
          "fit", "--input", dir.appendingPathComponent("short.npy").path, "--out", out,
          "--clusters", "2",
        ], "short.npy"
      ),
      (
        [
          "embed", "--model", dir.path, "--input", x, "--out",
          dir.appendingPathComponent("z.npy").path,
        ], "model.safetensors"
      ),
      (["metrics", "--x", dir.appendingPathComponent("bad.csv").path, "--z", x], "row 2"),
      (["metrics", "--x", x, "--z", x, "--k", "9..3"], "--k"),
      (["plot", "--input", x], "--out is required"),
      (["plot", "--input", x, "--out", ""], "--out needs a value (FILE), not an empty one"),
      (["fit", "--input", x, "--clusters", "5", "--out", ""], "--out needs a value"),
      (
        [
          "resume", "--checkpoint", dir.appendingPathComponent("none.safetensors").path, "--input",
          x,
        ],
        "--checkpoint: no checkpoint file at"
      ),
      (["resume", "--checkpoint", dir.path, "--input", x], "--checkpoint: no checkpoint file at"),
      (["plot", "--curves", x, "--out", dir.appendingPathComponent("c.png").path], "epoch log"),
    ]
    for (arguments, expected) in cases {
      let result = try dcrl(arguments)
      #expect(result.status != 0, "\(arguments)")
      let lines = result.error.split(separator: "\n")
      #expect(lines.count == 1, "\(arguments): \(result.error)")
      #expect(result.error.contains(expected), "\(arguments): \(result.error)")
      #expect(!result.error.contains("Fatal error") && !result.error.contains("Stack dump"))
    }
  }
}
