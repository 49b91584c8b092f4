// SweepPlots: per seed, every variant's ACC and label change per epoch in one figure each.

import Foundation
import Plotting
import _CommandLineSupport

extension Sweep {
  /// Writes `sweep-<dataset>-seed<k>-accuracy.png` and `-labelchange.png` into `out` from the
  /// variants' stored epochs.csv logs; returns the files written.
  func writePlots(seed: Int, to out: URL) throws -> [URL] {
    var accuracy = LinePlot(title: "\(dataset), seed \(seed): ACC per epoch (scored, never used)")
    accuracy.xLabel = "epoch"
    accuracy.yLabel = "ACC"
    var change = LinePlot(title: "\(dataset), seed \(seed): labels changed per epoch")
    change.xLabel = "epoch"
    change.yLabel = "fraction changed (log scale)"
    change.logY = true
    for variant in variants {
      let file = folder(seed: seed).appendingPathComponent(variant.name)
        .appendingPathComponent("epochs.csv")
      guard let log = try? EpochLog(contentsOf: file.path),
        let changes = log.columns["label_change"], let scores = log.columns["acc"]
      else { continue }
      let epochs = changes.indices.map(Double.init)
      accuracy.add(name: variant.name, x: epochs, y: scores)
      // Epoch 0 compares with no earlier labels (100 %); the floor keeps log(0) off the plot.
      change.add(
        name: variant.name, x: Array(epochs.dropFirst()),
        y: changes.dropFirst().map { max($0, 1e-5) })
    }
    guard !accuracy.series.isEmpty else { return [] }
    let stem = out.appendingPathComponent("sweep-\(dataset)-seed\(seed)")
    let files = [
      URL(fileURLWithPath: stem.path + "-accuracy.png"),
      URL(fileURLWithPath: stem.path + "-labelchange.png"),
    ]
    try accuracy.render().writePNG(to: files[0].path)
    try change.render().writePNG(to: files[1].path)
    return files
  }
}
