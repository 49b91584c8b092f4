// _FileIO: reading and writing whole files with typed errors, shared by the format codecs.

import Foundation

/// The bytes of the file at `url`.
func readFile(_ url: URL) throws(DatasetError) -> Data {
  // An empty file is not read: Foundation's Data(contentsOf:) leaks its 4 KiB read buffer on a
  // zero-length file (SafeTensors.read does the same).
  let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
  if (attributes?[.size] as? NSNumber)?.intValue == 0 { return Data() }
  do {
    return try Data(contentsOf: url)
  } catch {
    if !FileManager.default.fileExists(atPath: url.path) {
      throw .io(path: url.path, reason: "file not found")
    }
    throw .io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
  }
}

/// Writes `data` to `url` atomically: a temporary file in the same folder, then a rename.
func writeFile(_ data: Data, to url: URL) throws(DatasetError) {
  do {
    try data.write(to: url, options: .atomic)
  } catch {
    throw .io(path: url.path, reason: "cannot write: \(error.localizedDescription)")
  }
}
