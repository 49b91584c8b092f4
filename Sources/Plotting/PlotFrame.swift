// PlotFrame: the data-to-pixel mapping of a plot, with nice ticks, grid, axes, title and legend.

import Foundation

/// Tick positions covering `[low, high]` with the smallest step of 1, 2 or 5 × 10ᵏ that gives
/// at most `target + 2` ticks (the classic "nice numbers" rule).
func niceTicks(low: Double, high: Double, target: Int = 6) -> (ticks: [Double], step: Double) {
  guard high > low, low.isFinite, high.isFinite else { return ([low], 1) }
  let rough = (high - low) / Double(max(1, target))
  let magnitude = pow(10, (log10(rough)).rounded(.down))
  let step =
    [1.0, 2, 5, 10, 20].map { $0 * magnitude }.first { (high - low) / $0 <= Double(target + 2) }
    ?? 20 * magnitude
  var ticks: [Double] = []
  var value = (low / step).rounded(.up) * step
  while value <= high + step * 1e-9 {
    ticks.append(abs(value) < step * 1e-9 ? 0 : value)
    value += step
  }
  return (ticks, step)
}

/// A tick label with just enough decimals for `step`.
func tickLabel(_ value: Double, step: Double) -> String {
  if abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) { return String(format: "%.0e", value) }
  let decimals = max(0, Int((-log10(step)).rounded(.up)))
  return String(format: "%.\(decimals)f", value)
}

/// The y ticks of a plot: nice ticks on a linear axis; on a log axis (`low`, `high` in log10
/// units) whole powers of ten, labelled `1e<k>`, or nice ticks labelled with their values when
/// the range holds fewer than two powers of ten.
func yTickMarks(low: Double, high: Double, logY: Bool) -> [(position: Double, label: String)] {
  let nice = niceTicks(low: low, high: high)
  guard logY else { return nice.ticks.map { ($0, tickLabel($0, step: nice.step)) } }
  if nice.step >= 1 { return nice.ticks.map { ($0, "1e\(Int($0.rounded()))") } }
  let first = Int(low.rounded(.up))
  let last = Int(high.rounded(.down))
  if last > first { return (first...last).map { (Double($0), "1e\($0)") } }
  return nice.ticks.map { tick in
    let value = pow(10, tick)
    return (tick, tickLabel(value, step: value * (pow(10, nice.step) - 1)))
  }
}

/// One legend row: a name and how its marker is drawn.
struct LegendEntry {
  let name: String
  let color: Color
  let isLine: Bool
}

/// The plotting area of an image and the affine (or log-y) map from data to pixels.
struct PlotFrame {
  let width: Int
  let height: Int
  let scale: Int
  let left: Int
  let top: Int
  let right: Int
  let bottom: Int
  let xRange: (Double, Double)
  let yRange: (Double, Double)
  let logY: Bool

  /// Lays out a plot of `width × height` pixels around data ranges that are padded by 4%.
  init(
    width: Int, height: Int, xRange: (Double, Double), yRange: (Double, Double), logY: Bool,
    title: String, hasXLabel: Bool, hasYLabel: Bool, legend: [LegendEntry]
  ) {
    self.width = width
    self.height = height
    scale = max(1, min(width, height) / 400)
    self.logY = logY
    func padded(_ range: (Double, Double)) -> (Double, Double) {
      let span = range.1 - range.0
      // A constant series gets ±10 % of its value (±1 around 0), so a constant ACC of 1.0 is
      // drawn on 0.9–1.1 rather than on an axis that runs to 2.
      let pad = span > 0 ? 0.04 * span : (range.0 != 0 ? abs(range.0) * 0.1 : 1)
      return (range.0 - pad, range.1 + pad)
    }
    self.xRange = padded(xRange)
    let yData = logY ? (log10(yRange.0), log10(yRange.1)) : yRange
    self.yRange = padded(yData)
    let cell = BitmapFont.cellWidth * scale
    let widest =
      yTickMarks(low: self.yRange.0, high: self.yRange.1, logY: logY).map(\.label.count).max()
      ?? 1
    left = 10 * scale + widest * cell + (hasYLabel ? 14 * scale : 0) + 6 * scale
    top = (title.isEmpty ? 10 : 24) * scale + (title.isEmpty ? 0 : 7 * (scale + 1))
    bottom = height - (20 * scale + (hasXLabel ? 14 * scale : 0))
    let legendWidth =
      legend.isEmpty ? 0 : ((legend.map(\.name.count).max() ?? 0) + 4) * cell + 10 * scale
    right = width - 12 * scale - legendWidth
  }

  /// The pixel position of data point `(x, y)`.
  func pixel(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
    let yValue = logY ? log10(y) : y
    let px = Double(left) + (x - xRange.0) / (xRange.1 - xRange.0) * Double(right - left)
    let py = Double(bottom) - (yValue - yRange.0) / (yRange.1 - yRange.0) * Double(bottom - top)
    return (px, py)
  }

  /// Draws the grid, the frame, ticks with labels, axis labels, the title and the legend.
  func drawDecorations(
    into image: inout RGBAImage, title: String, xLabel: String, yLabel: String,
    legend: [LegendEntry], legendTitle: String
  ) {
    let s = scale
    let xTicks = niceTicks(low: xRange.0, high: xRange.1)
    for tick in xTicks.ticks {
      let x = Int(pixel(tick, logY ? pow(10, yRange.0) : yRange.0).x)
      image.fillRectangle(x0: x, y0: top, x1: x + 1, y1: bottom, color: .grid)
      image.fillRectangle(x0: x, y0: bottom, x1: x + 1, y1: bottom + 4 * s, color: .axis)
      image.drawText(
        tickLabel(tick, step: xTicks.step), x: x, y: bottom + 6 * s, scale: s, anchor: .topCenter)
    }
    for (tick, label) in yTickMarks(low: yRange.0, high: yRange.1, logY: logY) {
      let y = Int(Double(bottom) - (tick - yRange.0) / (yRange.1 - yRange.0) * Double(bottom - top))
      image.fillRectangle(x0: left, y0: y, x1: right, y1: y + 1, color: .grid)
      image.fillRectangle(x0: left - 4 * s, y0: y, x1: left, y1: y + 1, color: .axis)
      image.drawText(label, x: left - 6 * s, y: y, scale: s, anchor: .centerRight)
    }
    // The frame.
    image.fillRectangle(x0: left, y0: top, x1: right + 1, y1: top + 1, color: .axis)
    image.fillRectangle(x0: left, y0: bottom, x1: right + 1, y1: bottom + 1, color: .axis)
    image.fillRectangle(x0: left, y0: top, x1: left + 1, y1: bottom + 1, color: .axis)
    image.fillRectangle(x0: right, y0: top, x1: right + 1, y1: bottom + 1, color: .axis)
    if !title.isEmpty {
      image.drawText(title, x: (left + right) / 2, y: 10 * s, scale: s + 1, anchor: .topCenter)
    }
    if !xLabel.isEmpty {
      image.drawText(
        xLabel, x: (left + right) / 2, y: bottom + 18 * s, scale: s, anchor: .topCenter)
    }
    if !yLabel.isEmpty {
      image.drawText(
        yLabel, x: 4 * s, y: (top + bottom) / 2, scale: s, anchor: .centerLeft, vertical: true)
    }
    guard !legend.isEmpty else { return }
    let x = right + 12 * s
    var y = top
    if !legendTitle.isEmpty {
      image.drawText(legendTitle, x: x, y: y, scale: s)
      y += 12 * s
    }
    for entry in legend {
      let middle = Double(y) + 3.5 * Double(s)
      if entry.isLine {
        image.strokePolyline(
          [(Double(x), middle), (Double(x + 10 * s), middle)], width: Double(s) * 1.5,
          color: entry.color)
      } else {
        image.fillCircle(
          cx: Double(x) + 4 * Double(s), cy: middle, radius: 3.5 * Double(s), color: entry.color)
      }
      image.drawText(entry.name, x: x + 14 * s, y: y, scale: s)
      y += 11 * s
    }
  }
}
