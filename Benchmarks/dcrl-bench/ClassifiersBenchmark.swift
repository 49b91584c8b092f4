// dcrl-bench classifiers: the downstream classifiers of Table 4 (LR, MLP, SVM, RFC) against
// scikit-learn on the same embedding, in the same command: fit + predict time and accuracy.

import Classifiers
import Datasets
import Foundation
import Tensor
import _CommandLineSupport

enum ClassifiersBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench classifiers",
    summary: "LR/MLP/SVM/RFC fit + predict time and accuracy against scikit-learn",
    flags: [
      .option(
        "source", "NAME",
        help: "the embedding: MNIST-full's generalisation split (first 50k train / last 20k "
          + "test) projected on its training set's first PCA components, a synthetic mixture, "
          + "or the golden MNIST-PCA-10 fixture (4000 / 2000; see --fixture)",
        default: "mnist-pca", choices: ["mnist-pca", "synthetic", "golden"]),
      .option(
        "data", "DIR", help: "folder with the MNIST IDX .gz files [DCRL_DATA, then the cache]"),
      .option("train", "N", help: "training samples of the synthetic embedding", default: "50000"),
      .option("test", "N", help: "test samples of the synthetic embedding", default: "20000"),
      .option("dims", "D", help: "embedding dimension (PCA components)", default: "10"),
      .option("classes", "K", help: "classes of the synthetic embedding", default: "10"),
      .option(
        "fixture", "FILE", help: "the golden embedding for --source golden",
        default: "Tests/ClassifiersTests/Fixtures/sklearn_classifiers.json"),
      .option("classifiers", "LIST", help: "which classifiers", default: "lr,svm,rf,mlp"),
      .option("presets", "LIST", help: "which presets", default: "sklearn021,modern"),
      .option("seed", "S", help: "seed of the data and of the classifiers", default: "0"),
      .option("threads", "N", help: "BLAS/OpenMP threads on both sides", default: "1"),
      .option(
        "peer", "PATH", help: "scikit-learn peer script",
        default: "Scripts/peer/sklearn_classifiers.py"),
      .switch("no-peer", help: "skip scikit-learn"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
      .option(
        "save-data", "FILE",
        help: "keep the peer's input (float32 features, then int32 labels; train rows first)"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let threads: Int = try arguments.required("threads")
    let seed: UInt64 = try arguments.required("seed")
    CPUBackend.setBLASThreads(threads)
    setenv("OMP_NUM_THREADS", "\(threads)", 1)
    setenv("OPENBLAS_NUM_THREADS", "\(threads)", 1)
    let names: [String] = try arguments.list("classifiers") ?? []
    let classifiers = try names.map { name in
      guard let classifier = DownstreamClassifier(rawValue: name) else {
        throw UsageError("--classifiers: '\(name)' is not one of lr, mlp, svm, rf")
      }
      return classifier
    }
    let presetNames: [String] = try arguments.list("presets") ?? []
    let presets = try presetNames.map { name in
      guard let preset = ClassifierPreset(rawValue: name) else {
        throw UsageError("--presets: '\(name)' is not one of sklearn021, modern")
      }
      return preset
    }

    let data: Embedding
    switch arguments.string("source")! {
    case "golden":
      data = try Embedding.golden(arguments.string("fixture")!)
    case "synthetic":
      data = Embedding.synthetic(
        train: try arguments.required("train"), test: try arguments.required("test"),
        dimensions: try arguments.required("dims"), classes: try arguments.required("classes"),
        seed: seed)
    default:
      data = try Embedding.mnistPCA(
        directory: try mnistDirectory(arguments.string("data")),
        dimensions: try arguments.required("dims"))
    }
    var report = [
      "# dcrl-bench classifiers", "", RunMetadata.current().markdown,
      "- threads: \(threads) (OpenBLAS here; OMP/OpenBLAS for scikit-learn)",
      "- data: \(data.description)", "",
    ]
    print(report.joined(separator: "\n"))

    var peer: [String: [String: Double]] = [:]
    if !arguments.isSet("no-peer") {
      if let version = runCommand("python3", ["-c", "import sklearn; print(sklearn.__version__)"]) {
        report.insert("- scikit-learn: \(version)", at: report.count - 1)
        print("- scikit-learn: \(version)")
      }
      peer = runPeer(
        script: arguments.string("peer")!, data: data, classifiers: names, presets: presetNames,
        seed: seed, keep: arguments.string("save-data"))
    }
    // Float32, as an embedding arrives and as the peer reads it.
    let train = Tensor(
      data.features(data.trainRange).map { Float($0) },
      shape: [data.trainRange.count, data.dimensions])
    let test = Tensor(
      data.features(data.testRange).map { Float($0) },
      shape: [data.testRange.count, data.dimensions])
    let trainLabels = Array(data.labels[data.trainRange])
    let testLabels = Array(data.labels[data.testRange])
    var rows: [[String]] = []
    for classifier in classifiers {
      for preset in classifier.presetsAgree ? [ClassifierPreset.modern] : presets {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try classifier.fit(train, labels: trainLabels, preset: preset, seed: seed)
        let fitted = clock.now
        let accuracy = try model.score(test, labels: testLabels)
        let done = clock.now
        let fit = (fitted - start).seconds
        let predict = (done - fitted).seconds
        let presetName = classifier.presetsAgree ? "both" : preset.rawValue
        let reference = peer["\(classifier.rawValue)/\(presetName)"]
        var row = [
          classifier.tableName, presetName, formatted(fit, decimals: 2),
          formatted(predict, decimals: 2), formatted(accuracy * 100, decimals: 2),
        ]
        if let reference {
          let total = reference["fit"]! + reference["predict"]!
          row += [
            formatted(reference["fit"]!, decimals: 2),
            formatted(reference["predict"]!, decimals: 2),
            formatted(reference["accuracy"]! * 100, decimals: 2),
            formatted((accuracy - reference["accuracy"]!) * 100, decimals: 2),
            formatted((fit + predict) / total, decimals: 2),
          ]
        } else {
          row += ["n/a", "n/a", "n/a", "n/a", "n/a"]
        }
        rows.append(row)
        print("  \(row.joined(separator: " | "))")
      }
    }
    let table = markdownTable(
      [
        "classifier", "preset", "ours fit s", "ours predict s", "ours acc %", "sklearn fit s",
        "sklearn predict s", "sklearn acc %", "Δ acc pp", "time ours/sklearn (≤ 2)",
      ], rows)
    report.append(table)
    print("\n" + table)
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }

  /// Writes the embedding for the peer and returns its results keyed "classifier/preset".
  static func runPeer(
    script: String, data: Embedding, classifiers: [String], presets: [String], seed: UInt64,
    keep: String?
  ) -> [String: [String: Double]] {
    let path = keep ?? NSTemporaryDirectory() + "dcrl-bench-classifiers-\(getpid()).bin"
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: path) } }
    var bytes = Data()
    let ordered = data.features(data.trainRange) + data.features(data.testRange)
    ordered.map { Float($0) }.withUnsafeBytes { bytes.append(contentsOf: $0) }
    let labels = (Array(data.labels[data.trainRange]) + Array(data.labels[data.testRange]))
      .map { Int32($0) }
    labels.withUnsafeBytes { bytes.append(contentsOf: $0) }
    guard FileManager.default.createFile(atPath: path, contents: bytes) else {
      FileHandle.standardError.write(Data("dcrl-bench: cannot write \(path)\n".utf8))
      return [:]
    }
    guard
      let output = runCommand(
        "python3",
        [
          script, "--data", path, "--train", "\(data.trainRange.count)", "--test",
          "\(data.testRange.count)", "--dims", "\(data.dimensions)", "--classifiers",
          classifiers.joined(separator: ","), "--presets", presets.joined(separator: ","),
          "--seed", "\(seed)",
        ])
    else {
      FileHandle.standardError.write(Data("dcrl-bench: scikit-learn peer did not run\n".utf8))
      return [:]
    }
    var results: [String: [String: Double]] = [:]
    for line in output.split(separator: "\n") {
      guard
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let name = object["classifier"] as? String, let preset = object["preset"] as? String
      else { continue }
      var values: [String: Double] = [:]
      for key in ["fit", "predict", "accuracy"] { values[key] = object[key] as? Double }
      results["\(name)/\(preset)"] = values
      print("  scikit-learn \(object["sklearn"] ?? "?") \(name)/\(preset): \(values)")
    }
    return results
  }
}

/// Features and labels with a train/test split.
struct Embedding {
  var values: [Double]
  var labels: [Int]
  var dimensions: Int
  var trainRange: Range<Int>
  var testRange: Range<Int>
  var description: String

  func features(_ range: Range<Int>) -> [Double] {
    Array(values[(range.lowerBound * dimensions)..<(range.upperBound * dimensions)])
  }

  /// A stand-in for an autoencoder embedding of MNIST.
  ///
  /// Every class is a mixture of three Gaussian blobs with per-dimension scales: class centres
  /// N(0, 0.9²), blob offsets N(0, 0.9²), scales U(0.5, 1.2). scikit-learn reaches ≈ 86 % (LR),
  /// 94 % (SVM), 91 % (RF) and 93 % (MLP) on it, the range of the paper's Table 4.
  static func synthetic(train: Int, test: Int, dimensions d: Int, classes k: Int, seed: UInt64)
    -> Embedding
  {
    var rng = Xoshiro256(seed: seed &+ 0x5EED)
    let centres = (0..<(k * d)).map { _ in 0.9 * rng.nextStandardNormal() }
    var blobs = [Double](repeating: 0, count: k * 3 * d)
    var scales = [Double](repeating: 0, count: k * 3 * d)
    for c in 0..<k {
      for b in 0..<3 {
        for j in 0..<d {
          blobs[(c * 3 + b) * d + j] = centres[c * d + j] + 0.9 * rng.nextStandardNormal()
          scales[(c * 3 + b) * d + j] = 0.5 + 0.7 * rng.nextUnitDouble()
        }
      }
    }
    let n = train + test
    var values = [Double](repeating: 0, count: n * d)
    var labels = [Int](repeating: 0, count: n)
    for i in 0..<n {
      let c = Int(rng.next(upperBound: UInt64(k)))
      let b = Int(rng.next(upperBound: UInt64(3)))
      labels[i] = c
      for j in 0..<d {
        let index = (c * 3 + b) * d + j
        // Rounded to float32, the precision of an embedding and of the peer's copy.
        values[i * d + j] = Double(Float(blobs[index] + scales[index] * rng.nextStandardNormal()))
      }
    }
    return Embedding(
      values: values, labels: labels, dimensions: d, trainRange: 0..<train,
      testRange: train..<n,
      description: "synthetic \(k)-class mixture (3 blobs per class), \(train) train / "
        + "\(test) test × \(d)-d, seed \(seed)")
  }

  /// MNIST-full's generalisation split (Docs/Algorithm.md#datasets, Docs/Algorithm.md#presets: the
  /// first 50,000
  /// images train, the
  /// last 20,000 test) projected on the first `dimensions` principal components of the
  /// training images, in float32: the shape of Table 4's embeddings.
  static func mnistPCA(directory: String, dimensions: Int) throws -> Embedding {
    let (training, test) = try LabeledDataset.loadGeneralizationSplit(
      from: URL(fileURLWithPath: directory, isDirectory: true))
    let pca = try PCA(components: dimensions).fit(training.features)
    let train = try pca.transform(training.features).doubles
    let values = train + (try pca.transform(test.features).doubles)
    let trainCount = training.labels.count
    return Embedding(
      values: values.map { Double(Float($0)) }, labels: training.labels + test.labels,
      dimensions: dimensions, trainRange: 0..<trainCount,
      testRange: trainCount..<(trainCount + test.labels.count),
      description: "MNIST-full generalisation split (\(directory)): first \(trainCount) train / "
        + "last \(test.labels.count) test, pixels / 255 projected on the training set's first "
        + "\(dimensions) principal components (float32)")
  }

  /// The golden MNIST-PCA-10 embedding of Scripts/golden/sklearn_classifiers.py.
  static func golden(_ path: String) throws -> Embedding {
    let object = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: path)))
    guard let root = object as? [String: Any], let data = root["data"] as? [String: Any],
      let rows = data["x"] as? [[Any]], let labels = data["labels"] as? [Int],
      let train = data["train"] as? [Int], let test = data["test"] as? [Int]
    else { throw UsageError("--fixture: \(path) is not sklearn_classifiers.json") }
    let values = rows.flatMap { $0.map { Double("\($0)") ?? .nan } }
    // Float32 values are what the peer reads; round ours the same way.
    return Embedding(
      values: values.map { Double(Float($0)) }, labels: labels, dimensions: rows[0].count,
      trainRange: train[0]..<train[1], testRange: test[0]..<test[1],
      description: "MNIST-PCA-10 golden embedding (\(path)), \(train[1] - train[0]) train / "
        + "\(test[1] - test[0]) test")
  }
}
