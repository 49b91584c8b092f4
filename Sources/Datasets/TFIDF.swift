// TFIDF: term counts over the most frequent words, weighted by inverse document frequency, as
// scikit-learn's CountVectorizer + TfidfTransformer compute them for DEC's REUTERS-10K.

import Foundation
import Tensor

/// Term-frequency / inverse-document-frequency features with scikit-learn's conventions.
///
/// This is the REUTERS-10K pipeline of DEC (Docs/Algorithm.md#datasets): `CountVectorizer(max_features=2000)`,
/// then `TfidfTransformer(norm='l2', sublinear_tf=True)`, then the dense matrix times
/// `√maxFeatures`. Concretely, for a document d and a kept term t:
///
/// - tokens are maximal runs of two or more word characters (letters, digits, `_`), lower-cased:
///   scikit-learn's default `token_pattern` `(?u)\b\w\w+\b`;
/// - the vocabulary is the `maxFeatures` terms with the most occurrences in the whole corpus
///   (ties broken alphabetically, where scikit-learn's unstable argsort leaves them
///   unspecified), in alphabetical order;
/// - `tf = 1 + ln(count)` for a positive count (sublinear) or the raw count;
///   `idf = ln((1 + n) / (1 + df)) + 1` (smooth) where `df` counts the documents containing t;
/// - each row `tf · idf` is divided by its Euclidean norm (a zero row stays zero), then
///   multiplied by ``Configuration/scale``.
public struct TFIDF: Sendable {
  /// The options of the pipeline.
  public struct Configuration: Sendable, Codable, Hashable {
    /// How many of the most frequent terms to keep.
    public var maxFeatures: Int = 2000
    /// Whether term frequencies are `1 + ln(count)` instead of `count`.
    public var sublinearTF: Bool = true
    /// Whether rows are scaled to unit Euclidean norm.
    public var normalizeRows: Bool = true
    /// A factor applied after normalisation; DEC multiplies by `√maxFeatures`.
    public var scale: Double = 1

    /// The options of DEC's REUTERS-10K features: 2000 terms, sublinear tf, L2 rows, × √2000.
    public static let dec = Configuration(
      maxFeatures: 2000, sublinearTF: true, normalizeRows: true, scale: 2000.0.squareRoot())

    /// Creates a configuration; the defaults are scikit-learn's with `max_features=2000` and
    /// `sublinear_tf=True`.
    public init(
      maxFeatures: Int = 2000, sublinearTF: Bool = true, normalizeRows: Bool = true,
      scale: Double = 1
    ) {
      self.maxFeatures = maxFeatures
      self.sublinearTF = sublinearTF
      self.normalizeRows = normalizeRows
      self.scale = scale
    }

    /// Checks that every option is in range.
    ///
    /// - Throws: ``DatasetError/input(_:)``.
    public func validate() throws(DatasetError) {
      let check = DatasetError.require
      try check(maxFeatures >= 1, "maxFeatures", maxFeatures, "must be >= 1")
      try check(scale.isFinite && scale > 0, "scale", scale, "must be finite and > 0")
    }
  }

  /// The options.
  public var configuration: Configuration

  /// Creates the pipeline with `configuration`.
  public init(configuration: Configuration = .dec) {
    self.configuration = configuration
  }

  /// Learns the vocabulary and document frequencies of `documents`.
  ///
  /// - Throws: ``DatasetError/input(_:)`` for an invalid configuration, no documents, or documents
  ///   without a single token.
  /// - Complexity: O(total text length + v log v) for v distinct terms.
  public func fit(_ documents: [String]) throws(DatasetError) -> TFIDFModel {
    try fit(counts: documents.map(Self.termCounts))
  }

  /// Fits on `documents` and returns the model with their TF-IDF rows, tokenising each
  /// document once.
  ///
  /// Shape: the features are float32 `[documents.count, vocabulary.count]`.
  /// - Parameters:
  ///   - documents: The corpus.
  ///   - backend: Where the tensor lives; the scoped default when `nil`.
  /// - Throws: As ``fit(_:)``.
  public func fitTransform(
    _ documents: [String], on backend: (any Backend)? = nil
  ) throws(DatasetError) -> (model: TFIDFModel, features: Tensor) {
    let counts = documents.map(Self.termCounts)
    let model = try fit(counts: counts)
    return (model, model.transform(counts: counts, on: backend))
  }

  /// Learns the vocabulary and IDF from each document's term counts.
  func fit(counts: [[String: Int]]) throws(DatasetError) -> TFIDFModel {
    try configuration.validate()
    guard !counts.isEmpty else { throw .input(.empty(parameter: "documents")) }
    var totals: [String: Int] = [:]
    var documentFrequency: [String: Int] = [:]
    for document in counts {
      for (term, count) in document {
        totals[term, default: 0] += count
        documentFrequency[term, default: 0] += 1
      }
    }
    try DatasetError.require(
      !totals.isEmpty, "documents", "\(counts.count) documents without tokens",
      "need at least one token of two or more word characters")
    let ranked = totals.sorted { lhs, rhs in
      lhs.value != rhs.value
        ? lhs.value > rhs.value : lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
    }
    let vocabulary = ranked.prefix(configuration.maxFeatures).map(\.key)
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let n = Double(counts.count)
    let idf = vocabulary.map { term in
      (log((1 + n) / (1 + Double(documentFrequency[term]!))) + 1)
    }
    return TFIDFModel(configuration: configuration, vocabulary: vocabulary, idf: idf)
  }

  /// The lower-cased tokens of `text`: maximal runs of at least two word characters.
  ///
  /// ASCII text is scanned byte by byte; other text by Unicode scalar, treating alphabetic and
  /// numeric scalars and `_` as word characters (Python's `\w`).
  public static func tokens(in text: String) -> [String] {
    if let ascii = text.utf8.withContiguousStorageIfAvailable(asciiTokens), let ascii {
      return ascii
    }
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    func flush() {
      if current.count >= 2 { tokens.append(String(current)) }
      current = String.UnicodeScalarView()
    }
    for scalar in text.lowercased().unicodeScalars {
      if scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        current.append(scalar)
      } else {
        flush()
      }
    }
    flush()
    return tokens
  }

  /// The tokens of ASCII text scanned byte by byte, or `nil` if the text is not ASCII.
  private static func asciiTokens(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
    guard let base = bytes.baseAddress else { return [] }
    var tokens: [String] = []
    var lowered: [UInt8] = []
    var index = 0
    while index < bytes.count {
      let start = index
      var hasUpper = false
      while index < bytes.count {
        let byte = base[index]
        if byte >= 0x80 { return nil }
        let isLower = byte >= 0x61 && byte <= 0x7a
        let isUpper = byte >= 0x41 && byte <= 0x5a
        let isDigit = byte >= 0x30 && byte <= 0x39
        guard isLower || isUpper || isDigit || byte == 0x5f else { break }
        hasUpper = hasUpper || isUpper
        index += 1
      }
      if index - start >= 2 {
        let token = UnsafeBufferPointer(start: base + start, count: index - start)
        if hasUpper {
          lowered.removeAll(keepingCapacity: true)
          for byte in token { lowered.append(byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte) }
          tokens.append(String(decoding: lowered, as: UTF8.self))
        } else {
          tokens.append(String(decoding: token, as: UTF8.self))
        }
      }
      if index == start { index += 1 }
    }
    return tokens
  }

  static func termCounts(_ document: String) -> [String: Int] {
    var counts: [String: Int] = [:]
    for token in tokens(in: document) { counts[token, default: 0] += 1 }
    return counts
  }
}

/// A fitted ``TFIDF``: the vocabulary and the inverse document frequencies.
public struct TFIDFModel: Sendable, Codable, Hashable {
  /// The options it was fitted with.
  public var configuration: TFIDF.Configuration
  /// The kept terms, in alphabetical order: column `j` of ``transform(_:on:)`` counts
  /// `vocabulary[j]`.
  public var vocabulary: [String]
  /// `ln((1 + n) / (1 + df)) + 1` for each vocabulary term.
  public var idf: [Double]

  /// The TF-IDF rows of `documents`.
  ///
  /// Shape: the result is float32 `[documents.count, vocabulary.count]`.
  /// - Parameters:
  ///   - documents: The texts to weight.
  ///   - backend: Where the tensor lives; the scoped default when `nil`.
  public func transform(_ documents: [String], on backend: (any Backend)? = nil) -> Tensor {
    transform(counts: documents.map(TFIDF.termCounts), on: backend)
  }

  /// The TF-IDF rows for each document's term counts, touching only its nonzero entries.
  func transform(counts: [[String: Int]], on backend: (any Backend)?) -> Tensor {
    let columns = vocabulary.count
    var index: [String: Int] = [:]
    for (column, term) in vocabulary.enumerated() { index[term] = column }
    var values = [Float](repeating: 0, count: counts.count * columns)
    for (row, document) in counts.enumerated() {
      // (column, tf · idf) for the kept terms, in column order as scikit-learn's CSR rows.
      let entries = document.compactMap { term, count -> (Int, Double)? in
        guard let column = index[term] else { return nil }
        let tf = configuration.sublinearTF ? 1 + log(Double(count)) : Double(count)
        return (column, tf * idf[column])
      }.sorted { $0.0 < $1.0 }
      // Divide by the norm first, then scale, in the order scikit-learn and DEC do.
      let norm =
        configuration.normalizeRows ? entries.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot() : 1
      guard norm > 0 else { continue }
      for (column, value) in entries {
        values[row * columns + column] = Float(value / norm * configuration.scale)
      }
    }
    return Tensor(values, shape: [counts.count, columns], on: backend)
  }
}
