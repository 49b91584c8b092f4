// ScatterPlot: points coloured by integer label, with axes, ticks, a legend and a title.

/// A scatter plot of labelled points, rendered to an ``RGBAImage``.
///
/// Each label gets a fixed colour from ``Color/categorical`` (label `k` → colour `k`), so plots
/// of the same data are comparable. Points are anti-aliased discs whose radius and opacity
/// shrink with the number of points, so that 70 000 points still show their density. Points
/// are drawn in a fixed pseudo-random order, so no class is systematically painted over
/// another. Non-finite points are skipped.
///
/// ```swift
/// var plot = ScatterPlot(title: "t-SNE of MNIST")
/// plot.add(x: xs, y: ys, labels: labels)
/// try plot.render(width: 1200, height: 1000).writePNG(to: "tsne.png")
/// ```
public struct ScatterPlot: Sendable {
  /// The title above the plot.
  public var title: String
  /// The x-axis label.
  public var xLabel = ""
  /// The y-axis label.
  public var yLabel = ""
  /// The legend's heading.
  public var legendTitle = "label"
  /// Legend names per label; labels without a name show their number.
  public var labelNames: [Int: String] = [:]
  /// The disc radius in pixels; `nil` picks one from the number of points.
  public var pointRadius: Double?
  /// The disc opacity in (0, 1]; `nil` picks one from the number of points.
  public var opacity: Double?
  /// The points added so far.
  public private(set) var xs: [Double] = []
  /// The points added so far.
  public private(set) var ys: [Double] = []
  /// The label of each point.
  public private(set) var labels: [Int] = []

  /// Creates an empty plot.
  public init(title: String = "") {
    self.title = title
  }

  /// Adds points; without labels they all get label 0.
  ///
  /// - Precondition: `x`, `y` (and `labels`, when given) have equal counts.
  public mutating func add(x: [Double], y: [Double], labels: [Int]? = nil) {
    precondition(x.count == y.count, "ScatterPlot.add: \(x.count) x values, \(y.count) y values")
    precondition(labels == nil || labels!.count == x.count, "ScatterPlot.add: label count differs")
    xs += x
    ys += y
    self.labels += labels ?? [Int](repeating: 0, count: x.count)
  }

  /// Draws the plot.
  ///
  /// - Parameters:
  ///   - width: The image width in pixels.
  ///   - height: The image height in pixels.
  /// - Returns: An opaque image.
  /// - Complexity: O(points · radius² + width · height).
  public func render(width: Int = 1000, height: Int = 800) -> RGBAImage {
    let finite = xs.indices.filter { xs[$0].isFinite && ys[$0].isFinite }
    let xRange =
      finite.isEmpty ? (0.0, 1.0) : (finite.map { xs[$0] }.min()!, finite.map { xs[$0] }.max()!)
    let yRange =
      finite.isEmpty ? (0.0, 1.0) : (finite.map { ys[$0] }.min()!, finite.map { ys[$0] }.max()!)
    let distinct = Array(Set(labels)).sorted()
    let legend =
      distinct.count > 1 || !labelNames.isEmpty
      ? distinct.map {
        LegendEntry(name: labelNames[$0] ?? "\($0)", color: .category($0), isLine: false)
      }
      : []
    let frame = PlotFrame(
      width: width, height: height, xRange: xRange, yRange: yRange, logY: false, title: title,
      hasXLabel: !xLabel.isEmpty, hasYLabel: !yLabel.isEmpty, legend: legend)
    var image = RGBAImage(width: width, height: height)
    frame.drawDecorations(
      into: &image, title: title, xLabel: xLabel, yLabel: yLabel, legend: legend,
      legendTitle: legend.isEmpty ? "" : legendTitle)
    let count = finite.count
    let radius =
      pointRadius ?? (count <= 2000 ? 3.0 : count <= 20000 ? 2.0 : 1.4) * Double(frame.scale) / 2
      + 0.5
    let alpha = opacity ?? (count <= 2000 ? 0.9 : count <= 20000 ? 0.7 : 0.5)
    // A fixed pseudo-random drawing order (multiplicative hashing of the index).
    let order = finite.sorted {
      ($0 &* 2_654_435_761) % 4_294_967_291 < ($1 &* 2_654_435_761) % 4_294_967_291
    }
    for index in order {
      let (px, py) = frame.pixel(xs[index], ys[index])
      var color = Color.category(labels[index])
      color.alpha = UInt8((alpha * 255).rounded())
      image.fillCircle(cx: px, cy: py, radius: radius, color: color)
    }
    return image
  }
}
