// The dataset store's search order (--data, DCRL_DATA, system package, cache), its cache
// folder, progress lines, and a real loader fed by the loopback server.

import Datasets
import Foundation
import Testing

/// Creates `files` (any bytes) in `folder`.
func touch(_ files: [DatasetFile], in folder: URL) throws {
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  for file in files { try Data("x".utf8).write(to: folder.appendingPathComponent(file.name)) }
}

@Suite("DatasetStore")
struct DatasetStoreTests {
  @Test("folders are searched in the order --data, DCRL_DATA, system package, cache")
  func searchOrder() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let (explicit, environment, cache) = (
      root.appendingPathComponent("explicit"), root.appendingPathComponent("env"),
      root.appendingPathComponent("cache")
    )
    var store = DatasetStore(
      dataRoot: explicit,
      environment: ["DCRL_DATA": environment.path, "XDG_CACHE_HOME": cache.path],
      downloader: nil)
    let files = DatasetName.mnistTest.files
    #expect(store.locate(.mnistTest) == nil)
    try touch(files, in: cache.appendingPathComponent("dcrl/mnist"))
    #expect(
      store.locate(.mnistTest) == cache.appendingPathComponent("dcrl/mnist", isDirectory: true))
    try touch(files, in: environment)  // directly in the DCRL_DATA folder
    #expect(store.locate(.mnistTest)?.standardizedFileURL.path == environment.path)
    try touch(files, in: explicit.appendingPathComponent("mnist"))  // in a dataset subfolder
    #expect(store.locate(.mnistTest)?.path == explicit.appendingPathComponent("mnist").path)
    #expect(
      try store.directory(for: .mnistTest).path == explicit.appendingPathComponent("mnist").path)
    // A folder holding only some of the files is passed over.
    try FileManager.default.removeItem(
      at: explicit.appendingPathComponent("mnist/" + files[0].name))
    #expect(store.locate(.mnistTest)?.standardizedFileURL.path == environment.path)
    // The system package's folder comes after DCRL_DATA and before the cache.
    let system = root.appendingPathComponent("system")
    try touch(DatasetName.fashionMNIST.files, in: system)
    try touch(
      DatasetName.fashionMNIST.files, in: cache.appendingPathComponent("dcrl/fashion-mnist"))
    store.systemDirectories = [.fashionMNIST: system]
    #expect(store.locate(.fashionMNIST) == system)
    store.systemDirectories = [:]
    #expect(store.locate(.fashionMNIST) == store.cacheDirectory(for: .fashionMNIST))
  }

  @Test("the cache is $XDG_CACHE_HOME/dcrl, else ~/.cache/dcrl")
  func cacheFolder() {
    #expect(
      DatasetStore.cacheRoot(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]).path
        == "/x/cache/dcrl")
    #expect(
      DatasetStore.cacheRoot(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u"]).path
        == "/home/u/.cache/dcrl")
    #expect(DatasetStore.cacheRoot(environment: ["HOME": "/home/u"]).path == "/home/u/.cache/dcrl")
    let store = DatasetStore(environment: ["HOME": "/home/u", "DCRL_DATA": ""], downloader: nil)
    #expect(store.environmentRoot == nil)
    #expect(store.cacheDirectory(for: .usps).path == "/home/u/.cache/dcrl/usps")
  }

  @Test("a progress line gives bytes, total, percentage, rate and time left")
  func progressLine() {
    let source = URL(string: "http://127.0.0.1/a")!
    let progress = DownloadProgress(
      fileName: "a.gz", source: source, receivedBytes: 1_200_000, totalBytes: 1_600_000,
      bytesPerSecond: 400_000)
    #expect(progress.description == "a.gz: 1.2 MB of 1.6 MB (75%), 400.0 kB/s, 0:01 left")
    #expect(progress.estimatedSecondsRemaining == 1 && progress.fractionCompleted == 0.75)
    let unknown = DownloadProgress(
      fileName: "b", source: source, receivedBytes: 512, totalBytes: nil, bytesPerSecond: 0)
    #expect(unknown.description == "b: 512 B" && unknown.estimatedSecondsRemaining == nil)
  }

  @Test("a timeout that is not a whole number of seconds from 1 on is refused")
  func invalidTimeout() throws {
    #expect(try URLSessionDownloader(timeout: 2).timeout == 2)
    for bad in [0, 0.5, 1.5, -1, Double.nan, .infinity] {
      #expect(throws: DatasetError.self) { try URLSessionDownloader(timeout: bad) }
    }
  }

  @Test(
    "MNIST-test downloaded from the loopback server into the cache, verified and loaded",
    .enabled(if: hasData(.mnistTest), missingDataReason(.mnistTest)))
  func mnistThroughTheStore() throws {
    let source = dataDirectory(.mnistTest)
    let server = try LoopbackHTTPServer { request, _ in
      let name = String(request.path.split(separator: "/").last ?? "")
      guard let bytes = try? Data(contentsOf: source.appendingPathComponent(name)) else {
        return .notFound
      }
      return .file(bytes)
    }
    defer { server.stop() }
    let cache = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: cache) }
    let log = EventLog()
    let store = try loopbackStore(mirrors: [server.url("/mnist/")], cache: cache, log: log)
    let dataset = try LabeledDataset.load(.mnistTest, store: store)
    #expect(dataset.count == 10_000 && dataset.labels.prefix(3) == [7, 2, 1])
    #expect(server.requests.count == 2)
    // The second load finds the verified files in the cache.
    _ = try LabeledDataset.loadLabels(.mnistTest, store: store)
    #expect(server.requests.count == 2)
    #expect(
      log.events.last
        == .found(dataset: "mnist-test", directory: store.cacheDirectory(for: .mnistTest)))
  }
}
