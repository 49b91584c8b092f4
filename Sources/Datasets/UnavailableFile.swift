// UnavailableFile: a dataset file that could be neither found nor downloaded, and the message
// that tells the user where to get it and where to put it.

import Foundation

/// A file of a dataset that no searched folder holds and no source delivered.
public struct UnavailableFile: Sendable, Equatable {
  /// The file name.
  public var name: String
  /// Its expected SHA-256.
  public var sha256: String
  /// The addresses it can be downloaded from.
  public var sources: [URL]
  /// One line per failed attempt, `address: reason`; empty when downloads are turned off.
  public var failures: [String]
  /// Where the file comes from, in words.
  public var howToObtain: String

  /// Creates a description of an unavailable file.
  ///
  /// - Parameters:
  ///   - name: The file name.
  ///   - sha256: Its expected SHA-256.
  ///   - sources: The addresses it can be downloaded from.
  ///   - failures: One line per failed attempt.
  ///   - howToObtain: Where the file comes from, in words.
  public init(
    name: String, sha256: String, sources: [URL], failures: [String], howToObtain: String
  ) {
    (self.name, self.sha256, self.sources, self.failures, self.howToObtain) = (
      name, sha256, sources, failures, howToObtain
    )
  }

  /// The text of ``DatasetError/unavailable(dataset:files:searched:downloadDirectory:)``.
  static func message(
    dataset: String, files: [UnavailableFile], searched: [String], downloadDirectory: String
  ) -> String {
    let count = files.count == 1 ? "1 file is" : "\(files.count) files are"
    var lines = ["\(dataset): \(count) missing and could not be downloaded:"]
    for file in files {
      lines.append("  \(file.name) (SHA-256 \(file.sha256))")
      for failure in file.failures { lines.append("    \(failure)") }
      for source in file.sources
      where !file.failures.contains(where: { $0.hasPrefix(source.absoluteString + ": ") }) {
        lines.append("    from \(source.absoluteString)")
      }
      if file.sources.isEmpty { lines.append("    (no download address is known)") }
    }
    if let hint = files.first?.howToObtain, !hint.isEmpty { lines.append(hint) }
    if !searched.isEmpty { lines.append("Searched: \(searched.joined(separator: ", ")).") }
    lines.append(
      "Download the files from one of those addresses on a machine with network and either "
        + "pass their folder with --data DIR, set the environment variable "
        + "\(DatasetStore.environmentVariable)=DIR (the files may sit in DIR or in "
        + "DIR/<dataset folder>), or put them in \(downloadDirectory).")
    return lines.joined(separator: "\n")
  }
}
