// DownloadLog: prints the dataset store's events, with download progress every two seconds.

import Foundation

/// Prints the dataset store's events on standard error: each download's start, its progress
/// (bytes, rate, time left) at most every two seconds, failures and the verified result.
///
/// Pass its ``print(_:)`` as a ``DatasetStore``'s `onEvent`.
public final class DownloadLog: @unchecked Sendable {
  private let lock = NSLock()
  private var lastProgress = Date.distantPast

  /// Creates a log.
  public init() {}

  /// Prints `event` (progress lines are thinned out).
  public func print(_ event: DatasetStoreEvent) {
    if case .found = event { return }
    if case .progress(let progress) = event {
      let now = Date()
      let due = lock.withLock {
        let due =
          now.timeIntervalSince(lastProgress) >= 2 || progress.receivedBytes == progress.totalBytes
        if due { lastProgress = now }
        return due
      }
      guard due else { return }
    }
    FileHandle.standardError.write(Data("\(event)\n".utf8))
  }
}
