// LabeledDataset+Store: loading a benchmark dataset wherever the dataset store finds it,
// downloading it on first use.

import Foundation
import Tensor

extension LabeledDataset {
  /// Loads a benchmark dataset from the folder ``DatasetStore`` finds for it, downloading and
  /// verifying the missing files first.
  ///
  /// ```swift
  /// let store = DatasetStore(onEvent: { print($0) })  // --data, DCRL_DATA, then the cache
  /// let mnist = try LabeledDataset.load(.mnistFull, store: store)
  /// ```
  ///
  /// - Parameters:
  ///   - name: Which dataset.
  ///   - store: Where to look and how to download.
  ///   - backend: Where the features tensor lives; the scoped default when `nil`.
  /// - Throws: The errors of ``DatasetStore/directory(for:)`` and ``load(_:from:on:)``.
  public static func load(
    _ name: DatasetName, store: DatasetStore, on backend: (any Backend)? = nil
  ) throws(DatasetError) -> LabeledDataset {
    try load(name, from: store.directory(for: name), on: backend)
  }

  /// Only the labels of a benchmark dataset, from the folder ``DatasetStore`` finds for it.
  ///
  /// - Throws: As ``load(_:store:on:)``.
  public static func loadLabels(_ name: DatasetName, store: DatasetStore) throws(DatasetError)
    -> [Int]
  {
    try loadLabels(name, from: store.directory(for: name))
  }
}
