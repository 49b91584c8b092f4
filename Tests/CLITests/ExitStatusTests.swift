// Exit statuses as --help states them (0 success, 1 failure, 2 usage), --version, and
// file-system errors as one line naming the path and what to do (RELIABILITY C8).

import Datasets
import Foundation
import Testing

@Suite("dcrl exit statuses and system errors", .serialized)
struct ExitStatusTests {
  @Test("C8 ACC below --expect-acc exits 1, a usage error 2; --help states them; --version")
  func exitStatuses() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Labels that no clustering matches: ACC far below 0.9.
    let labels = (0..<300).map { ($0 * 7 + $0 / 3) % 5 }
    try NPY.write(labels: labels, to: directory.appendingPathComponent("noise.npy"))
    let failed = try dcrl(
      quickFit(
        directory, out: "run",
        ["--labels", directory.appendingPathComponent("noise.npy").path, "--expect-acc", "0.9"]))
    #expect(failed.status == 1, "\(failed.error)")
    #expect(failed.error.contains("is below --expect-acc 0.9"), "\(failed.error)")
    // The run is complete and kept; only the status reports the missed expectation.
    #expect(
      FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("run/model/model.safetensors").path))
    let usage = try dcrl(quickFit(directory, out: "other", ["--clusters", "ten"]))
    #expect(usage.status == 2)
    for arguments in [["--help"], ["fit", "--help"], ["predict", "--help"]] {
      let help = try dcrl(arguments)
      #expect(help.status == 0)
      #expect(help.output.contains("exit status: 0 success; 1 failure"), "\(arguments)")
      #expect(help.output.contains("2 usage error"), "\(arguments)")
    }
    let version = try dcrl(["--version"])
    #expect(version.status == 0 && version.output.hasPrefix("dcrl "), "\(version.output)")
  }

  @Test("C8 an --out the system refuses is one line naming the path and what to do")
  func systemErrors() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("file")
    try Data("x".utf8).write(to: file)
    var cases: [(String, String)] = [
      (file.path, "is a file; name a folder"),
      (
        directory.appendingPathComponent(String(repeating: "n", count: 300)).path,
        "names are limited to 255 bytes"
      ),
    ]
    #if os(Linux)
      // Not writable even by root.
      cases.append(("/sys/dcrl-\(UUID())", "choose a folder you can write to"))
    #endif
    #expect(try dcrl(quickFit(directory, out: "run")).status == 0)
    for (out, expected) in cases {
      let fit = try dcrl(quickFit(directory, out: "unused", ["--out", out]))
      // predict writes a file: the same name and folder rules, before the model is loaded.
      let predict = try dcrl([
        "predict", "--model", directory.appendingPathComponent("run/model").path, "--input",
        directory.appendingPathComponent("x.npy").path, "--out",
        out == file.path ? directory.path : out + "/p.npy",
      ])
      for result in [fit, predict] {
        #expect(result.status != 0)
        #expect(result.error.split(separator: "\n").count == 1, "\(out): \(result.error)")
        #expect(!result.error.contains("Error Domain"), "\(result.error)")
        #expect(!result.output.contains("wrote"), "\(result.output)")
      }
      #expect(fit.error.contains(expected), "\(out): \(fit.error)")
    }
    let readOnly = try dcrl([
      "predict", "--model", directory.appendingPathComponent("run/model").path, "--input",
      directory.appendingPathComponent("x.npy").path, "--out", "/sys/dcrl-\(UUID()).npy",
    ])
    #if os(Linux)
      #expect(readOnly.status == 2)
      #expect(readOnly.error.contains("cannot write in /sys"), "\(readOnly.error)")
    #endif
  }
}
