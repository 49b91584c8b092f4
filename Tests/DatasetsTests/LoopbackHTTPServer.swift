// LoopbackHTTPServer: a tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that the
// download tests start themselves; each request gets the reply a test's route chooses.

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Serves GET requests on 127.0.0.1 only; every connection is answered on its own thread and
/// closed after one reply.
final class LoopbackHTTPServer: @unchecked Sendable {
  /// What the server does with one request.
  enum Reply: Sendable {
    /// `200`, or `206` for a `Range: bytes=n-` request, with the bytes.
    case file(Data)
    /// `200` with the whole body even when a range was asked for.
    case fileIgnoringRange(Data)
    /// The headers announce the bytes (or the requested range), then only `sentBytes` of them
    /// follow before the connection is closed.
    case cut(Data, sentBytes: Int)
    /// `404 Not Found`.
    case notFound
    /// Nothing at all for `seconds`, then the connection is closed.
    case stall(seconds: Double)
    /// `200` with the bytes sent in `pieces` parts, `interval` seconds apart.
    case trickle(Data, pieces: Int, interval: Double)
  }

  /// A request as received: its path and its `Range` header.
  struct Request: Sendable, Equatable {
    var path: String
    var range: String?
  }

  /// The port the server listens on.
  let port: UInt16
  private let socketDescriptor: Int32
  private let route: @Sendable (Request, Int) -> Reply
  private let lock = NSLock()
  private var received: [Request] = []
  private var stopped = false

  /// Starts a server whose `route` picks the reply for each request, given the request and
  /// how many earlier requests had the same path.
  init(route: @escaping @Sendable (Request, Int) -> Reply) throws {
    self.route = route
    let descriptor = socket(AF_INET, streamSocket, 0)
    guard descriptor >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 16) == 0 else {
      close(descriptor)
      throw ServerError("bind/listen on 127.0.0.1 failed: errno \(errno)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(descriptor, $0, &length)
      }
    }
    socketDescriptor = descriptor
    port = UInt16(bigEndian: address.sin_port)
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  deinit { stop() }

  /// `http://127.0.0.1:<port><path>`.
  func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

  /// The requests received so far, in order.
  var requests: [Request] { lock.withLock { received } }

  /// Stops accepting connections.
  func stop() {
    let first = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    shutdown(socketDescriptor, Int32(SHUT_RDWR))
    close(socketDescriptor)
  }

  /// A loopback address nothing listens on: a port bound, then released.
  static func refusingURL(_ path: String) throws -> URL {
    let server = try LoopbackHTTPServer { _, _ in .notFound }
    let url = server.url(path)
    server.stop()
    return url
  }

  private func acceptLoop() {
    while true {
      let connection = accept(socketDescriptor, nil, nil)
      guard connection >= 0 else { return }
      Thread.detachNewThread { [self] in serve(connection) }
    }
  }

  private func serve(_ connection: Int32) {
    defer { close(connection) }
    guard let request = readRequest(connection) else { return }
    let count = lock.withLock {
      let earlier = received.filter { $0.path == request.path }.count
      received.append(request)
      return earlier
    }
    let offset = request.range.flatMap(Self.rangeStart) ?? 0
    switch route(request, count) {
    case .file(let body):
      sendBody(connection, body, from: offset, honourRange: request.range != nil)
    case .fileIgnoringRange(let body):
      sendBody(connection, body, from: 0, honourRange: false)
    case .cut(let body, let sentBytes):
      sendBody(
        connection, body, from: offset, honourRange: request.range != nil, limit: sentBytes)
    case .notFound:
      transmit(connection, Data("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8))
    case .stall(let seconds):
      Thread.sleep(forTimeInterval: seconds)
    case .trickle(let body, let pieces, let interval):
      transmit(
        connection,
        Data("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8))
      let size = (body.count + pieces - 1) / pieces
      for start in stride(from: 0, to: body.count, by: size) {
        Thread.sleep(forTimeInterval: interval)
        transmit(connection, body.subdata(in: start..<min(body.count, start + size)))
      }
    }
  }

  private func sendBody(
    _ connection: Int32, _ body: Data, from offset: Int, honourRange: Bool, limit: Int? = nil
  ) {
    var head: String
    var part = body
    if honourRange {
      guard offset < body.count else {
        transmit(
          connection, Data("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n\r\n".utf8))
        return
      }
      part = body.subdata(in: offset..<body.count)
      head =
        "HTTP/1.1 206 Partial Content\r\n"
        + "Content-Range: bytes \(offset)-\(body.count - 1)/\(body.count)\r\n"
    } else {
      head = "HTTP/1.1 200 OK\r\n"
    }
    head +=
      "Content-Length: \(part.count)\r\nContent-Type: application/octet-stream\r\n"
      + "Connection: close\r\n\r\n"
    transmit(connection, Data(head.utf8))
    transmit(connection, limit.map { part.prefix($0) } ?? part)
  }

  private func transmit(_ connection: Int32, _ data: Data) {
    data.withUnsafeBytes { buffer in
      var sent = 0
      while sent < buffer.count {
        let result = send(connection, buffer.baseAddress! + sent, buffer.count - sent, noSignal)
        if result <= 0 { return }
        sent += result
      }
    }
  }

  /// The request line's path and the `Range` header, once the blank line has arrived.
  private func readRequest(_ connection: Int32) -> Request? {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let end: [UInt8] = Array("\r\n\r\n".utf8)
    while bytes.firstRange(of: end) == nil {
      let count = recv(connection, &buffer, buffer.count, 0)
      if count <= 0 { return nil }
      bytes += buffer[0..<count]
      if bytes.count > 65_536 { return nil }
    }
    let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    let requestLine = lines[0].split(separator: " ")
    guard requestLine.count >= 2 else { return nil }
    let range = lines.dropFirst().first { $0.lowercased().hasPrefix("range:") }.map {
      String($0.dropFirst("range:".count)).trimmingCharacters(in: .whitespaces)
    }
    return Request(path: String(requestLine[1]), range: range)
  }

  /// `n` in `bytes=n-`.
  private static func rangeStart(_ header: String) -> Int? {
    guard header.hasPrefix("bytes="), let dash = header.firstIndex(of: "-") else { return nil }
    return Int(header[header.index(header.startIndex, offsetBy: 6)..<dash])
  }
}

#if canImport(Glibc)
  private let streamSocket = Int32(SOCK_STREAM.rawValue)
  private let noSignal = Int32(MSG_NOSIGNAL)
#else
  private let streamSocket = SOCK_STREAM
  private let noSignal: Int32 = 0
#endif

/// A failure to start the loopback server.
struct ServerError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
