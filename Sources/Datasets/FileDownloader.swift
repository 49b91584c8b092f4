// FileDownloader: the one operation the dataset store needs from a network client, so tests
// and other clients can stand in for URLSession.

import Foundation

/// Fetches one address into a partial file, resuming when the file already holds bytes.
///
/// ``DatasetStore`` calls it once per attempt and does everything else itself: choosing the
/// mirror, retrying, checking the SHA-256 and moving the finished file into place.
/// ``URLSessionDownloader`` is the implementation programs use.
public protocol FileDownloader: Sendable {
  /// Downloads `source` into `partialFile`.
  ///
  /// When `partialFile` already holds `n` bytes, the downloader asks for the rest (an HTTP
  /// `Range: bytes=n-` request) and appends it if the server sends that range; if the server
  /// sends the whole file instead, the downloader replaces the partial content with it. On
  /// failure the bytes received so far stay in `partialFile`, so a later call can resume.
  ///
  /// - Parameters:
  ///   - source: The address to fetch.
  ///   - partialFile: The file to create or extend.
  ///   - progress: Called as bytes arrive (from any thread).
  /// - Throws: ``DownloadFailure`` saying why the transfer did not finish.
  func download(
    _ source: URL, into partialFile: URL,
    progress: @escaping @Sendable (DownloadProgress) -> Void
  ) throws(DownloadFailure)
}

/// Why one download attempt did not finish.
public struct DownloadFailure: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kinds of failure, which decide what the store tries next.
  public enum Kind: Sendable, Equatable {
    /// The server answered with this HTTP status (404, 403, 500, …): try the next mirror.
    case httpStatus(Int)
    /// The transfer stopped part-way; the bytes received are kept so the next try resumes.
    case interrupted
    /// No byte arrived within the downloader's time limit.
    case timedOut
    /// The host could not be reached: no network, no such host, or connection refused.
    case unreachable
    /// The server's answer to a resume request does not fit the partial file; the partial
    /// file must be deleted and the download restarted.
    case cannotResume
    /// The partial file could not be written.
    case io
  }

  /// The kind of failure.
  public var kind: Kind
  /// A short sentence for the user, such as `HTTP 404 Not Found` or `connection refused`.
  public var reason: String

  /// Creates a failure.
  ///
  /// - Parameters:
  ///   - kind: The kind of failure.
  ///   - reason: A short sentence for the user.
  public init(_ kind: Kind, _ reason: String) {
    self.kind = kind
    self.reason = reason
  }

  /// The reason.
  public var description: String { reason }
}
