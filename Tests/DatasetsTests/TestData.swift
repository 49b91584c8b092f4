// TestData: where the data-dependent tests find the benchmark files, and small helpers for
// temporary files.

import Datasets
import Foundation
import Testing

/// The checkout's root: three levels above this file (Tests/DatasetsTests/TestData.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The store the data-dependent tests search (never downloading): `DCRL_DATA`, then the
/// project's development layout (a `shared/data` folder beside the checkout), then the
/// per-user cache.
let testDataStore: DatasetStore = {
  var store = DatasetStore(downloader: nil)
  let sibling = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
  if store.environmentRoot == nil {
    store.environmentRoot = sibling
  } else {
    store.dataRoot = store.environmentRoot
    store.environmentRoot = sibling
  }
  return store
}()

/// The folder holding every file of `name`, or where the files were expected.
func dataDirectory(_ name: DatasetName) -> URL {
  testDataStore.locate(name) ?? testDataStore.searchDirectories(for: name)[0]
}

/// Whether every file of `name` is present.
func hasData(_ name: DatasetName) -> Bool { testDataStore.locate(name) != nil }

/// The reason shown when a data-dependent test is skipped.
func missingDataReason(_ name: DatasetName) -> Comment {
  Comment(
    rawValue: "\(name.rawValue) files not found in "
      + testDataStore.searchDirectories(for: name).map(\.path).joined(separator: ", ")
      + "; set DCRL_DATA to a folder holding them")
}

/// A fresh temporary folder, removed by the caller.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-datasets-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
