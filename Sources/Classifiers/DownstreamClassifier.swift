// DownstreamClassifier: the four classifiers of the paper's Table 4 by name, each with the
// scikit-learn 0.21 or modern defaults.

import Tensor

/// Which scikit-learn release's defaults a classifier follows (Docs/Algorithm.md#presets).
public enum ClassifierPreset: String, Sendable, Codable, Hashable, CaseIterable {
  /// scikit-learn 0.21.3, the version the authors pinned: LR liblinear one-vs-rest, SVC
  /// γ = 1/d, 10 trees. Docs/Algorithm.md#presets recommends these for reproducing Table 4.
  case sklearn021
  /// scikit-learn ≥ 0.22: LR L-BFGS multinomial, SVC γ = 'scale', 100 trees.
  case modern
}

/// The downstream classifiers of the paper's Table 4, trained on frozen embeddings
/// (Docs/Algorithm.md#presets).
///
/// ```swift
/// let accuracy = try DownstreamClassifier.svm
///   .fit(trainEmbedding, labels: trainLabels, preset: .sklearn021, seed: 0)
///   .score(testEmbedding, labels: testLabels)
/// ```
public enum DownstreamClassifier: String, Sendable, Codable, Hashable, CaseIterable {
  /// ``LogisticRegression``.
  case logisticRegression = "lr"
  /// ``MLPClassifier``.
  case mlp
  /// ``SupportVectorClassifier`` (RBF).
  case svm
  /// ``RandomForestClassifier``.
  case randomForest = "rf"

  /// The short name used in tables: LR, MLP, SVM, RFC.
  public var tableName: String {
    switch self {
    case .logisticRegression: return "LR"
    case .mlp: return "MLP"
    case .svm: return "SVM"
    case .randomForest: return "RFC"
    }
  }

  /// Fits this classifier with `preset`'s defaults and `seed` on `x` and `labels`.
  ///
  /// Shape: `x` is `[n, d]`.
  /// - Returns: The fitted model.
  /// - Throws: ``ClassifierError`` for invalid input.
  public func fit(_ x: Tensor, labels: [Int], preset: ClassifierPreset, seed: UInt64 = 0)
    throws(ClassifierError) -> any ClassifierModel
  {
    func fit<C: PresetClassifier>(_: C.Type) throws(ClassifierError) -> any ClassifierModel {
      var configuration: C.Configuration = preset == .sklearn021 ? .sklearn021 : .modern
      configuration.seed = seed
      return try C(configuration: configuration).fit(x, labels: labels)
    }
    switch self {
    case .logisticRegression: return try fit(LogisticRegression.self)
    case .mlp: return try fit(MLPClassifier.self)
    case .svm: return try fit(SupportVectorClassifier.self)
    case .randomForest: return try fit(RandomForestClassifier.self)
    }
  }

  /// Whether the two presets configure this classifier identically (true for the MLP).
  public var presetsAgree: Bool { self == .mlp }
}

/// A classifier of Table 4, built from a configuration with both presets and a seed.
protocol PresetClassifier: Classifier {
  associatedtype Configuration: PresetConfiguration
  init(configuration: Configuration)
}

/// A classifier configuration with scikit-learn 0.21's and modern defaults, and a seed.
protocol PresetConfiguration {
  static var sklearn021: Self { get }
  static var modern: Self { get }
  var seed: UInt64 { get set }
}
