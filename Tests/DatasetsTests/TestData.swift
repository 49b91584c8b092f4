// TestData: where the data-dependent tests find shared/data, and small helpers for temporary
// files.

import Datasets
import Foundation
import Testing

/// The checkout's root: three levels above this file (Tests/DatasetsTests/TestData.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The data root: `DCRL_DATA` when set (for worktrees outside the usual layout), otherwise
/// `packageRoot/../shared/data`.
let dataRoot: URL = {
  if let override = ProcessInfo.processInfo.environment["DCRL_DATA"], !override.isEmpty {
    return URL(fileURLWithPath: override, isDirectory: true)
  }
  return DatasetName.defaultDataRoot(relativeTo: packageRoot)
}()

/// The folder of `name` under the data root (the apt folder for Fashion-MNIST).
func dataDirectory(_ name: DatasetName) -> URL { name.directory(inDataRoot: dataRoot) }

/// Whether every file of `name` is present.
func hasData(_ name: DatasetName) -> Bool {
  name.files.allSatisfy {
    FileManager.default.fileExists(atPath: dataDirectory(name).appendingPathComponent($0.name).path)
  }
}

/// The reason shown when a data-dependent test is skipped.
func missingDataReason(_ name: DatasetName) -> Comment {
  Comment(
    rawValue: "\(name.rawValue) files not found in \(dataDirectory(name).path); "
      + "set DCRL_DATA or place shared/data beside the checkout")
}

/// A fresh temporary folder, removed by the caller.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dcrl-datasets-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
