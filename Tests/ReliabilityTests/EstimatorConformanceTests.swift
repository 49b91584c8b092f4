// An estimator conformance suite in the spirit of scikit-learn's check_estimator, run over
// KMeans, SpectralClustering, GaussianMixture, TSNE, UMAP, DEC, IDEC, N2D and DCRL.

import Clustering
import DCRL
import Foundation
import Manifold
import Tensor
import Testing
import _TestSupport

/// Three well-separated blobs in 4-D, 20 samples each, float32.
func conformanceData(seed: UInt64 = 3) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  let centres: [[Double]] = [[0, 0, 0, 0], [6, 0, 3, 0], [0, 6, 0, -3]]
  var values: [Float] = []
  for index in 0..<60 {
    values += centres[index % 3].map { Float($0 + rng.nextStandardNormal()) }
  }
  return Tensor(values, shape: [60, 4])
}

/// Whether `error` is one of the library's typed errors and its message contains every one of
/// `fragments` (compared case-insensitively).
private func expectTypedError(
  _ error: any Error, mentioning fragments: [String], _ context: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let typed = error is ClusteringError || error is ManifoldError || error is DCRLError
  #expect(
    typed, "\(context): untyped error \(type(of: error)): \(error)", sourceLocation: sourceLocation)
  let message = "\(error)".lowercased()
  for fragment in fragments {
    #expect(
      message.contains(fragment.lowercased()),
      "\(context): '\(error)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
  }
}

/// `fit(x)` must throw a typed error mentioning `fragments`.
private func expectFitThrows(
  _ subject: Subject, _ x: Tensor, mentioning fragments: [String], _ context: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  do {
    _ = try subject.fit(x)
    Issue.record("\(subject.name): \(context) was accepted", sourceLocation: sourceLocation)
  } catch {
    expectTypedError(
      error, mentioning: fragments, "\(subject.name): \(context)", sourceLocation: sourceLocation)
  }
}

/// `rows` reordered by `permutation`.
private func permuted<T>(_ rows: [T], _ permutation: [Int]) -> [T] { permutation.map { rows[$0] } }

/// Compares two lists of output rows: labels exactly, real values within the float32
/// tolerance of RELIABILITY D15 (a GEMM over a different number of rows may round differently).
private func expectSameRows(
  _ actual: [[Double]], _ expected: [[Double]], exact: Bool, _ context: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(context): row counts", sourceLocation: sourceLocation)
  if exact {
    #expect(actual == expected, "\(context)", sourceLocation: sourceLocation)
  } else {
    expectClose(
      actual.flatMap { $0 }, expected.flatMap { $0 }, rtol: 1e-5, atol: 1e-5,
      Comment(rawValue: context),
      sourceLocation: sourceLocation)
  }
}

/// Methods whose outputs for a point depend on the other points transformed with it: UMAP's
/// `transform` (and N2D's embedding, which is one) refines all new points together by SGD that
/// draws negative samples from one random stream in row order, exactly as umap-learn's does.
private func isJointlyOptimized(_ subject: Subject, _ method: String) -> Bool {
  subject.name == "UMAP" || (subject.name == "N2D" && method == "embed")
}

/// For a jointly optimised transform the rows cannot agree bit for bit; what must agree is where
/// each point lands.
///
/// Row `r` (sample `samples[r]`) passes when its nearest other point of the
/// full transform `reference` belongs to the same blob (sample index mod 3 in
/// ``conformanceData(seed:)``) as the nearest other point of the sample's own full-transform
/// position. At most 5 % of the points may differ (points on the edge of a blob).
private func expectSameNeighborhoods(
  _ rows: [[Double]], samples: [Int], reference: [[Double]], _ context: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  func nearestBlob(_ point: [Double], excluding sample: Int) -> Int {
    var best = (distance: Double.infinity, index: -1)
    for (index, other) in reference.enumerated() where index != sample {
      let distance = zip(point, other).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      if distance < best.distance { best = (distance, index) }
    }
    return best.index % 3
  }
  let moved = zip(rows, samples).filter { row, sample in
    nearestBlob(row, excluding: sample) != nearestBlob(reference[sample], excluding: sample)
  }.count
  #expect(
    moved * 20 <= rows.count, "\(context): \(moved) of \(rows.count) points changed neighbourhood",
    sourceLocation: sourceLocation)
}

@Suite("Estimator conformance (check_estimator)")
struct EstimatorConformanceTests {
  let x = conformanceData()

  @Test("I1 I2: empty data and zero features throw a typed error", arguments: conformanceSubjects)
  func emptyData(_ subject: Subject) {
    expectFitThrows(subject, Tensor.zeros([0, 4]), mentioning: ["0"], "0 samples")
    expectFitThrows(subject, Tensor.zeros([60, 0]), mentioning: ["0"], "0 features")
  }

  /// scikit-learn's `check_fit2d_1sample`: a single sample is either fitted or rejected with a
  /// message about the sample count.
  ///
  /// Every estimator here needs more than one sample (three
  /// clusters, a perplexity, a neighbourhood), so each rejects it.
  @Test("I11 I12 one sample throws, naming the sample count", arguments: conformanceSubjects)
  func oneSample(_ subject: Subject) {
    expectFitThrows(subject, x.rows(0..<1), mentioning: ["1"], "one sample")
  }

  @Test("I4 NaN and ±inf in fit throw, naming the row and column", arguments: conformanceSubjects)
  func nonFinite(_ subject: Subject) {
    for value in [Float.nan, .infinity, -.infinity] {
      var values = x.floats
      values[4 * 7 + 2] = value
      expectFitThrows(
        subject, Tensor(values, shape: [60, 4]), mentioning: ["7", "2"], "\(value) at (7, 2)")
    }
  }

  @Test("I3 1-D and 3-D inputs throw, showing the shape", arguments: conformanceSubjects)
  func wrongRank(_ subject: Subject) {
    expectFitThrows(subject, Tensor.zeros([240]), mentioning: ["[240]"], "a 1-D input")
    expectFitThrows(subject, Tensor.zeros([60, 2, 2]), mentioning: ["[60, 2, 2]"], "a 3-D input")
  }

  @Test(
    "I16 I4 predict/transform reject another feature count and non-finite rows",
    arguments: conformanceSubjects.filter {
      $0.limitations.allSatisfy { !$0.contains("no predict") && !$0.contains("no transform") }
    })
  func applyChecksInput(_ subject: Subject) throws {
    let model = try subject.fit(x)
    for (name, apply) in model.methods {
      do {
        _ = try apply(Tensor.zeros([5, 3]))
        Issue.record("\(subject.name).\(name) accepted 3 features")
      } catch {
        expectTypedError(error, mentioning: ["3", "4"], "\(subject.name).\(name), 3 features")
      }
      var values = x.rows(0..<5).floats
      values[6] = .nan
      do {
        _ = try apply(Tensor(values, shape: [5, 4]))
        Issue.record("\(subject.name).\(name) accepted NaN")
      } catch {
        expectTypedError(error, mentioning: ["nan"], "\(subject.name).\(name), NaN")
      }
    }
  }

  @Test(
    "D11 D14 fitting twice from the same seed gives identical bits", arguments: conformanceSubjects)
  func fitTwice(_ subject: Subject) throws {
    let first = try subject.fit(x)
    let second = try subject.fit(x)
    #expect(!first.state.isEmpty)
    #expect(first.state == second.state, "\(subject.name): refitting changed the learned state")
    for ((name, a), (_, b)) in zip(first.methods, second.methods) {
      #expect(try a(x) == b(x), "\(subject.name).\(name)")
    }
  }

  @Test(
    "D15 batched and full predict/transform agree (labels exactly, values within 1e-5)",
    arguments: conformanceSubjects)
  func batched(_ subject: Subject) throws {
    let model = try subject.fit(x)
    for (name, apply) in model.methods {
      let full = try apply(x)
      let pieces = try [0..<1, 1..<17, 17..<60].flatMap { try apply(x.rows($0)) }
      if isJointlyOptimized(subject, name) {
        expectSameNeighborhoods(
          pieces, samples: Array(0..<60), reference: full, "\(subject.name).\(name)")
        continue
      }
      expectSameRows(pieces, full, exact: name == "predict", "\(subject.name).\(name)")
    }
  }

  @Test("D16 permuting the samples permutes predict/transform", arguments: conformanceSubjects)
  func sampleOrder(_ subject: Subject) throws {
    let model = try subject.fit(x)
    var rng = Xoshiro256(seed: 8)
    let permutation = randomPermutation(60, using: &rng)
    for (name, apply) in model.methods {
      let full = try apply(x)
      let shuffled = try apply(x.gatheringRows(permutation))
      if isJointlyOptimized(subject, name) {
        expectSameNeighborhoods(
          shuffled, samples: permutation, reference: full, "\(subject.name).\(name)")
        continue
      }
      expectSameRows(
        shuffled, permuted(full, permutation), exact: name == "predict", "\(subject.name).\(name)")
    }
  }

  @Test("P1 a saved and loaded model gives identical outputs", arguments: conformanceSubjects)
  func saveLoad(_ subject: Subject) throws {
    let model = try subject.fit(x)
    guard let roundTrip = model.roundTrip else {
      // Documented in the subject's limitations and in Docs/Reliability.md.
      #expect(subject.limitations.contains { $0.contains("save") })
      return
    }
    let loaded = try roundTrip()
    for ((name, a), (_, b)) in zip(model.methods, loaded.methods) {
      #expect(try a(x) == b(x), "\(subject.name).\(name) after save/load")
    }
  }

  /// Lloyd's algorithm from given centres has no randomness: assignments and means do not depend
  /// on the order of the samples (the sums do, by rounding only).
  @Test("D16 k-means from explicit centres: fitting permuted data permutes the labels")
  func kMeansFitOrder() throws {
    let start: [[Double]] = [[1, 1, 0, 0], [5, 1, 2, 0], [1, 5, 0, -2]]
    let kmeans = KMeans(clusters: 3, initialization: .centers(start))
    var rng = Xoshiro256(seed: 9)
    let permutation = randomPermutation(60, using: &rng)
    let a = try kmeans.fit(x)
    let b = try kmeans.fit(x.gatheringRows(permutation))
    #expect(b.labels == permuted(a.labels, permutation))
    expectClose(b.centers, a.centers, rtol: 1e-6, atol: 1e-6)
    #expect(a.iterations == b.iterations)
  }

  @Test("D16 a Gaussian mixture from explicit parameters: fitting permuted data permutes labels")
  func mixtureFitOrder() throws {
    let identity = [1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    let mixture = GaussianMixture(
      configuration: GaussianMixture.Configuration(
        components: 3, covariance: .full,
        initialization: .parameters(
          weights: [1.0 / 3, 1.0 / 3, 1.0 / 3],
          means: [[1, 1, 0, 0], [5, 1, 2, 0], [1, 5, 0, -2]],
          covariances: [identity, identity, identity])))
    var rng = Xoshiro256(seed: 10)
    let permutation = randomPermutation(60, using: &rng)
    let a = try mixture.fit(x)
    let b = try mixture.fit(x.gatheringRows(permutation))
    #expect(b.labels == permuted(a.labels, permutation))
    expectClose(b.means, a.means, rtol: 1e-6, atol: 1e-6)
  }
}
