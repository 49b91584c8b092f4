// dcrl resume --epochs: training a finished or interrupted run longer under its own schedule.

import Foundation
import Testing

@Suite("dcrl resume --epochs")
struct ResumeEpochsTests {
  @Test(
    "a finished fit continues to --epochs, logging every epoch once; fewer than done is refused")
  func longer() throws {
    let dir = try fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    let fit = try dcrl([
      "fit", "--input", path("x.npy"), "--labels", path("y.npy"), "--epochs", "4",
      "--pretrain-epochs", "5", "--hidden", "32", "--latent", "3", "--init", "kmeans",
      "--threads", "1", "--checkpoint-every", "1", "--out", path("run"),
    ])
    #expect(fit.status == 0, "\(fit.error)")
    let checkpoint = path("run/checkpoint/checkpoint.safetensors")
    let fewer = try dcrl([
      "resume", "--checkpoint", checkpoint, "--input", path("x.npy"), "--epochs", "2",
    ])
    #expect(fewer.status == 2 && fewer.error.contains("below the 4 epochs"), "\(fewer.error)")
    let longer = try dcrl([
      "resume", "--checkpoint", checkpoint, "--input", path("x.npy"), "--epochs", "7",
      "--threads", "1",
    ])
    #expect(longer.status == 0, "\(longer.error)")
    #expect(longer.output.contains("resuming at epoch 4 of 7"), "\(longer.output)")
    let log = try String(contentsOf: dir.appendingPathComponent("run/epochs.csv"), encoding: .utf8)
    let epochs = log.split(separator: "\n").dropFirst().compactMap {
      $0.split(separator: ",").first.flatMap { Int($0) }
    }
    #expect(epochs == Array(0..<7), "\(epochs)")
  }
}
