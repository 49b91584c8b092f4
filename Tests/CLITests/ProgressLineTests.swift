// The progress lines of `dcrl fit` (RELIABILITY C3): fine-tuning's time estimate is measured
// from fine-tuning, not from before the pretraining.

import Foundation
import Testing

@Suite("dcrl progress lines")
struct ProgressLineTests {
  @Test("C3 the first fine-tuning ETA does not count the pretraining's time")
  func firstEstimate() throws {
    let directory = try fixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Pretraining of a few seconds, then two fine-tuning epochs of a few milliseconds each.
    var arguments = quickFit(directory, out: "run")
    arguments[arguments.firstIndex(of: "--pretrain-epochs")! + 1] = "1000"
    arguments[arguments.firstIndex(of: "--epochs")! + 1] = "2"
    let started = Date()
    let result = try dcrl(arguments)
    let seconds = Date().timeIntervalSince(started)
    #expect(result.status == 0, "\(result.error)")
    let first = try #require(
      result.output.split(separator: "\n").first { $0.hasPrefix("fine-tuning 1/2 ") })
    #expect(seconds > 2, "the pretraining was too short to tell (\(seconds) s)")
    #expect(first.hasSuffix(" ETA 0s"), "\(first) after \(seconds) s")
  }
}
