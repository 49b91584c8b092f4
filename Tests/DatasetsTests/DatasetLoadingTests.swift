// Real-data loaders: sizes, class counts and scaling of every benchmark dataset (SPEC.md §6),
// and the checksum and missing-file errors (RELIABILITY P5).

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

/// MNIST train + test per-digit counts (LeCun's distribution).
let mnistFullCounts = [6903, 7877, 6990, 7141, 6824, 6313, 6876, 7293, 6825, 6958]
let mnistTestCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
/// ESL's zip.info: training 1194 1005 731 658 652 556 664 645 542 644 (7,291) and test
/// 359 264 198 166 200 160 170 147 166 177 (2,007), summed per digit.
let uspsCounts = [1553, 1269, 929, 824, 852, 716, 834, 792, 708, 821]
let uspsTrainCounts = [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]
/// Cachopo's R8 table (train + test), classes in alphabetical order.
let reutersR8Counts = [2292, 374, 3923, 51, 271, 293, 144, 326]

@Suite("LabeledDataset loading")
struct DatasetLoadingTests {
  @Test(
    "MNIST-test: the 10,000 test images in [0, 1] with the known class counts",
    .enabled(if: hasData(.mnistTest), missingDataReason(.mnistTest)))
  func mnistTest() throws {
    let dataset = try LabeledDataset.load(.mnistTest, from: dataDirectory(.mnistTest))
    #expect(dataset.name == "mnist-test" && dataset.features.shape == [10_000, 784])
    #expect(dataset.features.dtype == .float32 && dataset.classCount == 10)
    #expect(dataset.classCounts == mnistTestCounts)
    let values = dataset.features.floats
    #expect(values.min() == 0 && values.max() == 1)
    // Pixel (row 0, column 202) of the first test image (a 7) is 84/255 in the raw file.
    #expect(values[202] == Float(84) / 255)
    #expect(dataset.labels.prefix(5) == [7, 2, 1, 0, 4])
    #expect(dataset.provenance.contains("8d422c7b0a1c"))
  }

  @Test(
    "MNIST-full: 70,000 = 60k train then 10k test, with the known per-digit counts",
    .enabled(if: hasData(.mnistFull), missingDataReason(.mnistFull)))
  func mnistFull() throws {
    let dataset = try LabeledDataset.load(.mnistFull, from: dataDirectory(.mnistFull))
    #expect(dataset.features.shape == [70_000, 784])
    #expect(dataset.classCounts == mnistFullCounts)
    #expect(dataset.labels.prefix(3) == [5, 0, 4] && dataset.labels[60_000..<60_003] == [7, 2, 1])
    let test = try LabeledDataset.load(.mnistTest, from: dataDirectory(.mnistTest))
    #expect(dataset.features.rows(60_000..<60_010).floats == test.features.rows(0..<10).floats)
    // The generalisation split (SPEC.md §6): first 50,000 / last 20,000.
    let (training, held) = try dataset.split(trainingCount: 50_000)
    #expect(training.count == 50_000 && held.count == 20_000)
    #expect(held.labels == Array(dataset.labels[50_000...]))
    #expect(held.name == "mnist-full[50000..<70000]")
  }

  @Test(
    "Fashion-MNIST labels: 70,000 with 7,000 per class",
    .enabled(if: hasData(.fashionMNIST), missingDataReason(.fashionMNIST)))
  func fashionLabels() throws {
    let labels = try LabeledDataset.loadLabels(.fashionMNIST, from: dataDirectory(.fashionMNIST))
    #expect(labels.count == 70_000)
    #expect(
      (0..<10).map { digit in labels.filter { $0 == digit }.count }
        == [Int](repeating: 7000, count: 10))
  }

  @Test(
    "Fashion-MNIST full load: [70000, 784] in [0, 1], named classes", .tags(.slow),
    .enabled(
      if: ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil && hasData(.fashionMNIST)))
  func fashion() throws {
    let dataset = try LabeledDataset.load(.fashionMNIST, from: dataDirectory(.fashionMNIST))
    #expect(dataset.features.shape == [70_000, 784])
    #expect(dataset.classCounts == [Int](repeating: 7000, count: 10))
    #expect(dataset.classNames[9] == "Ankle boot")
    let values = dataset.features.floats
    #expect(values.min() == 0 && values.max() == 1)
  }

  @Test(
    "USPS: 7,291 + 2,007 = 9,298 digits with ESL's zip.info class counts, values in [0, 1]",
    .enabled(if: hasData(.usps), missingDataReason(.usps)))
  func usps() throws {
    let dataset = try LabeledDataset.load(.usps, from: dataDirectory(.usps))
    #expect(dataset.features.shape == [9298, 256])
    #expect(dataset.classCounts == uspsCounts)
    #expect(dataset.rows(0..<7291).classCounts == uspsTrainCounts)
    let values = dataset.features.floats
    #expect(values.min() == 0 && values.max() == 1)
    // The first training digit is a 6 whose 8th value is -0.6310 in the file: (v + 1) / 2.
    #expect(dataset.labels[0] == 6 && values[7] == Float((-0.631 + 1.0) / 2))
  }

  @Test(
    "Reuters R8 labels: 7,674 documents with Cachopo's per-class counts",
    .enabled(if: hasData(.reutersR8), missingDataReason(.reutersR8)))
  func reutersLabels() throws {
    let documents = try ReutersR8.loadDocuments(from: dataDirectory(.reutersR8))
    #expect(documents.labels.count == 7674)
    #expect(
      documents.classNames == [
        "acq", "crude", "earn", "grain", "interest", "money-fx", "ship", "trade",
      ])
    #expect((0..<8).map { c in documents.labels.filter { $0 == c }.count } == reutersR8Counts)
    #expect(
      try LabeledDataset.loadLabels(.reutersR8, from: dataDirectory(.reutersR8)) == documents.labels
    )
  }

  @Test(
    "Reuters R8 features: [7674, 2000] TF-IDF rows of norm √2000 (or 0)", .tags(.slow),
    .enabled(
      if: ProcessInfo.processInfo.environment["DCRL_SLOW_TESTS"] != nil && hasData(.reutersR8)))
  func reutersFeatures() throws {
    let dataset = try LabeledDataset.load(.reutersR8, from: dataDirectory(.reutersR8))
    #expect(dataset.features.shape == [7674, 2000] && dataset.classCounts == reutersR8Counts)
    let norms = dataset.features.squared().sum(axis: 1).doubles.map { $0.squareRoot() }
    #expect(norms.allSatisfy { $0 == 0 || abs($0 - 2000.0.squareRoot()) < 1e-3 })
  }

  @Test(
    "MNIST label-only loading agrees with the full load",
    .enabled(if: hasData(.mnistTest), missingDataReason(.mnistTest)))
  func labelsOnly() throws {
    #expect(
      try LabeledDataset.loadLabels(.mnistTest, from: dataDirectory(.mnistTest)).prefix(5) == [
        7, 2, 1, 0, 4,
      ])
    let full = try LabeledDataset.loadLabels(.mnistFull, from: dataDirectory(.mnistFull))
    #expect((0..<10).map { digit in full.filter { $0 == digit }.count } == mnistFullCounts)
  }

  @Test("P5 a missing file names the path, the expected SHA-256 and how to obtain it")
  func missingFile() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      _ = try LabeledDataset.load(.mnistFull, from: directory)
      Issue.record("loaded from an empty folder")
    } catch {
      guard case .fileMissing(let path, let expected, let how) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(path == directory.appendingPathComponent("train-images-idx3-ubyte.gz").path)
      #expect(expected == "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")
      #expect(how.contains("MNIST") && !how.contains("shared/"))
      #expect(error.description.contains(path) && error.description.contains(expected))
    }
  }

  @Test("P5 a file with the wrong contents throws checksumMismatch before it is parsed")
  func checksumMismatch() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // A valid gzip'd USPS line: it would parse, but its checksum is not ESL's.
    let line = "3 " + [String](repeating: "0.5", count: 256).joined(separator: " ") + "\n"
    try Compression.gzip(Data(line.utf8)).write(
      to: directory.appendingPathComponent("zip.train.gz"))
    do {
      _ = try LabeledDataset.load(.usps, from: directory)
      Issue.record("a file with the wrong checksum loaded")
    } catch {
      guard case .checksumMismatch(let path, let expected, let found, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(
        path.hasSuffix("zip.train.gz") && expected.hasPrefix("66ebf231") && found.count == 64
          && found != expected)
    }
  }

  @Test("every dataset lists its files with 64-digit checksums and its data-root folder")
  func fileTable() {
    for name in DatasetName.allCases {
      #expect(!name.files.isEmpty && name.files.allSatisfy { $0.sha256.count == 64 })
    }
    let root = URL(fileURLWithPath: "/data")
    #expect(DatasetName.mnistFull.directory(inDataRoot: root).path == "/data/mnist")
    #expect(DatasetName.reutersR8.directory(inDataRoot: root).path == "/data/reuters-r8")
    #expect(
      DatasetName.fashionMNIST.directory(inDataRoot: root)
        == DatasetName.systemFashionMNISTDirectory)
  }

  @Test("a LabeledDataset checks its labels; rows and split keep provenance")
  func construction() throws {
    let features = Tensor((0..<12).map(Float.init), shape: [4, 3])
    let dataset = try LabeledDataset(
      name: "toy", features: features, labels: [0, 1, 1, 2], classCount: 3, provenance: "made up")
    #expect(dataset.classCounts == [1, 2, 1] && dataset.classNames == ["0", "1", "2"])
    let subset = dataset.rows(1..<3)
    #expect(subset.labels == [1, 1] && subset.features.floats == [3, 4, 5, 6, 7, 8])
    #expect(subset.provenance.hasSuffix("made up"))
    #expect(
      throws: DatasetError.invalidLabel(
        path: "toy", index: 3, value: "3", reason: "is outside 0..<3")
    ) {
      try LabeledDataset(
        name: "toy", features: features, labels: [0, 1, 1, 3], classCount: 3, provenance: "")
    }
    #expect(throws: DatasetError.self) {
      try LabeledDataset(
        name: "toy", features: features, labels: [0, 1], classCount: 3, provenance: "")
    }
    #expect(throws: DatasetError.self) { try dataset.split(trainingCount: 5) }
  }
}
