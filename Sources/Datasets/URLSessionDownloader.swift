// URLSessionDownloader: the toolchain's HTTP client (FoundationNetworking on Linux) streaming
// one address into a partial file, with HTTP Range resumption, an idle timeout and progress.

import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Downloads with `URLSession`, streaming the body to disk as it arrives.
///
/// A transfer that receives no byte for ``timeout`` seconds fails with
/// ``DownloadFailure/Kind/timedOut``. Proxies configured in the environment (`https_proxy`,
/// `no_proxy`, …) are honoured as the platform's client honours them.
public struct URLSessionDownloader: FileDownloader {
  /// The seconds a transfer may go without receiving a byte before it fails.
  public let timeout: TimeInterval

  /// A downloader that gives up after 30 seconds without data.
  public init() { timeout = 30 }

  /// A downloader that gives up after `timeout` seconds without data.
  ///
  /// The timeout is a whole number of seconds because Linux's URLSession drops fractions
  /// (half a second would become no time at all).
  ///
  /// - Throws: ``DatasetError/input(_:)`` when `timeout` is not a whole number of seconds
  ///   from 1 on.
  public init(timeout: TimeInterval) throws(DatasetError) {
    try DatasetError.require(
      timeout.isFinite && timeout >= 1 && timeout == timeout.rounded(), "timeout", timeout,
      "must be a whole number of seconds, at least 1")
    self.timeout = timeout
  }

  /// Downloads `source` into `partialFile`, resuming from its current size.
  ///
  /// - Throws: ``DownloadFailure``; the bytes received stay in `partialFile`.
  public func download(
    _ source: URL, into partialFile: URL,
    progress: @escaping @Sendable (DownloadProgress) -> Void
  ) throws(DownloadFailure) {
    let manager = FileManager.default
    if !manager.fileExists(atPath: partialFile.path) {
      guard manager.createFile(atPath: partialFile.path, contents: nil) else {
        throw DownloadFailure(.io, "cannot create \(partialFile.path)")
      }
    }
    let offset =
      (try? manager.attributesOfItem(atPath: partialFile.path)[.size] as? NSNumber)?
      .int64Value ?? 0
    var request = URLRequest(
      url: source, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
    // Ranges count bytes of the file itself, so ask for no transfer encoding.
    request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
    if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }

    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = 7 * 24 * 3600
    configuration.urlCache = nil
    let transfer = Transfer(
      source: source, file: partialFile, offset: offset, timeout: timeout, progress: progress)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
    session.dataTask(with: request).resume()
    transfer.finished.wait()
    session.finishTasksAndInvalidate()
    if let failure = transfer.failure { throw failure }
  }
}

/// The state of one transfer.
///
/// Every method runs on the session's serial delegate queue; the caller reads ``failure`` only
/// after ``finished`` is signalled.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  let source: URL
  let file: URL
  let offset: Int64
  let timeout: TimeInterval
  let progress: @Sendable (DownloadProgress) -> Void
  let finished = DispatchSemaphore(value: 0)
  var failure: DownloadFailure?
  private var handle: FileHandle?
  private var started = false
  private var received: Int64 = 0
  private var total: Int64?
  private var transferred: Int64 = 0
  private let startTime = Date()
  private var lastReport = Date.distantPast

  init(
    source: URL, file: URL, offset: Int64, timeout: TimeInterval,
    progress: @escaping @Sendable (DownloadProgress) -> Void
  ) {
    (self.source, self.file, self.offset, self.timeout, self.progress) = (
      source, file, offset, timeout, progress
    )
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard failure == nil else { return }
    if !started, let failure = start(dataTask.response) {
      self.failure = failure
      dataTask.cancel()
      return
    }
    guard let handle else { return }
    do {
      try handle.write(contentsOf: data)
    } catch {
      failure = DownloadFailure(.io, "cannot write \(file.path): \(error.localizedDescription)")
      dataTask.cancel()
      return
    }
    received += Int64(data.count)
    transferred += Int64(data.count)
    let now = Date()
    if now.timeIntervalSince(lastReport) >= 0.25 || received == total {
      lastReport = now
      report(now)
    }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    if failure == nil, !started { failure = start(task.response) }
    if failure == nil, let error { failure = classify(error) }
    if failure == nil, let total, received < total {
      failure = DownloadFailure(
        .interrupted, "the connection closed after \(received) of \(total) bytes")
    }
    if failure == nil { report(Date()) }
    try? handle?.close()
    handle = nil
    finished.signal()
  }

  /// Checks the response's status and opens the file; the failure when that is not possible.
  ///
  /// A 206 that continues the partial file appends to it; a 200 rewrites it from the start.
  private func start(_ response: URLResponse?) -> DownloadFailure? {
    started = true
    guard let response = response as? HTTPURLResponse else {
      return response == nil ? nil : DownloadFailure(.cannotResume, "not an HTTP response")
    }
    let status = response.statusCode
    var append = false
    switch status {
    case 200:
      total = response.expectedContentLength > 0 ? response.expectedContentLength : nil
    case 206:
      let range = response.value(forHTTPHeaderField: "Content-Range") ?? ""
      guard let (first, size) = Self.parseContentRange(range), first == offset else {
        return DownloadFailure(
          .cannotResume,
          "asked for bytes from \(offset), the server sent the range '\(range)'")
      }
      (append, total) = (true, size)
    case 416:
      return DownloadFailure(
        .cannotResume, "the server has no bytes after the \(offset) already downloaded")
    default:
      let text = HTTPURLResponse.localizedString(forStatusCode: status)
      return DownloadFailure(.httpStatus(status), "HTTP \(status) \(text)")
    }
    do {
      let handle = try FileHandle(forWritingTo: file)
      if append {
        try handle.seekToEnd()
        received = offset
      } else {
        try handle.truncate(atOffset: 0)
      }
      self.handle = handle
    } catch {
      return DownloadFailure(.io, "cannot write \(file.path): \(error.localizedDescription)")
    }
    return nil
  }

  private func report(_ now: Date) {
    let seconds = now.timeIntervalSince(startTime)
    progress(
      DownloadProgress(
        fileName: file.pathExtension == "part"
          ? file.deletingPathExtension().lastPathComponent : file.lastPathComponent,
        source: source,
        receivedBytes: received, totalBytes: total,
        bytesPerSecond: seconds > 0 ? Double(transferred) / seconds : 0))
  }

  private func classify(_ error: Error) -> DownloadFailure {
    let code = (error as? URLError)?.code
    switch code {
    case .timedOut?:
      return DownloadFailure(
        .timedOut, "no data for \(Self.seconds(timeout)) (timed out) after \(received) bytes")
    case .cannotConnectToHost?:
      return DownloadFailure(.unreachable, "connection refused")
    case .cannotFindHost?, .dnsLookupFailed?:
      return DownloadFailure(.unreachable, "host not found (no network or no DNS)")
    case .notConnectedToInternet?:
      return DownloadFailure(.unreachable, "no network")
    default:
      let kind: DownloadFailure.Kind = transferred > 0 ? .interrupted : .unreachable
      return DownloadFailure(
        kind, "\(error.localizedDescription) (after \(received) bytes)")
    }
  }

  private static func seconds(_ value: TimeInterval) -> String {
    value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
  }

  /// The first byte and the full size of `bytes first-last/size`.
  static func parseContentRange(_ text: String) -> (first: Int64, size: Int64?)? {
    let parts = text.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bytes" else { return nil }
    let rangeAndSize = parts[1].split(separator: "/", maxSplits: 1)
    guard let range = rangeAndSize.first, let dash = range.firstIndex(of: "-"),
      let first = Int64(range[..<dash])
    else { return nil }
    let size = rangeAndSize.count == 2 ? Int64(rangeAndSize[1]) : nil
    return (first, size)
  }
}
