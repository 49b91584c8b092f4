// ReutersR8: the Reuters-21578 R8 substitute for REUTERS-10K, from Orange .tab files.

import Foundation
import Tensor

/// Reuters-21578 R8 (Cachopo's split: 5,485 train + 2,189 test documents, 8 topics) turned into
/// REUTERS-10K-style features.
///
/// REUTERS-10K (DEC's RCV1-v2 subset) cannot be rebuilt, so this module offers R8 with the
/// same feature pipeline (``TFIDF/Configuration/dec``: the 2000 most frequent words, sublinear
/// TF-IDF, L2 rows, × √2000; Docs/Algorithm.md#datasets). It is a different dataset: report results on it as
/// `reuters-r8`, never as REUTERS-10K.
///
/// The files are Orange `.tab` tables: three header lines (`Category<TAB>Text`, the column types
/// and the column flags), then one document per line as `class<TAB>text`. Labels number the
/// classes in alphabetical order (`acq`, `crude`, `earn`, `grain`, `interest`, `money-fx`,
/// `ship`, `trade`). Documents stay in file order, train then test; DEC's final shuffle with
/// NumPy seed 1234 is not applied, as order does not affect the transductive benchmark.
public enum ReutersR8 {
  /// The number of TF-IDF features.
  public static let vocabularySize = 2000

  /// Loads `reuters-r8-train.tab` then `reuters-r8-test.tab` from `directory`, after verifying
  /// their checksums, and computes the TF-IDF features over all 7,674 documents.
  ///
  /// - Throws: As ``LabeledDataset/load(_:from:on:)``.
  public static func load(
    from directory: URL, on backend: (any Backend)? = nil
  ) throws(DatasetError) -> LabeledDataset {
    let (texts, labels, classNames) = try loadDocuments(from: directory)
    let (_, features) = try TFIDF(configuration: .dec).fitTransform(texts, on: backend)
    let checksums = DatasetName.reutersR8.files.map {
      "\($0.name) (sha256 \($0.sha256.prefix(12))…)"
    }
    return try LabeledDataset(
      name: DatasetName.reutersR8.rawValue, features: features,
      labels: labels, classCount: classNames.count, classNames: classNames,
      provenance: "reuters-r8 (substitute for REUTERS-10K): Orange .tab files "
        + "\(checksums.joined(separator: ", ")) in \(directory.path); train then test, "
        + "unshuffled; 2000 most frequent words, TF-IDF with sublinear tf, L2 rows, × √2000 "
        + "(DEC's REUTERS-10K pipeline, Docs/Algorithm.md#datasets)")
  }

  /// The texts of the train then test documents, their labels and the class names
  /// (alphabetical), after verifying the files' checksums.
  ///
  /// - Throws: As ``LabeledDataset/load(_:from:on:)``.
  public static func loadDocuments(
    from directory: URL
  ) throws(DatasetError) -> (texts: [String], labels: [Int], classNames: [String]) {
    var documents: [(label: String, text: String)] = []
    for file in DatasetName.reutersR8.files {
      let path = directory.appendingPathComponent(file.name).path
      documents += try decode(file.readVerified(in: directory), path: path)
    }
    let classNames = Set(documents.map(\.label)).sorted()
    let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    return (documents.map(\.text), documents.map { classIndex[$0.label]! }, classNames)
  }

  /// The documents of one Orange `.tab` file: each line's class and text.
  ///
  /// - Throws: ``DatasetError/emptyFile(path:)``; ``DatasetError/truncated(path:detail:)`` when
  ///   the three header lines are incomplete; ``DatasetError/malformed(path:reason:)`` for a
  ///   header without two columns or a line without exactly one tab, or invalid UTF-8.
  public static func decode(_ data: Data, path: String) throws(DatasetError) -> [(
    label: String, text: String
  )] {
    guard !data.isEmpty else { throw .emptyFile(path: path) }
    // Scan bytes rather than Strings: only the two fields of each line become Strings.
    return try TextBuffer(data).withBytes { (base, count) throws(DatasetError) in
      let lines = lineRanges(base, count)
      guard lines.count >= 3 else {
        throw .truncated(
          path: path, detail: "an Orange .tab file needs 3 header lines; found \(lines.count)")
      }
      let tab = UInt8(ascii: "\t")
      guard positions(of: tab, in: base, lines[0], limit: 2).count == 1 else {
        throw .malformed(
          path: path,
          reason:
            "header line 1 '\(excerpt(base, lines[0]))' does not name two tab-separated columns")
      }
      var documents: [(label: String, text: String)] = []
      for (index, line) in lines.enumerated().dropFirst(3) where !line.isEmpty {
        let tabs = positions(of: tab, in: base, line, limit: 2)
        guard tabs.count == 1, tabs[0] > line.lowerBound else {
          throw .malformed(
            path: path,
            reason: "line \(index + 1) is not 'class<TAB>text' "
              + (tabs.isEmpty
                ? "(no tab)" : tabs.count > 1 ? "(more than one tab)" : "(empty class)"))
        }
        func text(_ range: Range<Int>) throws(DatasetError) -> String {
          guard
            let text = String(
              validating: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
              as: UTF8.self)
          else {
            throw .malformed(path: path, reason: "line \(index + 1) is not valid UTF-8")
          }
          return text
        }
        documents.append(
          (try text(line.lowerBound..<tabs[0]), try text((tabs[0] + 1)..<line.upperBound)))
      }
      return documents
    }
  }
}
