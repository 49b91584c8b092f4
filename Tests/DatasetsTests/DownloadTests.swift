// Downloads from a loopback HTTP server the tests start themselves: success, a corrupted body,
// a connection cut half-way (resumed, or restarted when the server ignores the range), a 404
// on the first mirror, a stalled server hitting the timeout, and no server at all.

import Datasets
import Foundation
import Testing

/// 300 kB of deterministic bytes and their file description.
let fixtureBytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
let fixtureFile = DatasetFile(
  name: "fixture.bin", sha256: SHA256.hash(fixtureBytes).hexadecimal,
  howToObtain: "A test fixture.")

/// The events a store reported, collected across threads.
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [DatasetStoreEvent] = []
  func append(_ event: DatasetStoreEvent) { lock.withLock { stored.append(event) } }
  var events: [DatasetStoreEvent] { lock.withLock { stored } }
  var failures: [String] {
    events.compactMap { if case .attemptFailed(_, _, let reason) = $0 { reason } else { nil } }
  }
}

/// A store that downloads only from `mirrors`, with its cache in `cache` and no system folders.
func loopbackStore(
  mirrors: [URL], cache: URL, timeout: Double = 5, log: EventLog
) throws -> DatasetStore {
  var store = DatasetStore(
    environment: ["XDG_CACHE_HOME": cache.path],
    downloader: try URLSessionDownloader(timeout: timeout), onEvent: { log.append($0) })
  store.systemDirectories = [:]
  store.mirrorOverride = mirrors
  return store
}

@Suite("Downloads from a loopback server")
struct DownloadTests {
  @Test("a download succeeds, reports progress, is verified and leaves no partial file")
  func success() throws {
    let server = try LoopbackHTTPServer { _, _ in .file(fixtureBytes) }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, log: log)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(
      !FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("fixture.bin.part").path))
    #expect(server.requests == [.init(path: "/a/fixture.bin", range: nil)])
    let progress = log.events.compactMap { if case .progress(let p) = $0 { p } else { nil } }
    #expect(progress.last?.receivedBytes == Int64(fixtureBytes.count))
    #expect(progress.last?.totalBytes == Int64(fixtureBytes.count))
    #expect(progress.last?.fileName == "fixture.bin")
    #expect(
      log.events.contains(
        .saved(file: "fixture.bin", path: folder.appendingPathComponent("fixture.bin"))))
    // Present now: a second fetch asks nothing of the server.
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(server.requests.count == 1)
  }

  @Test("P5 a corrupted body fails the checksum on every mirror: deleted, and the error says so")
  func corruptedBody() throws {
    var corrupt = fixtureBytes
    corrupt[1234] ^= 0xFF
    let server = try LoopbackHTTPServer { [corrupt] _, _ in .file(corrupt) }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(
      mirrors: [server.url("/a/"), server.url("/b/")], cache: folder, log: log)
    do {
      try store.fetch([fixtureFile], dataset: "fixture", into: folder)
      Issue.record("a corrupted download was accepted")
    } catch {
      guard case .unavailable(_, let files, _, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(files.map(\.name) == ["fixture.bin"] && files[0].failures.count == 2)
      #expect(files[0].failures.allSatisfy { $0.contains("SHA-256") && $0.contains("deleted") })
      #expect(error.description.contains(SHA256.hash(corrupt).hexadecimal))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left.isEmpty, "the bad download must be deleted; found \(left)")
    #expect(log.events.filter { if case .checksumMismatch = $0 { true } else { false } }.count == 2)
  }

  @Test("a connection cut half-way is resumed with a Range request")
  func cutThenResumed() throws {
    let half = fixtureBytes.count / 2
    let server = try LoopbackHTTPServer { _, earlier in
      earlier == 0 ? .cut(fixtureBytes, sentBytes: half) : .file(fixtureBytes)
    }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, log: log)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(server.requests.map(\.range) == [nil, "bytes=\(half)-"])
    #expect(log.failures.count == 1)
  }

  @Test("a cut download restarts cleanly when the server ignores the range")
  func cutThenRestarted() throws {
    let server = try LoopbackHTTPServer { _, earlier in
      earlier == 0 ? .cut(fixtureBytes, sentBytes: 1000) : .fileIgnoringRange(fixtureBytes)
    }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, log: EventLog())
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(server.requests.map(\.range) == [nil, "bytes=1000-"])
  }

  @Test("a partial file left by an earlier run is resumed; a stale one is restarted")
  func leftoverPartialFile() throws {
    let server = try LoopbackHTTPServer { _, _ in .file(fixtureBytes) }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let partial = folder.appendingPathComponent("fixture.bin.part")
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, log: EventLog())
    try fixtureBytes.prefix(100_000).write(to: partial)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(server.requests.map(\.range) == ["bytes=100000-"])

    try FileManager.default.removeItem(at: folder.appendingPathComponent("fixture.bin"))
    try Data(repeating: 7, count: 100_000).write(to: partial)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(server.requests.map(\.range).suffix(2) == ["bytes=100000-", nil])
  }

  @Test("a 404 on the first mirror falls through to the second")
  func notFoundThenSecondMirror() throws {
    let server = try LoopbackHTTPServer { request, _ in
      request.path.hasPrefix("/a/") ? .notFound : .file(fixtureBytes)
    }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(
      mirrors: [server.url("/a/"), server.url("/b/")], cache: folder, log: log)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(server.requests.map(\.path) == ["/a/fixture.bin", "/b/fixture.bin"])
    #expect(log.failures.count == 1 && log.failures[0].contains("404"))
  }

  @Test("a server that sends nothing hits the timeout; the next mirror delivers")
  func stalledServerTimesOut() throws {
    let stalled = try LoopbackHTTPServer { _, _ in .stall(seconds: 4) }
    defer { stalled.stop() }
    let server = try LoopbackHTTPServer { _, _ in .file(fixtureBytes) }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(
      mirrors: [stalled.url("/a/"), server.url("/b/")], cache: folder, timeout: 1, log: log)
    let clock = ContinuousClock()
    let start = clock.now
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    let elapsed = clock.now - start
    #expect(elapsed < .seconds(3.5), "took \(elapsed): the 1 s timeout did not apply")
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(log.failures.count == 1 && log.failures[0].contains("timed out"))
  }

  @Test("two fetches of the same file at once: one downloads, the other waits and uses it")
  func concurrentFetches() throws {
    let server = try LoopbackHTTPServer { _, _ in
      .trickle(fixtureBytes, pieces: 3, interval: 0.2)
    }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, log: EventLog())
    let errors = EventLog()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
      do {
        try store.fetch([fixtureFile], dataset: "fixture", into: folder)
      } catch {
        errors.append(.attemptFailed(file: "", source: server.url("/"), reason: "\(error)"))
      }
    }
    #expect(errors.failures.isEmpty, "\(errors.failures)")
    #expect(server.requests.count == 1)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fixture.bin"])
  }

  @Test("a slow but steady server is not cut off: the timeout counts idle time only")
  func steadyTrickleSurvives() throws {
    let server = try LoopbackHTTPServer { _, _ in
      .trickle(fixtureBytes, pieces: 4, interval: 0.4)
    }
    defer { server.stop() }
    let folder = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = EventLog()
    let store = try loopbackStore(mirrors: [server.url("/a/")], cache: folder, timeout: 1, log: log)
    try store.fetch([fixtureFile], dataset: "fixture", into: folder)
    #expect(try Data(contentsOf: folder.appendingPathComponent("fixture.bin")) == fixtureBytes)
    #expect(log.failures.isEmpty, "\(log.failures)")
  }

  @Test("P5 no network: the error names every file, every mirror, DCRL_DATA, --data and the cache")
  func noNetwork() throws {
    let mirrors = [
      try LoopbackHTTPServer.refusingURL("/one/"), try LoopbackHTTPServer.refusingURL("/two/"),
    ]
    let cache = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: cache) }
    let store = try loopbackStore(mirrors: mirrors, cache: cache, log: EventLog())
    let clock = ContinuousClock()
    let start = clock.now
    do {
      _ = try store.directory(for: .mnistTest)
      Issue.record("found MNIST with no server")
    } catch {
      let message = error.description
      for file in DatasetName.mnistTest.files {
        #expect(message.contains(file.name) && message.contains(file.sha256))
        for mirror in mirrors {
          #expect(message.contains(mirror.appendingPathComponent(file.name).absoluteString))
        }
      }
      #expect(message.contains("DCRL_DATA") && message.contains("--data"))
      #expect(message.contains(store.cacheDirectory(for: .mnistTest).path))
      #expect(message.contains("connection refused"), "\(message)")
      #expect(error.path == store.cacheDirectory(for: .mnistTest).path)
    }
    #expect(clock.now - start < .seconds(5))
    let folder = store.cacheDirectory(for: .mnistTest)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test("with downloads off the error lists the canonical mirrors without touching the network")
  func canonicalMirrorsNamed() throws {
    let cache = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: cache) }
    let store = DatasetStore(environment: ["XDG_CACHE_HOME": cache.path], downloader: nil)
    let error = #expect(throws: DatasetError.self) { try store.directory(for: .mnistTest) }
    let message = error.map { "\($0)" } ?? ""
    #expect(
      message.contains("https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz"))
    #expect(message.contains("http://yann.lecun.com/exdb/mnist/t10k-labels-idx1-ubyte.gz"))
    #expect(message.contains("DCRL_DATA") && !message.contains("shared/"))
    for name in DatasetName.allCases {
      #expect(name.files.allSatisfy { $0.sources.count >= 2 }, "\(name) needs two mirrors")
    }
  }
}
