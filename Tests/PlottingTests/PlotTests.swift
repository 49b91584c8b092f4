// Plots: colours land where the data are, text and legends draw, the PNG round-trips.

import Foundation
import Testing

@testable import Plotting

@Suite("Plots")
struct PlotTests {
  @Test("a scatter plot paints each label's colour at its points and in the legend")
  func scatterColours() throws {
    var plot = ScatterPlot(title: "Two clusters")
    plot.xLabel = "x"
    plot.yLabel = "y"
    plot.pointRadius = 6
    plot.opacity = 1
    plot.add(x: [0, 10], y: [0, 10], labels: [0, 3])
    let image = plot.render(width: 500, height: 400)
    let frame = PlotFrame(
      width: 500, height: 400, xRange: (0, 10), yRange: (0, 10), logY: false, title: "Two clusters",
      hasXLabel: true, hasYLabel: true,
      legend: [
        LegendEntry(name: "0", color: .category(0), isLine: false),
        LegendEntry(name: "3", color: .category(3), isLine: false),
      ])
    for (x, y, label) in [(0.0, 0.0, 0), (10.0, 10.0, 3)] {
      let (px, py) = frame.pixel(x, y)
      #expect(image[Int(px), Int(py)] == Color.category(label))
    }
    // Dark text pixels exist in the title band, and the image encodes and decodes.
    let titleBand = (0..<500).flatMap { x in (0..<frame.top).map { y in image[x, y] } }
    #expect(titleBand.contains(Color.axis))
    let decoded = try decodePNG(image.pngData())
    #expect(decoded.channels == 3 && decoded.width == 500 && decoded.height == 400)
  }

  @Test("a constant series is drawn on ±10 % of its value, not on an axis from 0 to 2")
  func constantRange() {
    func frame(_ value: Double) -> PlotFrame {
      PlotFrame(
        width: 400, height: 300, xRange: (0, 5), yRange: (value, value), logY: false, title: "",
        hasXLabel: false, hasYLabel: false, legend: [])
    }
    let one = frame(1).yRange
    #expect(abs(one.0 - 0.9) < 1e-12 && abs(one.1 - 1.1) < 1e-12, "\(one)")
    let zero = frame(0).yRange
    #expect(zero.0 == -1 && zero.1 == 1)
  }

  @Test("accented letters draw as their plain letters; characters without a glyph as ?")
  func accentedText() {
    #expect(BitmapFont.printable("Café Zürich ±1 µm") == "Cafe Zurich ±1 µm")
    #expect(BitmapFont.printable("数据") == "??")
    func drawn(_ text: String) -> RGBAImage {
      var image = RGBAImage(width: 60, height: 12)
      image.drawText(text, x: 1, y: 1, scale: 1)
      return image
    }
    #expect(drawn("Café").pixels == drawn("Cafe").pixels)
    #expect(drawn("Café").pixels != drawn("Caf?").pixels)
  }

  @Test("nice ticks use steps of 1, 2 or 5 × 10^k and cover the range")
  func ticks() {
    #expect(niceTicks(low: 0, high: 10).ticks == [0, 2, 4, 6, 8, 10])
    #expect(niceTicks(low: -85, high: 60).step == 20)
    #expect(niceTicks(low: 0.001, high: 0.0042).step == 0.0005)
    #expect(tickLabel(0.5, step: 0.1) == "0.5")
    #expect(tickLabel(20, step: 10) == "20")
  }

  @Test("text draws one filled square per font pixel, vertical text rotated")
  func text() {
    var image = RGBAImage(width: 20, height: 20)
    image.drawText("I", x: 2, y: 3, scale: 1, color: .black)
    // "I" is 0E 04 04 04 04 04 0E: the top row covers columns 1–3 of the glyph.
    #expect(image[3, 3] == .black && image[4, 3] == .black && image[5, 3] == .black)
    #expect(image[2, 3] == .white && image[4, 4] == .black && image[3, 4] == .white)
    var rotated = RGBAImage(width: 20, height: 20)
    rotated.drawText("-", x: 5, y: 5, scale: 1, color: .black, vertical: true)
    // A horizontal bar becomes a vertical bar.
    let column = (0..<20).filter { y in rotated[8, y] == .black }
    #expect(column.count == 5)
  }

  @Test("a line plot draws each series in its colour, with a log axis")
  func linePlot() throws {
    var plot = LinePlot(title: "loss")
    plot.logY = true
    plot.add(name: "train", y: [1, 0.5, 0.1, 0.05])
    plot.add(name: "test", x: [1, 2, 3, 4], y: [2, 1, .nan, 0.5])
    let image = plot.render(width: 600, height: 400)
    let colours = Set((0..<600).flatMap { x in (0..<400).map { y in image[x, y] } })
    #expect(colours.contains(.category(0)) && colours.contains(.category(1)))
    _ = try decodePNG(image.pngData())
  }

  @Test("log-axis ticks are distinct: whole powers of ten, or values within one decade")
  func logTicks() {
    let wide = yTickMarks(low: -2.1, high: 1.2, logY: true)
    #expect(wide.map(\.label) == ["1e-2", "1e-1", "1e0", "1e1"])
    #expect(wide.map(\.position) == [-2, -1, 0, 1])
    let narrow = yTickMarks(low: log10(1.2), high: log10(3.5), logY: true)
    #expect(narrow.count >= 3 && Set(narrow.map(\.label)).count == narrow.count)
    #expect(narrow.allSatisfy { !$0.label.hasPrefix("1e") })
    let linear = yTickMarks(low: 0, high: 1, logY: false)
    #expect(linear.first?.label == "0.0" && linear.last?.label == "1.0")
  }
}
