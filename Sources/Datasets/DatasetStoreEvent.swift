// DatasetStoreEvent: what the dataset store reports while it finds and downloads files.

import Foundation

/// Something ``DatasetStore`` did or saw, for a program to print: each event's
/// ``description`` is one line.
public enum DatasetStoreEvent: Sendable, Equatable, CustomStringConvertible {
  /// All files of `dataset` were found in `directory`.
  case found(dataset: String, directory: URL)
  /// A download of `file` from `source` into `destination` begins; `resumingAt` is the number
  /// of bytes a partial download already holds (0 for a fresh start).
  case downloading(file: String, source: URL, destination: URL, resumingAt: Int64)
  /// Bytes arrived.
  case progress(DownloadProgress)
  /// One attempt failed; the store tries again or moves to the next source.
  case attemptFailed(file: String, source: URL, reason: String)
  /// The downloaded bytes had the wrong SHA-256 and were deleted.
  case checksumMismatch(file: String, source: URL, expectedSHA256: String, foundSHA256: String)
  /// A verified file was moved into place at `path`.
  case saved(file: String, path: URL)

  /// One line describing the event.
  public var description: String {
    switch self {
    case .found(let dataset, let directory):
      return "\(dataset): using the files in \(directory.path)"
    case .downloading(let file, let source, let destination, let offset):
      let resume = offset > 0 ? " (resuming after \(DownloadProgress.bytes(offset)))" : ""
      return "downloading \(file) from \(source.absoluteString)\(resume) into "
        + destination.deletingLastPathComponent().path
    case .progress(let progress):
      return progress.description
    case .attemptFailed(let file, let source, let reason):
      return "\(file): \(source.absoluteString): \(reason)"
    case .checksumMismatch(let file, let source, let expected, let found):
      return "\(file) from \(source.absoluteString): SHA-256 is \(found), expected \(expected); "
        + "the bad download was deleted"
    case .saved(let file, let path):
      return "\(file): verified and saved as \(path.path)"
    }
  }
}
