// PCA, MinMaxScaler and StandardScaler against scikit-learn goldens, invariants and bad input.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("PCA")
struct PCATests {
  static func golden() throws -> Fixture {
    try loadFixture("preprocessing.json", in: .module).object("pca")
  }

  @Test(
    "matches scikit-learn's covariance_eigh PCA: components with signs, variances, transform",
    .tags(.golden), arguments: DType.allCases)
  func sklearnGolden(dtype: DType) throws {
    let golden = try Self.golden()
    let x = Tensor(converting: golden.doubles("x"), shape: [60, 8], dtype: dtype)
    let model = try PCA(components: 3).fit(x)
    let (rtol, atol) = dtype == .float64 ? (1e-9, 1e-9) : (2e-3, 2e-4)
    expectClose(model.components.doubles, golden.doubles("components"), rtol: rtol, atol: atol)
    expectClose(model.mean.doubles, golden.doubles("mean"), rtol: rtol, atol: atol)
    expectClose(
      model.explainedVariance, golden.doubles("explained_variance"), rtol: rtol, atol: atol)
    expectClose(
      model.explainedVarianceRatio, golden.doubles("explained_variance_ratio"), rtol: rtol,
      atol: atol)
    let coordinates = try model.transform(x)
    #expect(coordinates.shape == [60, 3] && coordinates.dtype == dtype)
    expectClose(coordinates.doubles, golden.doubles("transform"), rtol: rtol, atol: atol * 100)
    let whitened = try PCA(components: 3, whiten: true).fit(x).transform(x)
    expectClose(whitened.doubles, golden.doubles("whitened"), rtol: rtol, atol: atol * 10)
  }

  @Test("components are orthonormal; full-rank PCA reconstructs the data exactly")
  func invariants() throws {
    var rng = Xoshiro256(seed: 21)
    let x = Tensor.randomNormal([40, 5], dtype: .float64, using: &rng) * 3 + 7
    let model = try PCA(components: 5).fit(x)
    let gram = matmul(model.components, model.components, transposeB: true)
    expectClose(gram.doubles, (0..<25).map { $0 % 6 == 0 ? 1.0 : 0.0 }, rtol: 0, atol: 1e-12)
    #expect(
      zip(model.explainedVariance, model.explainedVariance.dropFirst()).allSatisfy { $0 >= $1 })
    expectClose([model.explainedVarianceRatio.reduce(0, +)], [1], rtol: 0, atol: 1e-12)
    let back = try model.inverseTransform(model.transform(x))
    expectClose(back.doubles, x.doubles, rtol: 0, atol: 1e-10)
  }

  @Test("I1-I4, I16 and invalid components throw input errors; constant data gives zero ratios")
  func badInput() throws {
    let x = Tensor.randomNormal([10, 4], seed: 3)
    #expect(throws: DatasetError.self) { try PCA(components: 0).fit(x) }
    #expect(throws: DatasetError.self) { try PCA(components: 5).fit(x) }
    #expect(throws: DatasetError.self) { try PCA(components: 1).fit(Tensor.zeros([0, 4])) }
    #expect(throws: DatasetError.self) { try PCA(components: 1).fit(Tensor.zeros([1, 4])) }
    #expect(throws: DatasetError.self) { try PCA(components: 1).fit(Tensor.zeros([4])) }
    var values = x.floats
    values[6] = .nan
    #expect(throws: DatasetError.self) {
      try PCA(components: 1).fit(Tensor(values, shape: [10, 4]))
    }
    let model = try PCA(components: 2).fit(x)
    #expect(throws: DatasetError.self) { try model.transform(Tensor.zeros([3, 5])) }
    let constant = try PCA(components: 2).fit(Tensor.full(3, [6, 3]))
    #expect(constant.explainedVariance == [0, 0] && constant.explainedVarianceRatio == [0, 0])
  }

  @Test(
    "PCA-50 of MNIST-full (70,000 × 784) explains most of the variance", .tags(.slow),
    .enabled(
      if: ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil && hasData(.mnistFull)))
  func mnistPCA50() throws {
    let mnist = try LabeledDataset.load(.mnistFull, from: dataDirectory(.mnistFull))
    let clock = ContinuousClock()
    let start = clock.now
    let model = try PCA(components: 50).fit(mnist.features)
    let reduced = try model.transform(mnist.features)
    print(
      "PCA-50 of MNIST-full: \(clock.now - start), ratio \(model.explainedVarianceRatio.reduce(0, +))"
    )
    #expect(reduced.shape == [70_000, 50])
    // scikit-learn 1.9.1 PCA(50) (covariance_eigh) on MNIST-full / 255 in float32: 0.825414.
    expectClose([model.explainedVarianceRatio.reduce(0, +)], [0.82541], rtol: 0, atol: 1e-3)
  }
}

@Suite("Scalers")
struct ScalerTests {
  static func golden() throws -> Fixture {
    try loadFixture("preprocessing.json", in: .module).object("scalers")
  }

  @Test(
    "MinMaxScaler matches scikit-learn; I5 the constant column maps to the lower bound",
    .tags(.golden))
  func minMax() throws {
    let golden = try Self.golden()
    let x = Tensor(golden.doubles("x"), shape: [20, 4])
    let model = try MinMaxScaler(lower: -1, upper: 2).fit(x)
    #expect(model.constantColumns == [2])
    let scaled = try model.transform(x)
    expectClose(scaled.doubles, golden.doubles("minmax"), rtol: 1e-12, atol: 1e-12)
    #expect(scaled.doubles.allSatisfy { $0.isFinite })
    expectClose(try model.inverseTransform(scaled).doubles, x.doubles, rtol: 1e-12, atol: 1e-12)
  }

  @Test(
    "StandardScaler matches scikit-learn; I5 the constant column maps to 0, not 0/0",
    .tags(.golden))
  func standard() throws {
    let golden = try Self.golden()
    let x = Tensor(golden.doubles("x"), shape: [20, 4])
    let model = try StandardScaler().fit(x)
    #expect(model.constantColumns == [2])
    expectClose(model.mean, golden.doubles("mean"), rtol: 1e-12, atol: 1e-12)
    expectClose(model.standardDeviation, golden.doubles("scale"), rtol: 1e-12, atol: 1e-12)
    let scaled = try model.transform(x)
    expectClose(scaled.doubles, golden.doubles("standard"), rtol: 1e-10, atol: 1e-12)
    expectClose(try model.inverseTransform(scaled).doubles, x.doubles, rtol: 1e-12, atol: 1e-12)
    // float32 input: same result within float32 rounding.
    let single = try StandardScaler().fit(x.converted(to: .float32)).transform(
      x.converted(to: .float32))
    expectClose(single.doubles, golden.doubles("standard"), rtol: 1e-5, atol: 1e-5)
  }

  @Test("I5 an all-zero matrix scales to finite values; I1-I4/I16 throw")
  func degenerate() throws {
    let zeros = Tensor.zeros([5, 3])
    #expect(try MinMaxScaler().fit(zeros).transform(zeros).doubles.allSatisfy { $0 == 0 })
    #expect(try StandardScaler().fit(zeros).transform(zeros).doubles.allSatisfy { $0 == 0 })
    #expect(throws: DatasetError.self) { try MinMaxScaler(lower: 1, upper: 1).fit(zeros) }
    #expect(throws: DatasetError.self) { try StandardScaler().fit(Tensor.zeros([0, 3])) }
    #expect(throws: DatasetError.self) {
      try StandardScaler().fit(Tensor([1, .infinity] as [Float], shape: [2, 1]))
    }
    #expect(throws: DatasetError.self) {
      try StandardScaler().fit(zeros).transform(Tensor.zeros([5, 2]))
    }
  }
}
