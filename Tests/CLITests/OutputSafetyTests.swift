// Nothing the user already has is replaced unless they pass --force: run folders, output files,
// inputs; and a fit that fails leaves no half-written folder (RELIABILITY C4).

import Datasets
import Foundation
import Tensor
import Testing

/// A quick `dcrl fit` of the five-blob fixture into `out` (a path inside `directory`).
func quickFit(_ directory: URL, out: String, _ extra: [String] = []) -> [String] {
  [
    "fit", "--input", directory.appendingPathComponent("x.npy").path, "--clusters", "5",
    "--epochs", "3", "--pretrain-epochs", "5", "--hidden", "16", "--latent", "3", "--init",
    "kmeans", "--threads", "1", "--out", directory.appendingPathComponent(out).path,
  ] + extra
}

/// Every file under `folder`, by path relative to it, with its bytes.
func folderContents(_ folder: URL) -> [String: Data] {
  var contents: [String: Data] = [:]
  let enumerator = FileManager.default.enumerator(atPath: folder.path)
  while let name = enumerator?.nextObject() as? String {
    let url = folder.appendingPathComponent(name)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      contents[name] = FileManager.default.contents(atPath: url.path)
    }
  }
  return contents
}

@Suite("dcrl never destroys the user's files", .serialized)
struct OutputSafetyTests {
  @Test("C4 fit refuses a folder holding a previous run or the user's files unless --force")
  func existingRunFolder() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try dcrl(quickFit(directory, out: "run"))
    #expect(first.status == 0, "\(first.error)")
    let run = directory.appendingPathComponent("run")
    let before = folderContents(run)
    #expect(before["model/model.safetensors"] != nil && before["epochs.csv"] != nil)
    // Another fit into the run folder (with other settings) is refused and changes nothing.
    let again = try dcrl(quickFit(directory, out: "run", ["--seed", "7"]))
    #expect(again.status == 2)
    #expect(again.error.contains("already holds files") && again.error.contains("--force"))
    #expect(!again.output.contains("pretraining"))
    #expect(folderContents(run) == before)
    // A folder with a file of the user's named like an output.
    let mine = directory.appendingPathComponent("mine")
    try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
    try Data("my labels".utf8).write(to: mine.appendingPathComponent("labels.npy"))
    let refused = try dcrl(quickFit(directory, out: "mine"))
    #expect(refused.status == 2, "\(refused.error)")
    #expect(folderContents(mine) == ["labels.npy": Data("my labels".utf8)])
    // With --force the previous run is replaced.
    let forced = try dcrl(quickFit(directory, out: "run", ["--seed", "7", "--force"]))
    #expect(forced.status == 0, "\(forced.error)")
    #expect(folderContents(run)["model/model.safetensors"] != before["model/model.safetensors"])
    // An empty folder is as good as a new one.
    let empty = directory.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    #expect(try dcrl(quickFit(directory, out: "empty")).status == 0)
  }

  @Test("C4 a fit that fails leaves no folder behind and an existing run as it was")
  func failedFit() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let empty = directory.appendingPathComponent("zero.npy")
    try NPY.write(Tensor([Float](), shape: [0, 12]), to: empty)
    let run = directory.appendingPathComponent("new/run")
    for extra in [["--clusters", "1000000"], ["--input", empty.path]] {
      let result = try dcrl(quickFit(directory, out: "new/run", extra))
      #expect(result.status != 0 && !result.error.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: run.path), "\(extra) left \(run.path)")
      #expect(
        !FileManager.default.fileExists(atPath: directory.appendingPathComponent("new").path))
    }
    // Failing into a previous run, even with --force, leaves it as it was: a flag the input
    // cannot satisfy, or a training that diverges (values near Float's limit overflow the loss).
    #expect(try dcrl(quickFit(directory, out: "run")).status == 0)
    let previous = directory.appendingPathComponent("run")
    try Data("notes".utf8).write(to: previous.appendingPathComponent("notes.txt"))
    let before = folderContents(previous)
    let failed = try dcrl(quickFit(directory, out: "run", ["--clusters", "1000000", "--force"]))
    #expect(failed.status == 2 && failed.error.contains("--clusters"), "\(failed.error)")
    #expect(folderContents(previous) == before)
    let x = try NPY.read(from: directory.appendingPathComponent("x.npy")).tensor()
    let huge = directory.appendingPathComponent("huge.npy")
    try NPY.write(Tensor(x.floats.map { $0 * 1e19 }, shape: x.shape), to: huge)
    let diverged = try dcrl(quickFit(directory, out: "run", ["--input", huge.path, "--force"]))
    #expect(diverged.status == 1 && diverged.error.contains("non-finite"), "\(diverged.error)")
    #expect(folderContents(previous) == before)
    // Not even --force lets a run write over one of its inputs.
    let labels = previous.appendingPathComponent("labels.npy").path
    let onInput = try dcrl(quickFit(directory, out: "run", ["--labels", labels, "--force"]))
    #expect(onInput.status == 2 && onInput.error.contains("is where the run writes its labels.npy"))
    #expect(folderContents(previous) == before)
  }

  @Test("C4 predict, embed and plot never write over an input, a model or an existing file")
  func singleFileOutputs() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try dcrl(quickFit(directory, out: "run")).status == 0)
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    let inputs = folderContents(directory)
    let model = path("run/model")
    let cases: [([String], String)] = [
      (["predict", "--model", model, "--input", path("x.npy"), "--out", path("x.npy")], "--input"),
      (
        [
          "predict", "--model", model, "--input", path("x.npy"), "--labels", path("y.npy"),
          "--out", path("y.npy"),
        ], "--labels"
      ),
      (
        [
          "embed", "--model", model, "--input", path("x.npy"), "--out",
          path("run/model/model.safetensors"),
        ], "--model"
      ),
      (
        ["embed", "--model", model, "--input", path("x.npy"), "--out", path("run/latent.npy")],
        "already exists"
      ),
      (["plot", "--input", path("x.npy"), "--out", path("x.npy")], "--input"),
      (
        ["plot", "--input", path("run/latent.npy"), "--method", "none", "--out", path("y.npy")],
        "already exists"
      ),
      (["plot", "--curves", path("run/epochs.csv"), "--out", path("run/epochs.csv")], "--curves"),
    ]
    for (arguments, expected) in cases {
      let result = try dcrl(arguments)
      #expect(result.status == 2, "\(arguments): \(result.error)")
      #expect(result.error.contains(expected), "\(arguments): \(result.error)")
      #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
    }
    #expect(folderContents(directory) == inputs, "an input or output changed")
    // --force replaces an earlier output, but never an input.
    let first = try dcrl(["embed", "--model", model, "--input", path("x.npy"), "--out", path("z")])
    #expect(first.status == 0, "\(first.error)")
    let forced = try dcrl([
      "embed", "--model", model, "--input", path("x.npy"), "--out", path("z"), "--force",
    ])
    #expect(forced.status == 0, "\(forced.error)")
    let onInput = try dcrl([
      "predict", "--model", model, "--input", path("x.npy"), "--out", path("x.npy"), "--force",
    ])
    #expect(onInput.status == 2)
    #expect(FileManager.default.contents(atPath: path("x.npy")) == inputs["x.npy"])
  }

  @Test("C4 predict without --out is refused unless --labels asks for the scores only")
  func predictWithoutOut() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try dcrl(quickFit(directory, out: "run")).status == 0)
    let model = directory.appendingPathComponent("run/model").path
    let x = directory.appendingPathComponent("x.npy").path
    let silent = try dcrl(["predict", "--model", model, "--input", x])
    #expect(silent.status == 2 && silent.error.contains("--out is required"), "\(silent.error)")
    let scores = try dcrl([
      "predict", "--model", model, "--input", x, "--labels",
      directory.appendingPathComponent("y.npy").path,
    ])
    #expect(scores.status == 0 && scores.output.contains("ACC "), "\(scores.error)")
  }
}
