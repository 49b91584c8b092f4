// The progress lines of `dcrl fit` (RELIABILITY C3): fine-tuning's time estimate is measured
// from fine-tuning, not from before the pretraining.

import Foundation
import Testing

/// The seconds of a duration as progress lines print it: `12s`, `3m05s` or `1h02m`.
private func durationSeconds(_ text: Substring) -> Double? {
  var total = 0
  var number = 0
  for character in text {
    if let digit = character.wholeNumberValue {
      number = number * 10 + digit
    } else {
      guard let unit = ["h": 3600, "m": 60, "s": 1][character] else { return nil }
      total += number * unit
      number = 0
    }
  }
  return Double(total)
}

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
    // "ETA 0s", "ETA 12s" or "ETA 1m05s": one remaining epoch, a small part of the whole run
    // (counting the pretraining, it was nearly all of it).
    let eta = try #require(first.split(separator: " ").last.flatMap(durationSeconds))
    #expect(seconds > 1, "the pretraining was too short to tell (\(seconds) s)")
    #expect(eta < seconds / 4, "\(first) after \(seconds) s")
  }
}
