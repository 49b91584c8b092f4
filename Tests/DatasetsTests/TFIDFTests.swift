// TF-IDF: tokenisation and weights against scikit-learn's CountVectorizer + TfidfTransformer.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("TFIDF")
struct TFIDFTests {
  @Test("tokens are lower-cased runs of two or more word characters, as sklearn's token_pattern")
  func tokens() {
    #expect(
      TFIDF.tokens(in: "The cat's mat, 2 dogs & stock_prices!") == [
        "the", "cat", "mat", "dogs", "stock_prices",
      ])
    #expect(TFIDF.tokens(in: "Über Straße élan x 42") == ["über", "straße", "élan", "42"])
    #expect(TFIDF.tokens(in: "") == [])
  }

  @Test(
    "vocabulary, IDF and rows match scikit-learn on a small corpus (sublinear tf, L2 rows)",
    .tags(.golden))
  func sklearnGolden() throws {
    let golden = try loadFixture("preprocessing.json", in: .module).object("tfidf")
    let corpus = try #require(golden.data["corpus"] as? [String])
    let vocabulary = try #require(golden.data["vocabulary"] as? [String])
    let model = try TFIDF(configuration: .init(maxFeatures: 7)).fit(corpus)
    #expect(model.vocabulary == vocabulary)
    expectClose(model.idf, golden.doubles("idf"), rtol: 1e-14, atol: 0)
    let features = model.transform(corpus, on: CPUBackend.shared)
    #expect(features.shape == [corpus.count, 7])
    expectClose(features.doubles, golden.doubles("features"), rtol: 1e-6, atol: 1e-7)
    // The empty document is a zero row, not NaN.
    #expect(features.rows(5..<6).doubles.allSatisfy { $0 == 0 })
  }

  @Test("the DEC configuration scales unit rows by √2000; invalid options throw")
  func configuration() throws {
    #expect(TFIDF.Configuration.dec.scale == 2000.0.squareRoot())
    let model = try TFIDF(configuration: .init(maxFeatures: 3, scale: 2)).fit(["aa bb cc", "aa dd"])
    let row = model.transform(["aa bb"]).doubles
    expectClose([row.reduce(0) { $0 + $1 * $1 }.squareRoot()], [2], rtol: 1e-6, atol: 0)
    #expect(throws: DatasetError.self) {
      try TFIDF(configuration: .init(maxFeatures: 0)).fit(["aa"])
    }
    #expect(throws: DatasetError.self) { try TFIDF().fit([]) }
    #expect(throws: DatasetError.self) { try TFIDF().fit(["a b c", "!"]) }
  }

  @Test(
    "Reuters R8: vocabulary, IDF and rows match scikit-learn with alphabetical tie-breaking",
    .tags(.golden), .enabled(if: hasData(.reutersR8), missingDataReason(.reutersR8)))
  func reutersR8() throws {
    let golden = try loadFixture("reuters_r8.json", in: .module)
    let documents = try ReutersR8.loadDocuments(from: dataDirectory(.reutersR8))
    let (model, features) = try TFIDF(configuration: .dec).fitTransform(documents.texts)
    #expect(model.vocabulary == golden.data["vocabulary"] as? [String])
    expectClose(model.idf, golden.doubles("idf"), rtol: 1e-13, atol: 0)
    let rows = golden.ints("rows")
    expectClose(
      features.gatheringRows(rows).doubles, golden.doubles("features"), rtol: 1e-6,
      atol: 1e-6)
  }
}
