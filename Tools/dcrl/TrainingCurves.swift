// TrainingCurves: `dcrl plot --curves epochs.csv` — the loss terms (log scale) and ACC/NMI per
// epoch of a run's CSV log, as two PNGs.

import Foundation
import Plotting
import _CommandLineSupport

/// Where `--curves` writes the ACC/NMI plot beside the loss plot `out`.
func accuracyPlotPath(_ out: String) -> String {
  (out.hasSuffix(".png") ? String(out.dropLast(4)) : out) + "-accuracy.png"
}

/// Writes the loss curves to `out` and, when the log has ACC/NMI, those to `<out>-accuracy.png`;
/// returns the files written.
func writeTrainingCurves(from path: String, to out: String, title: String?) throws -> [String] {
  let log = try EpochLog(contentsOf: path)
  let epochs = log.columns["epoch"]!
  var losses = LinePlot(title: title ?? "loss terms per epoch")
  losses.xLabel = "epoch"
  losses.yLabel = "loss (log scale)"
  losses.logY = true
  for name in ["L_C", "L_rec", "L_rank", "L_iso", "L_align"] {
    if let values = log.columns[name], values.contains(where: \.isFinite) {
      losses.add(name: name, x: epochs, y: values)
    }
  }
  guard !losses.series.isEmpty else {
    throw UsageError("--curves: \(path) has none of the columns L_C, L_rec, L_rank, L_iso, L_align")
  }
  try writeAtomically(Data(try losses.render().pngData()), to: out)
  var written = [out]
  var scores = LinePlot(title: "clustering scores per epoch")
  scores.xLabel = "epoch"
  for (column, name) in [("acc", "ACC"), ("nmi", "NMI")] {
    if let values = log.columns[column], values.contains(where: \.isFinite) {
      scores.add(name: name, x: epochs, y: values)
    }
  }
  if !scores.series.isEmpty {
    try writeAtomically(Data(try scores.render().pngData()), to: accuracyPlotPath(out))
    written.append(accuracyPlotPath(out))
  }
  return written
}
