// The published presets cannot drift: `.paper` and `.authorsCode` for every benchmark equal the
// committed settings field for field, and a short seed-0 run of each on a small fixture follows
// its committed trajectory.
//
// Fixtures/preset_pins.json was written by this file itself: run
// `DCRL_RECORD_PRESET_PINS=$PWD/Tests/DCRLTests/Fixtures/preset_pins.json swift test --filter
// PresetPinTests` on a commit whose presets are the published ones (recorded at 6ecc5a6, whose presets and
// loop are those of 15b1c67 when `stabilization` is nil).

import Foundation
import Testing
import _TestSupport

@testable import DCRL

/// The presets the pins cover, by name.
private func pinnedPresets() -> [(name: String, configuration: DCRLConfiguration)] {
  DCRLConfiguration.Benchmark.allCases.flatMap { benchmark in
    [
      ("paper/\(benchmark.rawValue)", DCRLConfiguration.paper(for: benchmark)),
      ("authors-code/\(benchmark.rawValue)", DCRLConfiguration.authorsCode(for: benchmark)),
    ]
  }
}

/// A preset shrunk to run in seconds: only the sizes and lengths change (a 20-unit first layer
/// instead of 500 keeps the debug build fast), every loss, schedule shape and initialisation
/// setting stays the preset's.
private func shrunk(_ preset: DCRLConfiguration) -> DCRLConfiguration {
  var c = preset
  c.hiddenSizes = [20] + Array(repeating: 16, count: preset.hiddenSizes.count - 1)
  c.clusters = 10
  c.epochs = 6
  c.warmUpEpochs = 1
  c.scheduleEnd = 4
  c.batchSize = 128
  c.pretraining.epochs = 2
  c.pretraining.batchSize = 128
  c.seed = 0
  return c
}

/// The per-epoch values a trajectory pins.
private func trajectory(_ model: DCRLModel) -> [[Double]] {
  model.history.map { r in
    [
      r.clustering ?? -1, r.reconstruction ?? -1, r.ranking ?? -1, r.isometry ?? -1,
      r.alignment ?? -1, r.labelChange,
    ]
  }
}

@Suite("Published presets are pinned")
struct PresetPinTests {
  let data = syntheticMixture(perCluster: 30, seed: 4)

  @Test("`.paper` and `.authorsCode` keep every field and their seed-0 trajectories")
  func pinned() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var settings: [String: String] = [:]
    var trajectories: [String: [[Double]]] = [:]
    for (name, preset) in pinnedPresets() {
      settings[name] = String(decoding: try encoder.encode(preset), as: UTF8.self)
    }
    for name in ["paper/mnist-test", "authors-code/usps"] {
      let preset = pinnedPresets().first { $0.name == name }!.configuration
      trajectories[name] = trajectory(try DCRLTrainer(configuration: shrunk(preset)).fit(data.x))
    }
    if let path = ProcessInfo.processInfo.environment["DCRL_RECORD_PRESET_PINS"] {
      let object: [String: Any] = [
        "header": [
          "format_version": 1,
          "generator": "Tests/DCRLTests/PresetPinTests.swift with DCRL_RECORD_PRESET_PINS set",
          "seed": 0,
        ],
        "data": ["settings": settings, "trajectories": trajectories],
      ]
      try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        .write(to: URL(fileURLWithPath: path))
      Issue.record("recorded the pins to \(path); unset DCRL_RECORD_PRESET_PINS to check them")
      return
    }
    let fixture = try loadFixture("preset_pins.json", in: .module)
    let pinnedSettings = try #require(fixture.data["settings"] as? [String: String])
    #expect(Set(pinnedSettings.keys) == Set(settings.keys))
    for (name, json) in settings {
      #expect(pinnedSettings[name] == json, "\(name) changed")
    }
    let pinnedTrajectories = try #require(fixture.data["trajectories"] as? [String: [[Double]]])
    for (name, values) in trajectories {
      let pinned = try #require(pinnedTrajectories[name], "\(name)")
      #expect(pinned.count == values.count, "\(name): \(values.count) epochs")
      for (epoch, (a, b)) in zip(values, pinned).enumerated() {
        for (term, (x, y)) in zip(a, b).enumerated() {
          // float32 training: allow the last digits to move with BLAS threading.
          #expect(abs(x - y) <= 1e-4 + 2e-3 * abs(y), "\(name) epoch \(epoch) term \(term)")
        }
      }
    }
  }
}
