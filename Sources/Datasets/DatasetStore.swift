// DatasetStore: where a dataset's files are found (a given folder, DCRL_DATA, a system package,
// the per-user cache) and, when they are nowhere, their download into the cache.

import Foundation

/// Finds a dataset's files on this machine and downloads the missing ones.
///
/// The folders are searched in this order; the first that holds every file of the dataset is
/// used:
///
/// 1. ``dataRoot``, the folder a program's `--data` flag names;
/// 2. ``environmentRoot``, the folder in the `DCRL_DATA` environment variable;
/// 3. the system package's folder (Debian's `dataset-fashion-mnist` for Fashion-MNIST);
/// 4. the per-user cache ``cacheRoot``: `$XDG_CACHE_HOME/dcrl`, or `~/.cache/dcrl`.
///
/// In the first two the files may sit in a subfolder named after the dataset
/// (``DatasetName/folderName``, as in `DIR/mnist/`) or directly in the folder. When no folder
/// holds them all, the missing files are downloaded into the cache from the dataset's public
/// sources (``DatasetFile/sources``, mirrors tried in order), each checked against its pinned
/// SHA-256 before it is moved into place, so a file in the cache is always a verified one.
///
/// ```swift
/// let store = DatasetStore(dataRoot: nil, onEvent: { print($0) })
/// let mnist = try LabeledDataset.load(.mnistTest, store: store)
/// ```
public struct DatasetStore: Sendable {
  /// The environment variable naming a data folder: `DCRL_DATA`.
  public static let environmentVariable = "DCRL_DATA"

  /// The folder given explicitly (a program's `--data` flag), searched first.
  public var dataRoot: URL?
  /// The folder named by `DCRL_DATA`, searched second.
  public var environmentRoot: URL?
  /// Folders where system packages install datasets, searched third.
  public var systemDirectories: [DatasetName: URL]
  /// The per-user cache, searched last and where downloads go.
  public var cacheRoot: URL
  /// The client that downloads; `nil` turns downloads off.
  public var downloader: (any FileDownloader)?
  /// Folder addresses (ending in `/`) that replace every file's own sources.
  ///
  /// The file name is appended to each. For a private mirror, or a test's local server.
  public var mirrorOverride: [URL]?
  /// How many times one source is tried while each try makes progress (resuming each time).
  public var attemptsPerSource = 3
  /// Called with each event (found, downloading, progress, failures, saved).
  public var onEvent: (@Sendable (DatasetStoreEvent) -> Void)?

  /// A store configured from the environment.
  ///
  /// - Parameters:
  ///   - dataRoot: The folder given explicitly (a `--data` flag); `nil` when none was.
  ///   - environment: The variables to read `DCRL_DATA`, `XDG_CACHE_HOME` and `HOME` from.
  ///   - downloader: The client that downloads; `nil` turns downloads off.
  ///   - onEvent: Called with each event, for example to print download progress.
  public init(
    dataRoot: URL? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    downloader: (any FileDownloader)? = URLSessionDownloader(),
    onEvent: (@Sendable (DatasetStoreEvent) -> Void)? = nil
  ) {
    self.dataRoot = dataRoot
    if let value = environment[Self.environmentVariable], !value.isEmpty {
      environmentRoot = URL(fileURLWithPath: value, isDirectory: true)
    }
    systemDirectories = [.fashionMNIST: DatasetName.systemFashionMNISTDirectory]
    cacheRoot = Self.cacheRoot(environment: environment)
    self.downloader = downloader
    self.onEvent = onEvent
  }

  /// The per-user cache: `$XDG_CACHE_HOME/dcrl` when that variable holds an absolute path,
  /// otherwise `$HOME/.cache/dcrl`.
  ///
  /// - Parameter environment: The variables to read.
  public static func cacheRoot(environment: [String: String]) -> URL {
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent(
        "dcrl", isDirectory: true)
    }
    let home =
      environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".cache/dcrl", isDirectory: true)
  }

  /// The folder of `name` in the cache, where its downloads go.
  public func cacheDirectory(for name: DatasetName) -> URL {
    cacheRoot.appendingPathComponent(name.folderName, isDirectory: true)
  }

  /// The folders searched for `name`, in order.
  public func searchDirectories(for name: DatasetName) -> [URL] {
    var folders: [URL] = []
    for root in [dataRoot, environmentRoot].compactMap({ $0 }) {
      folders.append(root.appendingPathComponent(name.folderName, isDirectory: true))
      folders.append(root)
    }
    if let system = systemDirectories[name] { folders.append(system) }
    folders.append(cacheDirectory(for: name))
    var seen = Set<String>()
    return folders.filter { seen.insert($0.standardizedFileURL.path).inserted }
  }

  /// The first searched folder that holds every file of `name`, without downloading.
  public func locate(_ name: DatasetName) -> URL? {
    searchDirectories(for: name).first { folder in
      name.files.allSatisfy {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.name).path)
      }
    }
  }

  /// The folder holding every file of `name`, downloading the missing ones into the cache.
  ///
  /// - Returns: A folder to pass to ``LabeledDataset/load(_:from:on:)``.
  /// - Throws: ``DatasetError/unavailable(dataset:files:searched:downloadDirectory:)`` naming
  ///   each file that could be neither found nor downloaded, its sources and why each failed;
  ///   ``DatasetError/io(path:reason:)`` when the cache cannot be written.
  public func directory(for name: DatasetName) throws(DatasetError) -> URL {
    if let found = locate(name) {
      onEvent?(.found(dataset: name.rawValue, directory: found))
      return found
    }
    let cache = cacheDirectory(for: name)
    try fetch(
      name.files, dataset: name.rawValue, into: cache, searched: searchDirectories(for: name))
    return cache
  }

  /// The addresses `file` is downloaded from: ``mirrorOverride`` when set, else its sources.
  public func sources(for file: DatasetFile) -> [URL] {
    guard let mirrorOverride else { return file.sources }
    return mirrorOverride.map { $0.appendingPathComponent(file.name) }
  }
}
