// A run's scaling, configuration and input fingerprint travel with its checkpoint and model:
// `resume --out` elsewhere keeps the scaling, another input is refused, and a model folder
// without its scaling file is reported rather than used unscaled (RELIABILITY C7).

import Datasets
import Foundation
import Tensor
import Testing

@Suite("dcrl keeps what a run needs with its checkpoint and model", .serialized)
struct ReproducibilityTests {
  @Test("C7 resume --out elsewhere keeps the run's --scale minmax; another input is refused")
  func resumeElsewhere() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Features far from [0, 1]: without the scaling the model sees other data entirely.
    let x = try NPY.read(from: directory.appendingPathComponent("x.npy")).tensor()
    let shifted = Tensor(x.floats.map { $0 * 40 + 100 }, shape: x.shape)
    try NPY.write(shifted, to: directory.appendingPathComponent("x.npy"))
    let fit = try dcrl(quickFit(directory, out: "run", ["--scale", "minmax"]))
    #expect(fit.status == 0, "\(fit.error)")
    let checkpoint = directory.appendingPathComponent("run/checkpoint/checkpoint.safetensors")
    let resumed = try dcrl([
      "resume", "--checkpoint", checkpoint.path, "--input",
      directory.appendingPathComponent("x.npy").path, "--threads", "1", "--out",
      directory.appendingPathComponent("elsewhere").path,
    ])
    #expect(resumed.status == 0, "\(resumed.error)")
    func labels(_ run: String) throws -> [Int] {
      try NPY.read(from: directory.appendingPathComponent("\(run)/labels.npy")).labels()
    }
    #expect(try labels("elsewhere") == labels("run"))
    let scaling = { (run: String) in
      FileManager.default.contents(
        atPath: directory.appendingPathComponent("\(run)/model/preprocessing.json").path)
    }
    #expect(scaling("elsewhere") != nil && scaling("elsewhere") == scaling("run"))
    // One value changed: not the data the run started with.
    var values = shifted.floats
    values[17] += 1
    try NPY.write(
      Tensor(values, shape: x.shape), to: directory.appendingPathComponent("other.npy"))
    let other = try dcrl([
      "resume", "--checkpoint", checkpoint.path, "--input",
      directory.appendingPathComponent("other.npy").path, "--out",
      directory.appendingPathComponent("third").path,
    ])
    #expect(other.status == 1)
    #expect(other.error.contains("is not the data this run started with"), "\(other.error)")
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("third").path))
  }

  @Test("C7 a run of an earlier dcrl resumes with its folder's files, said on stderr; else E")
  func earlierRun() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try dcrl(quickFit(directory, out: "run", ["--scale", "minmax"])).status == 0)
    let run = directory.appendingPathComponent("run")
    let checkpoint = run.appendingPathComponent("checkpoint/checkpoint.safetensors")
    func resume(_ out: String) throws -> (status: Int32, output: String, error: String) {
      try dcrl([
        "resume", "--checkpoint", checkpoint.path, "--input",
        directory.appendingPathComponent("x.npy").path, "--threads", "1", "--out",
        directory.appendingPathComponent(out).path,
      ])
    }
    // Neither the record nor the files an earlier dcrl wrote: the missing record is named.
    try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoint/run.json"))
    let missing = try resume("first")
    #expect(missing.status == 1 && missing.error.contains("run.json cannot be read"))
    // An earlier dcrl's layout: configuration.json and preprocessing.json in the run folder.
    for name in ["configuration.json", "preprocessing.json"] {
      try FileManager.default.copyItem(
        at: run.appendingPathComponent("model/\(name)"), to: run.appendingPathComponent(name))
    }
    let resumed = try resume("second")
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(resumed.error.contains("a run of an earlier dcrl"), "\(resumed.error)")
    let labels = { (run: String) in
      try NPY.read(from: directory.appendingPathComponent("\(run)/labels.npy")).labels()
    }
    #expect(try labels("second") == labels("run"))
  }

  @Test("C7 a model folder without preprocessing.json is reported, not used unscaled")
  func missingScaling() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try dcrl(quickFit(directory, out: "run", ["--scale", "standard"])).status == 0)
    let model = directory.appendingPathComponent("run/model")
    for file in ["preprocessing.json", "input.json", "model.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path))
    }
    try FileManager.default.removeItem(at: model.appendingPathComponent("preprocessing.json"))
    for command in ["predict", "embed"] {
      let result = try dcrl([
        command, "--model", model.path, "--input", directory.appendingPathComponent("x.npy").path,
        "--out", directory.appendingPathComponent("\(command).npy").path,
      ])
      #expect(result.status == 1)
      #expect(result.error.contains("preprocessing.json is missing"), "\(result.error)")
      #expect(
        !FileManager.default.fileExists(
          atPath: directory.appendingPathComponent("\(command).npy").path))
    }
  }
}
