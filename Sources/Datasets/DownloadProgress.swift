// DownloadProgress: how far one file's download has got, its rate and the time left.

import Foundation

/// A snapshot of one file's download: bytes so far, the total when the server announced it,
/// the rate and the estimated time left.
///
/// ``description`` is a line a program can print as it is, such as
/// `t10k-images-idx3-ubyte.gz: 1.2 MB of 1.6 MB (75%), 3.1 MB/s, 0:01 left`.
public struct DownloadProgress: Sendable, Equatable, CustomStringConvertible {
  /// The file being downloaded.
  public var fileName: String
  /// The address it comes from.
  public var source: URL
  /// The bytes on disk so far, including those of a resumed partial download.
  public var receivedBytes: Int64
  /// The file's full size, when the server said it.
  public var totalBytes: Int64?
  /// The rate of this transfer in bytes per second (0 before the first second's data).
  public var bytesPerSecond: Double

  /// Creates a snapshot.
  ///
  /// - Parameters:
  ///   - fileName: The file being downloaded.
  ///   - source: The address it comes from.
  ///   - receivedBytes: The bytes on disk so far.
  ///   - totalBytes: The full size, when known.
  ///   - bytesPerSecond: The transfer rate.
  public init(
    fileName: String, source: URL, receivedBytes: Int64, totalBytes: Int64?,
    bytesPerSecond: Double
  ) {
    self.fileName = fileName
    self.source = source
    self.receivedBytes = receivedBytes
    self.totalBytes = totalBytes
    self.bytesPerSecond = bytesPerSecond
  }

  /// The fraction done in [0, 1], when the total is known.
  public var fractionCompleted: Double? {
    guard let totalBytes, totalBytes > 0 else { return nil }
    return min(1, Double(receivedBytes) / Double(totalBytes))
  }

  /// The seconds left at the current rate, when the total and a rate are known.
  public var estimatedSecondsRemaining: Double? {
    guard let totalBytes, bytesPerSecond > 0 else { return nil }
    return Double(max(0, totalBytes - receivedBytes)) / bytesPerSecond
  }

  /// One line: the file, bytes (of the total), percentage, rate and time left.
  public var description: String {
    var line = "\(fileName): \(Self.bytes(receivedBytes))"
    if let totalBytes, let fraction = fractionCompleted {
      line += " of \(Self.bytes(totalBytes)) (\(Int((fraction * 100).rounded(.down)))%)"
    }
    if bytesPerSecond > 0 { line += ", \(Self.bytes(Int64(bytesPerSecond)))/s" }
    if let seconds = estimatedSecondsRemaining { line += ", \(Self.duration(seconds)) left" }
    return line
  }

  /// `count` bytes in decimal units: `512 B`, `4.5 kB`, `1.6 MB`, `1.1 GB`.
  static func bytes(_ count: Int64) -> String {
    let value = Double(count)
    switch value {
    case ..<1_000: return "\(count) B"
    case ..<1_000_000: return String(format: "%.1f kB", value / 1e3)
    case ..<1_000_000_000: return String(format: "%.1f MB", value / 1e6)
    default: return String(format: "%.1f GB", value / 1e9)
    }
  }

  /// `seconds` as `m:ss`, or `h:mm:ss` from an hour on.
  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded(.up))
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, rest)
      : String(format: "%d:%02d", minutes, rest)
  }
}
