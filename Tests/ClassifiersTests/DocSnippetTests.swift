// DocSnippetTests: the code snippets of the Classifiers documentation, compiled and run.

import Classifiers
import Tensor
import Testing

@Suite("Documentation snippets")
struct DocSnippetTests {
  let split = EmbeddingGolden.shared.split("small")
  var trainEmbedding: Tensor { split.train.0.rows(0..<300) }
  var trainLabels: [Int] { Array(split.train.1[0..<300]) }
  var testEmbedding: Tensor { split.test.0.rows(0..<300) }
  var testLabels: [Int] { Array(split.test.1[0..<300]) }

  @Test("Classifiers.md: fit a support vector classifier and score it")
  func landingPage() throws {
    let model = try SupportVectorClassifier(configuration: .sklearn021)
      .fit(trainEmbedding, labels: trainLabels)
    let accuracy = try model.score(testEmbedding, labels: testLabels)
    #expect(accuracy > 0.7)
  }

  @Test("Classifiers.md: the four Table 4 classifiers by name")
  func table4Loop() throws {
    for classifier in DownstreamClassifier.allCases {
      let model = try classifier.fit(trainEmbedding, labels: trainLabels, preset: .sklearn021)
      let accuracy = try model.score(testEmbedding, labels: testLabels)
      #expect(accuracy > 0.6, "\(classifier.tableName)")
    }
  }

  @Test("LogisticRegression and DownstreamClassifier doc comments")
  func docComments() throws {
    let (train, y) = (trainEmbedding, trainLabels)
    let (test, yTest) = (testEmbedding, testLabels)
    let model = try LogisticRegression(configuration: .sklearn021).fit(train, labels: y)
    let accuracy = try model.score(test, labels: yTest)
    #expect(accuracy > 0.6)
    let svm = try DownstreamClassifier.svm
      .fit(trainEmbedding, labels: trainLabels, preset: .sklearn021, seed: 0)
      .score(testEmbedding, labels: testLabels)
    #expect(svm > 0.7)
  }
}
