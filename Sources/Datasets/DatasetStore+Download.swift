// DatasetStore+Download: fetching missing files source by source, resuming interrupted
// transfers, verifying each file's SHA-256 and moving it into place atomically.

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension DatasetStore {
  /// Makes sure every file of `files` is in `directory`, downloading the missing ones.
  ///
  /// Each missing file is fetched into `<name>.part` beside its final place, from its sources
  /// in order (``sources(for:)``). An interrupted transfer is resumed from the bytes already
  /// on disk (up to ``attemptsPerSource`` tries per source); a partial file the server cannot
  /// continue is deleted and the download restarted. A finished file whose SHA-256 differs
  /// from the pinned one is deleted (and reported) and the next source is tried; a verified
  /// one is renamed into place, so `directory` never holds an unverified file under its final
  /// name. Once a host is unreachable or times out, the later files skip it. A lock file beside
  /// each download makes a second process fetching the same file wait and then use the first
  /// one's result.
  ///
  /// - Parameters:
  ///   - files: The files the folder must hold.
  ///   - dataset: The dataset's name, for messages.
  ///   - directory: The folder to complete; created when missing.
  ///   - searched: The folders that were searched, for the error message; `directory` alone
  ///     when `nil`.
  /// - Throws: ``DatasetError/unavailable(dataset:files:searched:downloadDirectory:)`` naming
  ///   every file that could not be obtained; ``DatasetError/io(path:reason:)`` when
  ///   `directory` cannot be created or a verified file cannot be moved into place.
  public func fetch(
    _ files: [DatasetFile], dataset: String, into directory: URL, searched: [URL]? = nil
  ) throws(DatasetError) {
    let manager = FileManager.default
    let missing = files.filter {
      !manager.fileExists(atPath: directory.appendingPathComponent($0.name).path)
    }
    guard !missing.isEmpty else { return }
    if downloader != nil {
      do {
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
      } catch {
        throw .io(
          path: directory.path,
          reason: "cannot create the download folder: \(error.localizedDescription)")
      }
    }
    var unreachableHosts = Set<String>()
    var unavailable: [UnavailableFile] = []
    for file in missing {
      let failures = try download(file, into: directory, unreachableHosts: &unreachableHosts)
      if let failures {
        unavailable.append(
          UnavailableFile(
            name: file.name, sha256: file.sha256, sources: sources(for: file),
            failures: failures, howToObtain: file.howToObtain))
      }
    }
    guard unavailable.isEmpty else {
      throw .unavailable(
        dataset: dataset, files: unavailable, searched: (searched ?? [directory]).map(\.path),
        downloadDirectory: directory.path)
    }
  }

  /// Downloads one file into `directory`; `nil` on success, otherwise one line per failed
  /// source.
  private func download(
    _ file: DatasetFile, into directory: URL, unreachableHosts: inout Set<String>
  ) throws(DatasetError) -> [String]? {
    guard let downloader else { return [] }
    let destination = directory.appendingPathComponent(file.name)
    let partial = directory.appendingPathComponent(file.name + ".part")
    // Another process (or thread) may be fetching the same file: wait for it, then use its
    // result.
    let lock = DownloadLock(for: destination)
    defer { lock?.release() }
    if FileManager.default.fileExists(atPath: destination.path) { return nil }
    let report = onEvent
    var failures: [String] = []
    for source in sources(for: file) {
      let host =
        source.host.map { host in source.port.map { "\(host):\($0)" } ?? host }
        ?? source.absoluteString
      if unreachableHosts.contains(host) {
        failures.append("\(source.absoluteString): skipped, \(host) failed for an earlier file")
        continue
      }
      var attempt = 0
      attempts: while attempt < attemptsPerSource {
        attempt += 1
        let offset = Self.size(of: partial)
        report?(
          .downloading(
            file: file.name, source: source, destination: destination, resumingAt: offset))
        do {
          try downloader.download(source, into: partial) { report?(.progress($0)) }
        } catch {
          if Self.size(of: partial) == 0 { try? FileManager.default.removeItem(at: partial) }
          report?(.attemptFailed(file: file.name, source: source, reason: error.reason))
          switch error.kind {
          case .interrupted where attempt < attemptsPerSource:
            continue attempts
          case .cannotResume where attempt < attemptsPerSource:
            try? FileManager.default.removeItem(at: partial)
            continue attempts
          case .unreachable, .timedOut:
            unreachableHosts.insert(host)
          default:
            break
          }
          failures.append("\(source.absoluteString): \(error.reason)")
          break attempts
        }
        let found = Self.sha256(of: partial)
        if found == file.sha256 {
          try Self.moveIntoPlace(partial, destination)
          report?(.saved(file: file.name, path: destination))
          return nil
        }
        try? FileManager.default.removeItem(at: partial)
        report?(
          .checksumMismatch(
            file: file.name, source: source, expectedSHA256: file.sha256, foundSHA256: found))
        // A resumed file may have started from stale bytes: restart it once from scratch.
        if offset > 0, attempt < attemptsPerSource { continue attempts }
        failures.append(
          "\(source.absoluteString): the download's SHA-256 is \(found), expected "
            + "\(file.sha256); the bad download was deleted")
        break attempts
      }
    }
    return failures
  }

  /// The size of the file at `url`, 0 when it does not exist.
  static func size(of url: URL) -> Int64 {
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
  }

  /// The SHA-256 of the file at `url` (of no bytes when it cannot be read).
  static func sha256(of url: URL) -> String {
    SHA256.hash((try? readFile(url)) ?? Data()).hexadecimal
  }

  /// Renames `partial` to `destination` in one step (replacing any file there).
  static func moveIntoPlace(_ partial: URL, _ destination: URL) throws(DatasetError) {
    guard rename(partial.path, destination.path) == 0 else {
      let reason = String(cString: strerror(errno))
      throw .io(path: destination.path, reason: "cannot move the verified download here: \(reason)")
    }
  }
}
