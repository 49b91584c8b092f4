// LabeledDataset+Loading: the loaders for the benchmark datasets (Docs/Algorithm.md#datasets).

import Foundation
import Tensor

extension LabeledDataset {
  /// Loads a benchmark dataset from the folder holding its files.
  ///
  /// Each file's SHA-256 is checked against the checksum committed in ``DatasetName/files``
  /// before it is parsed. Preprocessing follows Docs/Algorithm.md#datasets:
  ///
  /// | name | rows | features |
  /// |---|---|---|
  /// | ``DatasetName/mnistFull`` | 60,000 train then 10,000 test | 784 pixels / 255 |
  /// | ``DatasetName/mnistTest`` | the 10,000 test images | 784 pixels / 255 |
  /// | ``DatasetName/fashionMNIST`` | 60,000 train then 10,000 test | 784 pixels / 255 |
  /// | ``DatasetName/usps`` | 7,291 train then 2,007 test | 256 values, (v + 1) / 2 |
  /// | ``DatasetName/reutersR8`` | 5,485 train then 2,189 test | 2000 TF-IDF terms (``ReutersR8``) |
  ///
  /// ```swift
  /// let folder = try DatasetStore().directory(for: .mnistFull)  // found, or downloaded
  /// let mnist = try LabeledDataset.load(.mnistFull, from: folder)
  /// ```
  ///
  /// - Parameters:
  ///   - name: Which dataset.
  ///   - directory: The folder holding the dataset's files (for example
  ///     ``DatasetStore/directory(for:)``; ``load(_:store:on:)`` does both steps).
  ///   - backend: Where the features tensor lives; the scoped default when `nil`.
  /// - Returns: A dataset with float32 features.
  /// - Throws: ``DatasetError``: a missing file or checksum mismatch names the path, the expected
  ///   checksum and where to get the file; a parse error names the path and what was wrong.
  public static func load(
    _ name: DatasetName, from directory: URL, on backend: (any Backend)? = nil
  ) throws(DatasetError) -> LabeledDataset {
    switch name {
    case .mnistFull, .mnistTest, .fashionMNIST:
      return try loadIDXPairs(name, from: directory, on: backend)
    case .usps:
      return try USPS.load(from: directory, on: backend)
    case .reutersR8:
      return try ReutersR8.load(from: directory, on: backend)
    }
  }

  /// Only the labels of a benchmark dataset, in the order ``load(_:from:on:)`` gives them.
  ///
  /// Cheaper than a full load: MNIST and Fashion-MNIST read only their label files, and
  /// Reuters R8 skips the TF-IDF features. Every file read is checksum-verified first.
  ///
  /// - Throws: As ``load(_:from:on:)``.
  public static func loadLabels(_ name: DatasetName, from directory: URL) throws(DatasetError)
    -> [Int]
  {
    switch name {
    case .mnistFull, .mnistTest, .fashionMNIST:
      var labels: [Int] = []
      for file in stride(from: 1, to: name.files.count, by: 2).map({ name.files[$0] }) {
        let path = directory.appendingPathComponent(file.name).path
        let bytes = try Compression.gunzip(file.readVerified(in: directory), path: path)
        let array = try IDX.decode(bytes, path: path, expectedMagic: IDX.labelsMagic)
        let values = [UInt8](array.payload)
        if let bad = values.firstIndex(where: { $0 > 9 }) {
          throw .invalidLabel(
            path: path, index: bad, value: "\(values[bad])", reason: "is not a digit 0...9")
        }
        labels += values.map(Int.init)
      }
      return labels
    case .usps:
      var labels: [Int] = []
      for file in name.files {
        let path = directory.appendingPathComponent(file.name).path
        labels += try USPS.decode(
          Compression.gunzip(file.readVerified(in: directory), path: path), path: path
        ).labels
      }
      return labels
    case .reutersR8:
      return try ReutersR8.loadDocuments(from: directory).labels
    }
  }

  /// The generalisation split of the paper's Table 2 (Docs/Algorithm.md#metrics): the first 50,000 samples of
  /// MNIST-full for training and the last 20,000 for testing.
  ///
  /// The test part is the last 10,000 training images followed by the 10,000 official test
  /// images, because MNIST-full is train then test.
  ///
  /// - Parameters:
  ///   - directory: The folder holding the four MNIST files.
  ///   - backend: Where the tensors live; the scoped default when `nil`.
  /// - Throws: As ``load(_:from:on:)``.
  public static func loadGeneralizationSplit(
    from directory: URL, on backend: (any Backend)? = nil
  ) throws(DatasetError) -> (training: LabeledDataset, test: LabeledDataset) {
    try load(.mnistFull, from: directory, on: backend).split(trainingCount: 50_000)
  }

  /// MNIST, MNIST-test and Fashion-MNIST: pairs of IDX image and label files.
  private static func loadIDXPairs(
    _ name: DatasetName, from directory: URL, on backend: (any Backend)?
  ) throws(DatasetError) -> LabeledDataset {
    let files = name.files
    var pixelParts: [Data] = []
    var labels: [Int] = []
    for pair in stride(from: 0, to: files.count, by: 2) {
      let images = try files[pair].readVerified(in: directory)
      let labelBytes = try files[pair + 1].readVerified(in: directory)
      let imagesPath = directory.appendingPathComponent(files[pair].name).path
      let labelsPath = directory.appendingPathComponent(files[pair + 1].name).path
      let part = try MNISTFormat.decode(
        images: Compression.gunzip(images, path: imagesPath), imagesPath: imagesPath,
        labels: Compression.gunzip(labelBytes, path: labelsPath), labelsPath: labelsPath)
      guard part.imageShape == [28, 28] else {
        throw .malformed(
          path: imagesPath, reason: "images are \(part.imageShape), expected [28, 28]")
      }
      pixelParts.append(part.pixels)
      labels.append(contentsOf: part.labels)
    }
    let features = MNISTFormat.scaledFeatures(pixelParts, rows: labels.count, on: backend)
    let checksums = files.map { "\($0.name) (sha256 \($0.sha256.prefix(12))…)" }.joined(
      separator: ", ")
    let order = name == .mnistTest ? "the 10,000 test images" : "60,000 train then 10,000 test"
    let classNames = name == .fashionMNIST ? fashionClassNames : nil
    return try LabeledDataset(
      name: name.rawValue, features: features, labels: labels, classCount: 10,
      classNames: classNames,
      provenance: "\(name.rawValue): IDX files \(checksums) in \(directory.path); \(order); "
        + "784 pixels / 255 to [0, 1] (Docs/Algorithm.md#datasets)")
  }
}

/// Fashion-MNIST's class names, indexed by label (Zalando's README).
let fashionClassNames = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
  "Ankle boot",
]

/// Decoding of MNIST-style image/label IDX pairs.
public enum MNISTFormat {
  /// The pixels and labels of one decompressed image/label IDX pair.
  ///
  /// - Parameters:
  ///   - images: An IDX file with magic 2051 and dimensions `[n, rows, columns]`.
  ///   - labels: An IDX file with magic 2049 and dimensions `[n]`, each label in `0...9`.
  ///   - imagesPath: The image file's path, for error messages.
  ///   - labelsPath: The label file's path, for error messages.
  /// - Returns: `n · rows · columns` pixels in row-major order (a slice of `images`) and `n`
  ///   labels.
  /// - Throws: The errors of ``IDX/decode(_:path:expectedMagic:)``;
  ///   ``DatasetError/countMismatch(path:count:otherPath:otherCount:)`` when the files disagree
  ///   on `n`; ``DatasetError/invalidLabel(path:index:value:reason:)`` for a label above 9.
  public static func decode(
    images: Data, imagesPath: String, labels: Data, labelsPath: String
  ) throws(DatasetError) -> (pixels: Data, labels: [Int], imageShape: [Int]) {
    let imageArray = try IDX.decode(images, path: imagesPath, expectedMagic: IDX.imagesMagic)
    let labelArray = try IDX.decode(labels, path: labelsPath, expectedMagic: IDX.labelsMagic)
    let count = imageArray.dimensions[0]
    guard labelArray.dimensions[0] == count else {
      throw .countMismatch(
        path: imagesPath, count: count, otherPath: labelsPath, otherCount: labelArray.dimensions[0])
    }
    let labelValues = [UInt8](labelArray.payload)
    if let bad = labelValues.firstIndex(where: { $0 > 9 }) {
      throw .invalidLabel(
        path: labelsPath, index: bad, value: "\(labelValues[bad])", reason: "is not a digit 0...9")
    }
    return (imageArray.payload, labelValues.map(Int.init), Array(imageArray.dimensions.dropFirst()))
  }

  /// The pixels of `parts`, one after the other, divided by 255 as a float32
  /// `[rows, total / rows]` tensor.
  ///
  /// Dividing in float32 gives the same values as NumPy's float64 `x / 255.` cast to float32
  /// for all 256 byte values.
  static func scaledFeatures(_ parts: [Data], rows: Int, on backend: (any Backend)?) -> Tensor {
    let table = (0..<256).map { Float($0) / 255 }
    let total = parts.reduce(0) { $0 + $1.count }
    let values = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
      var target = buffer.baseAddress!
      for part in parts {
        part.withUnsafeBytes { bytes in
          table.withUnsafeBufferPointer { table in
            let (source, lookup) = (
              bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), table.baseAddress!
            )
            for index in 0..<bytes.count { target[index] = lookup[Int(source[index])] }
          }
        }
        target += part.count
      }
      initialized = total
    }
    let columns = rows == 0 ? 0 : total / rows
    return Tensor(values, shape: [rows, columns], on: backend)
  }
}
