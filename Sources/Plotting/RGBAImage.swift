// RGBAImage: an 8-bit RGBA raster with anti-aliased drawing primitives and PNG output.

import Foundation

/// An sRGB colour with straight (non-premultiplied) alpha.
public struct Color: Sendable, Hashable, Codable {
  /// The red channel, 0–255.
  public var red: UInt8
  /// The green channel, 0–255.
  public var green: UInt8
  /// The blue channel, 0–255.
  public var blue: UInt8
  /// The opacity, 0 (transparent) to 255 (opaque).
  public var alpha: UInt8

  /// Creates a colour from its channels.
  public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
    self.red = red
    self.green = green
    self.blue = blue
    self.alpha = alpha
  }

  /// Creates an opaque colour from a `0xRRGGBB` value.
  public init(hex: UInt32) {
    self.init(
      red: UInt8(truncatingIfNeeded: hex >> 16), green: UInt8(truncatingIfNeeded: hex >> 8),
      blue: UInt8(truncatingIfNeeded: hex))
  }

  /// White.
  public static let white = Color(hex: 0xFFFFFF)
  /// Black.
  public static let black = Color(hex: 0x000000)
  /// The dark grey used for axes and text.
  public static let axis = Color(hex: 0x333333)
  /// The light grey used for grid lines.
  public static let grid = Color(hex: 0xE6E6E6)

  /// The fixed categorical palette: ten colours that stay distinguishable (the "tab10" hues
  /// common to plotting libraries), then ten lighter variants.
  public static let categorical: [Color] = [
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22,
    0x17BECF, 0xAEC7E8, 0xFFBB78, 0x98DF8A, 0xFF9896, 0xC5B0D5, 0xC49C94, 0xF7B6D2, 0xC7C7C7,
    0xDBDB8D, 0x9EDAE5,
  ].map { Color(hex: $0) }

  /// The palette colour for category `index` (cycling after 20).
  public static func category(_ index: Int) -> Color {
    categorical[((index % categorical.count) + categorical.count) % categorical.count]
  }
}

/// A raster of 8-bit RGBA pixels, row-major, top row first.
///
/// Drawing composites with "source over" blending, and shapes are anti-aliased by their exact
/// pixel coverage (a pixel is covered in proportion to how far inside the shape its centre
/// lies, clamped to one pixel of falloff).
public struct RGBAImage: Sendable, Hashable {
  /// Pixels per row.
  public let width: Int
  /// Rows.
  public let height: Int
  /// `width · height · 4` bytes: red, green, blue, alpha per pixel.
  public private(set) var pixels: [UInt8]

  /// Creates an image filled with `background`.
  ///
  /// - Precondition: both sides are at least 1.
  public init(width: Int, height: Int, background: Color = .white) {
    precondition(
      width > 0 && height > 0, "RGBAImage: sides must be positive, got \(width)×\(height)")
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 4)
    for index in 0..<(width * height) {
      pixels[4 * index] = background.red
      pixels[4 * index + 1] = background.green
      pixels[4 * index + 2] = background.blue
      pixels[4 * index + 3] = background.alpha
    }
  }

  /// The colour of pixel `(x, y)`.
  public subscript(x: Int, y: Int) -> Color {
    let index = 4 * (y * width + x)
    return Color(
      red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2],
      alpha: pixels[index + 3])
  }

  /// Blends `color` into pixel `(x, y)` with extra opacity `coverage` in [0, 1]; pixels outside
  /// the image are ignored.
  public mutating func blend(x: Int, y: Int, color: Color, coverage: Double = 1) {
    guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
    let a = min(1, coverage) * Double(color.alpha) / 255
    let index = 4 * (y * width + x)
    let destinationAlpha = Double(pixels[index + 3]) / 255
    let outAlpha = a + destinationAlpha * (1 - a)
    guard outAlpha > 0 else { return }
    for (channel, value) in [color.red, color.green, color.blue].enumerated() {
      let blended =
        (Double(value) * a + Double(pixels[index + channel]) * destinationAlpha * (1 - a))
        / outAlpha
      pixels[index + channel] = UInt8(max(0, min(255, blended.rounded())))
    }
    pixels[index + 3] = UInt8(max(0, min(255, (outAlpha * 255).rounded())))
  }

  /// Fills the axis-aligned rectangle `[x0, x1) × [y0, y1)` (pixel units).
  public mutating func fillRectangle(x0: Int, y0: Int, x1: Int, y1: Int, color: Color) {
    for y in max(0, y0)..<max(max(0, y0), min(height, y1)) {
      for x in max(0, x0)..<max(max(0, x0), min(width, x1)) { blend(x: x, y: y, color: color) }
    }
  }

  /// Fills an anti-aliased disc centred at `(cx, cy)` (pixel coordinates, pixel centres at
  /// half-integers).
  public mutating func fillCircle(cx: Double, cy: Double, radius: Double, color: Color) {
    let (x0, x1) = (Int((cx - radius - 1).rounded(.down)), Int((cx + radius + 1).rounded(.up)))
    let (y0, y1) = (Int((cy - radius - 1).rounded(.down)), Int((cy + radius + 1).rounded(.up)))
    for y in y0...y1 {
      for x in x0...x1 {
        let (dx, dy) = (Double(x) + 0.5 - cx, Double(y) + 0.5 - cy)
        let coverage = min(1, max(0, radius + 0.5 - (dx * dx + dy * dy).squareRoot()))
        blend(x: x, y: y, color: color, coverage: coverage)
      }
    }
  }

  /// Draws an anti-aliased polyline of the given stroke width through `points`.
  ///
  /// Coverage is accumulated as the maximum over segments before blending once, so joints
  /// are not darkened by overlapping segments.
  public mutating func strokePolyline(
    _ points: [(x: Double, y: Double)], width lineWidth: Double, color: Color
  ) {
    guard !points.isEmpty else { return }
    let half = lineWidth / 2
    var coverage: [Int: Double] = [:]
    let segments =
      points.count == 1 ? [(points[0], points[0])] : Array(zip(points, points.dropFirst()))
    for (a, b) in segments {
      let (x0, x1) = (
        Int((min(a.x, b.x) - half - 1).rounded(.down)), Int((max(a.x, b.x) + half + 1).rounded(.up))
      )
      let (y0, y1) = (
        Int((min(a.y, b.y) - half - 1).rounded(.down)), Int((max(a.y, b.y) + half + 1).rounded(.up))
      )
      let (ex, ey) = (b.x - a.x, b.y - a.y)
      let length2 = ex * ex + ey * ey
      for y in max(0, y0)...max(max(0, y0), min(height - 1, y1)) {
        for x in max(0, x0)...max(max(0, x0), min(width - 1, x1)) {
          let (px, py) = (Double(x) + 0.5 - a.x, Double(y) + 0.5 - a.y)
          let t = length2 > 0 ? min(1, max(0, (px * ex + py * ey) / length2)) : 0
          let (dx, dy) = (px - t * ex, py - t * ey)
          let value = min(1, max(0, half + 0.5 - (dx * dx + dy * dy).squareRoot()))
          if value > 0 { coverage[y * width + x] = max(coverage[y * width + x] ?? 0, value) }
        }
      }
    }
    for (index, value) in coverage {
      blend(x: index % width, y: index / width, color: color, coverage: value)
    }
  }

  /// The image as PNG bytes (``encodePNG(pixels:width:height:colorType:)``), RGB when every
  /// pixel is opaque and RGBA otherwise.
  public func pngData() throws(PNGError) -> [UInt8] {
    let opaque = stride(from: 3, to: pixels.count, by: 4).allSatisfy { pixels[$0] == 255 }
    if !opaque {
      return try encodePNG(pixels: pixels, width: width, height: height, colorType: .rgba)
    }
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    for index in 0..<(width * height) {
      rgb[3 * index] = pixels[4 * index]
      rgb[3 * index + 1] = pixels[4 * index + 1]
      rgb[3 * index + 2] = pixels[4 * index + 2]
    }
    return try encodePNG(pixels: rgb, width: width, height: height, colorType: .rgb)
  }

  /// Writes the image to `path` as a PNG file.
  ///
  /// - Throws: ``PNGError`` or the file system's error.
  public func writePNG(to path: String) throws {
    try Data(pngData()).write(to: URL(fileURLWithPath: path))
  }
}
