// TableReports: the five tables as Markdown and JSON — ours (mean ± sd over seeds), the paper's
// value where it is known, and the difference — with the run's metadata.

import DCRL
import Datasets
import Foundation
import _CommandLineSupport

/// Where and how a table run happened.
struct ReportContext {
  var metadata: RunMetadata
  var threads: Int
  var seeds: [Int]
  var preset: String
  var quick: Bool
  var out: URL

  /// Writes `<file stem>-<date>.md` and `.json`; returns their URLs.
  func write(_ report: TableReport) throws -> [URL] {
    let (markdownURL, jsonURL) = resultFiles(report.fileStem, in: out, quick: quick)
    try markdown(report).write(to: markdownURL, atomically: true, encoding: .utf8)
    let object: [String: Any] = [
      "table": report.number, "title": report.title, "columns": report.columns,
      "rows": report.rows.map { ["label": $0.label, "cells": $0.cells] }, "notes": report.notes,
      "cell_seconds": report.cells.mapValues(\.seconds),
      "cell_values": report.cells.mapValues(\.values), "wall_seconds": report.wallSeconds,
      "metadata": [
        "commit": metadata.commit, "toolchain": metadata.toolchain, "cpu": metadata.cpu,
        "date": metadata.date, "environment": metadata.environment, "threads": threads,
        "backend": "cpu (OpenBLAS)", "dtype": "float32", "seeds": seeds, "preset": preset,
        "nmi": "geometric (sklearn 0.21 default) primary; arithmetic also stored", "quick": quick,
        "executable": metadata.executable ?? "unknown",
      ],
    ]
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
      .write(to: jsonURL, options: .atomic)
    return [markdownURL, jsonURL]
  }

  func markdown(_ report: TableReport) -> String { report.markdown(self) }
}

/// One table: column headers, labelled rows of preformatted cells, notes.
struct TableReport {
  var number: Int
  var title: String
  var columns: [String]
  var rows: [(label: String, cells: [String])] = []
  var notes: [String] = []
  /// Every cell of the table by its key (`dataset/method/seed<N>` in Table 1): its wall time and
  /// its scores, both written to the JSON so that reports of different runs can be pooled.
  var cells: [String: CellResult] = [:]
  var wallSeconds = 0.0
  /// The start of the report's file names: `table<N>`, or `table<N>-<dataset>` for a Table 2 or 4
  /// on a dataset other than the paper's.
  var fileStem: String

  init(number: Int, title: String, columns: [String], fileStem: String? = nil) {
    self.number = number
    self.title = title
    self.columns = columns
    self.fileStem = fileStem ?? "table\(number)"
  }

  func markdown(_ context: ReportContext) -> String {
    var lines = ["# Table \(number): \(title)", ""]
    if context.quick {
      lines += ["**Quick mode**: tiny subsets and few epochs; a smoke test, not a result.", ""]
    }
    lines += [
      context.metadata.markdown, "- threads: \(context.threads)",
      "- backend: cpu (OpenBLAS), float32",
      "- seeds: \(context.seeds.map(String.init).joined(separator: ", "))",
      "- preset: \(context.preset) (the shared autoencoder, the baselines and the `dcrl` row,"
        + " labelled DCRL (paper)); a DCRL (recommended) row is"
        + " `DCRLConfiguration.recommended(for:)`",
      "- NMI: geometric normaliser (sklearn 0.21, the authors' version); arithmetic in the JSON",
      "- wall time: \(ProgressReporter.duration(wallSeconds)) (cells reused from the store count as 0)",
      "",
    ]
    lines.append(markdownTable([""] + columns, rows.map { [$0.label] + $0.cells }))
    if !notes.isEmpty { lines += [""] + notes.map { "- " + $0 } }
    if !cells.isEmpty {
      lines += [
        "",
        "Cell wall times (s): "
          + cells.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value.seconds))" }.joined(
            separator: ", "),
      ]
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// `mean ± sd` over seeds (just the mean for one seed), three decimals.
func summary(_ values: [Double]) -> String {
  guard !values.isEmpty else { return "—" }
  let (mean, deviation) = meanAndDeviation(values)
  return values.count > 1 ? "\(formatted(mean)) ± \(formatted(deviation))" : formatted(mean)
}

/// The paper's value and our difference from it.
func paperCell(_ ours: [Double], _ paper: Double?) -> String {
  guard let paper else { return "n/a" }
  guard !ours.isEmpty else { return formatted(paper) }
  let delta = meanAndDeviation(ours).mean - paper
  return "\(formatted(paper)) (\(delta >= 0 ? "+" : "")\(formatted(delta)))"
}

/// The Markdown and JSON files of a result named `name`: `<name>-<date>[-quick].md` and `.json`
/// in `out`, dated today.
func resultFiles(_ name: String, in out: URL, quick: Bool) -> (markdown: URL, json: URL) {
  let formatter = DateFormatter()
  formatter.dateFormat = "yyyy-MM-dd"
  let stem = "\(name)-\(formatter.string(from: Date()))\(quick ? "-quick" : "")"
  return (out.appendingPathComponent(stem + ".md"), out.appendingPathComponent(stem + ".json"))
}
