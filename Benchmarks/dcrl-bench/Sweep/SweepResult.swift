// SweepResult: the stored outcome of one variant on one seed, and the sweep's report over all.

import DCRL
import Foundation
import Metrics
import _CommandLineSupport

/// One variant's final model on one seed, scored against the labels (which it never saw).
struct SweepResult: Codable {
  var variant: String
  var dataset: String
  var seed: Int
  /// ACC, NMI (geometric, arithmetic) and ARI of the final model's labels.
  var accuracy: Double
  var nmiGeometric: Double
  var nmiArithmetic: Double
  var ari: Double
  /// Fine-tuning epochs the final model has completed.
  var epochs: Int
  /// Where the label-change guard ended the run, if it did.
  var guardStop: LabelChangeGuardStop?
  /// The largest label change of an epoch after the warm-up (epochs > T0) in the final history.
  var maxLabelChangeAfterWarmUp: Double
  /// The label change of every epoch, index = epoch.
  var labelChanges: [Double]
  /// Sum of the epochs' seconds, including epochs shared with a branch's base.
  var fineTuningSeconds: Double
  /// The fit's time outside its epochs (centre initialisation), when it started from scratch.
  var initializationSeconds: Double?
  /// This process's wall time for the variant.
  var wallSeconds: Double
  /// "from the start", "branched at epoch N" or "resumed".
  var origin: String
  var finished: String

  init(
    variant: String, dataset: String, seed: Int, model: DCRLModel, truth: [Int], origin: String,
    initializationSeconds: Double?, wallSeconds: Double
  ) throws {
    self.variant = variant
    self.dataset = dataset
    self.seed = seed
    let labels = model.trainingLabels
    accuracy = try clusteringAccuracy(labels, truth)
    nmiGeometric = try normalizedMutualInformation(labels, truth, normalization: .geometric)
    nmiArithmetic = try normalizedMutualInformation(labels, truth, normalization: .arithmetic)
    ari = try adjustedRandIndex(labels, truth)
    epochs = model.history.count
    guardStop = model.labelChangeGuardStop
    labelChanges = model.history.map(\.labelChange)
    maxLabelChangeAfterWarmUp = model.maxLabelChangeAfterWarmUp
    fineTuningSeconds = model.fineTuningSeconds
    self.initializationSeconds = initializationSeconds
    self.wallSeconds = wallSeconds
    self.origin = origin
    finished = ISO8601DateFormatter().string(from: Date())
  }

  static func load(from directory: URL) -> SweepResult? {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent("result.json"))
    else { return nil }
    return try? JSONDecoder().decode(SweepResult.self, from: data)
  }

  /// Writes `epochs.csv` (the columns `dcrl fit` writes) and then `result.json`, atomically.
  func save(to directory: URL, history: [DCRLEpochReport]) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try writeEpochLog(history, to: directory)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(
      to: directory.appendingPathComponent("result.json"), options: .atomic)
  }
}

extension DCRLModel {
  /// The largest label change of an epoch after the warm-up (epochs > T0) in the history.
  var maxLabelChangeAfterWarmUp: Double {
    history.filter { $0.epoch > configuration.warmUpEpochs }.map(\.labelChange).max() ?? 0
  }

  /// The sum of the history's epoch times.
  var fineTuningSeconds: Double { history.reduce(0) { $0 + $1.seconds } }
}

/// Writes `history` to `directory/epochs.csv`, with the columns `dcrl fit` writes.
func writeEpochLog(_ history: [DCRLEpochReport], to directory: URL) throws {
  func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
  var lines = [
    "epoch,alpha,beta,L_C,L_rec,L_rank,L_iso,L_align,label_change,empty_clusters,size_entropy,acc,nmi,seconds"
  ]
  for r in history {
    lines.append(
      [
        "\(r.epoch)", cell(r.weights.alpha), cell(r.weights.beta), cell(r.clustering),
        cell(r.reconstruction), cell(r.ranking), cell(r.isometry), cell(r.alignment),
        cell(r.labelChange), "\(r.emptyClusters)", cell(r.sizeEntropy), cell(r.accuracy),
        cell(r.nmi), cell(r.seconds),
      ].joined(separator: ","))
  }
  try (lines.joined(separator: "\n") + "\n").write(
    to: directory.appendingPathComponent("epochs.csv"), atomically: true, encoding: .utf8)
}

/// Every result of a sweep, as Markdown and JSON.
struct SweepReport {
  var dataset: String
  var seeds: [Int]
  var variants: [String]
  var results: [SweepResult]
  var metadata: RunMetadata
  var threads: Int
  var quick: Bool

  var markdown: String {
    var lines = [
      "# DCRL variants on \(dataset), seeds \(seeds.map(String.init).joined(separator: ", "))\(quick ? " (quick)" : "")",
      "",
      "Final models only; labels score, they enter no decision. Max Δlabels: the largest label",
      "change of an epoch after the warm-up. Fine-tuning s: the sum of the epochs' times",
      "(a branched run counts its base's shared epochs).",
      "",
      "| variant | seed | ACC | NMI | epochs | guard | max Δlabels | fine-tuning s | init s | origin |",
      "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results {
      let guardText =
        r.guardStop.map {
          "fired at \($0.detectedAt) (\(formatted(100 * $0.change, decimals: 2)) %)"
        } ?? "–"
      lines.append(
        "| \(r.variant) | \(r.seed) | \(formatted(r.accuracy, decimals: 4)) | \(formatted(r.nmiGeometric, decimals: 4)) | \(r.epochs) | \(guardText) | \(formatted(100 * r.maxLabelChangeAfterWarmUp, decimals: 2)) % | \(Int(r.fineTuningSeconds)) | \(r.initializationSeconds.map { "\(Int($0))" } ?? "–") | \(r.origin) |"
      )
    }
    lines += ["", "| variant | mean ACC ± sd | mean NMI | seeds |", "|---|---|---|---|"]
    for variant in variants {
      let mine = results.filter { $0.variant == variant }
      let acc = meanAndDeviation(mine.map(\.accuracy))
      let nmi = meanAndDeviation(mine.map(\.nmiGeometric))
      lines.append(
        "| \(variant) | \(formatted(acc.mean, decimals: 3)) ± \(formatted(acc.deviation, decimals: 3)) | \(formatted(nmi.mean, decimals: 3)) | \(mine.count) |"
      )
    }
    lines += ["", "## Run", "", metadata.markdown, "- threads: \(threads)"]
    return lines.joined(separator: "\n") + "\n"
  }

  /// Writes `sweep-<dataset>-<date>.md` and `.json` into `out`.
  func write(to out: URL) throws -> [URL] {
    let (markdownURL, jsonURL) = resultFiles("sweep-\(dataset)", in: out, quick: quick)
    try markdown.write(to: markdownURL, atomically: true, encoding: .utf8)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(results).write(to: jsonURL, options: .atomic)
    return [markdownURL, jsonURL]
  }
}
