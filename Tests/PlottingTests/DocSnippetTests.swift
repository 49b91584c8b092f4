// DocSnippetTests: the code snippet of the Plotting DocC page and ScatterPlot's doc comment.

import Foundation
import Plotting
import Testing

@Suite("Plotting doc snippets")
struct PlottingDocSnippetTests {
  @Test("Plotting.md / ScatterPlot: a labelled scatter plot written as PNG")
  func scatterSnippet() throws {
    let xs = (0..<100).map { Double($0 % 10) + 0.1 * Double($0 / 10) }
    let ys = (0..<100).map { Double($0 / 10) }
    let labels = (0..<100).map { $0 % 3 }
    let path = NSTemporaryDirectory() + "dcrl-plot-snippet-\(getpid()).png"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var plot = ScatterPlot(title: "t-SNE of MNIST")
    plot.add(x: xs, y: ys, labels: labels)
    try plot.render(width: 1200, height: 1000).writePNG(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  }
}
