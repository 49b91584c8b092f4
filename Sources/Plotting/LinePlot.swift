// LinePlot: named series as anti-aliased polylines, for training curves.

/// A line plot of one or more named series (training curves: loss, ACC, NMI per epoch),
/// rendered to an ``RGBAImage`` with axes, ticks, a legend and a title.
///
/// Series `k` gets ``Color/category(_:)`` `k`. With ``logY`` the y axis is logarithmic (base
/// 10) and non-positive values are skipped; non-finite values are always skipped, splitting
/// the line.
public struct LinePlot: Sendable {
  /// One named series.
  public struct Series: Sendable {
    /// The legend name.
    public var name: String
    /// The x values.
    public var x: [Double]
    /// The y values.
    public var y: [Double]
  }

  /// The title above the plot.
  public var title: String
  /// The x-axis label.
  public var xLabel = ""
  /// The y-axis label.
  public var yLabel = ""
  /// Whether the y axis is logarithmic.
  public var logY = false
  /// The stroke width in pixels at scale 1.
  public var lineWidth = 1.5
  /// The series added so far.
  public private(set) var series: [Series] = []

  /// Creates an empty plot.
  public init(title: String = "") {
    self.title = title
  }

  /// Adds a series.
  ///
  /// - Precondition: `x` and `y` have equal counts.
  public mutating func add(name: String, x: [Double], y: [Double]) {
    precondition(x.count == y.count, "LinePlot.add: \(x.count) x values, \(y.count) y values")
    series.append(Series(name: name, x: x, y: y))
  }

  /// Adds a series plotted against x = 1, 2, 3 and so on.
  public mutating func add(name: String, y: [Double]) {
    add(name: name, x: (1...max(1, y.count)).prefix(y.count).map(Double.init), y: y)
  }

  /// Draws the plot.
  ///
  /// - Parameters:
  ///   - width: The image width in pixels.
  ///   - height: The image height in pixels.
  /// - Returns: An opaque image.
  public func render(width: Int = 1000, height: Int = 700) -> RGBAImage {
    func usable(_ x: Double, _ y: Double) -> Bool { x.isFinite && y.isFinite && (!logY || y > 0) }
    let points = series.flatMap { s in zip(s.x, s.y).filter { usable($0.0, $0.1) } }
    let xRange = points.isEmpty ? (0.0, 1.0) : (points.map(\.0).min()!, points.map(\.0).max()!)
    let yRange =
      points.isEmpty
      ? (logY ? (1.0, 10.0) : (0.0, 1.0)) : (points.map(\.1).min()!, points.map(\.1).max()!)
    let legend = series.enumerated().map {
      LegendEntry(name: $0.element.name, color: .category($0.offset), isLine: true)
    }
    let frame = PlotFrame(
      width: width, height: height, xRange: xRange, yRange: yRange, logY: logY, title: title,
      hasXLabel: !xLabel.isEmpty, hasYLabel: !yLabel.isEmpty, legend: legend)
    var image = RGBAImage(width: width, height: height)
    frame.drawDecorations(
      into: &image, title: title, xLabel: xLabel, yLabel: yLabel, legend: legend, legendTitle: "")
    for (index, s) in series.enumerated() {
      var run: [(x: Double, y: Double)] = []
      for (x, y) in zip(s.x, s.y) {
        if usable(x, y) {
          run.append(frame.pixel(x, y))
        } else {
          image.strokePolyline(run, width: lineWidth * Double(frame.scale), color: .category(index))
          run = []
        }
      }
      image.strokePolyline(run, width: lineWidth * Double(frame.scale), color: .category(index))
    }
    return image
  }
}
