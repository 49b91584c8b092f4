// NPZ: NumPy's .npz archives (a zip of .npy members), stored or deflated, as numpy.savez and
// numpy.savez_compressed write them.

import Foundation
import Tensor

/// NumPy's `.npz` format: a zip archive whose members are `.npy` files named `<key>.npy`.
///
/// ```swift
/// try NPZ.write(["x": NPYArray(features), "y": NPYArray(labels: labels)], to: url, compressed: true)
/// let arrays = try NPZ.read(from: url)   // ["x": …, "y": …]
/// let x = try arrays["x"]!.tensor()
/// ```
///
/// Archives from `numpy.savez` (stored, zip64 local headers) and `numpy.savez_compressed`
/// (deflated) load here, and archives written here load in NumPy (both directions are tested
/// with committed fixtures; `Scripts/golden/check_swift_npz.py` checks ours in NumPy).
public enum NPZ {
  /// Reads every array in the archive at `url`, keyed by member name without `.npy`.
  ///
  /// - Throws: ``DatasetError/io(path:reason:)`` when the file cannot be read, and the errors
  ///   of ``decode(_:path:)``.
  public static func read(from url: URL) throws(DatasetError) -> [String: NPYArray] {
    try decode(readFile(url), path: url.path)
  }

  /// Decodes the bytes of an `.npz` archive.
  ///
  /// - Throws: ``DatasetError/emptyFile(path:)``, ``DatasetError/wrongMagic(path:expected:found:)``
  ///   for a file that is not a zip archive, ``DatasetError/truncated(path:detail:)`` and
  ///   ``DatasetError/malformed(path:reason:)`` for a damaged archive (including CRC
  ///   mismatches), and the errors of ``NPY/decode(_:path:)`` for each member.
  public static func decode(_ data: Data, path: String) throws(DatasetError) -> [String: NPYArray] {
    var arrays: [String: NPYArray] = [:]
    for entry in try ZipArchive.entries(in: data, path: path) {
      let key = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
      arrays[key] = try NPY.decode(entry.contents, path: "\(path) (entry '\(entry.name)')")
    }
    return arrays
  }

  /// Writes `arrays` to `url` as an `.npz` archive, atomically, members in key order.
  ///
  /// - Parameters:
  ///   - arrays: The arrays by name; each becomes the member `<name>.npy`.
  ///   - url: The file to write.
  ///   - compressed: Deflate the members (`numpy.savez_compressed`) rather than store them
  ///     (`numpy.savez`).
  public static func write(
    _ arrays: [String: NPYArray], to url: URL, compressed: Bool = false
  ) throws(DatasetError) {
    try writeFile(encode(arrays, compressed: compressed), to: url)
  }

  /// The bytes of an `.npz` archive holding `arrays`, members in key order, with a fixed
  /// timestamp so that equal arrays give equal bytes.
  public static func encode(_ arrays: [String: NPYArray], compressed: Bool = false) -> Data {
    encode(arrays, compressed: compressed, forceZip64: false)
  }

  /// The stored archive of `arrays` with zip64 records although nothing needs them, so that
  /// the zip64 writer and reader can be tested (and checked in NumPy) with small data.
  public static func encodeForcingZip64(_ arrays: [String: NPYArray]) -> Data {
    encode(arrays, compressed: false, forceZip64: true)
  }

  static func encode(_ arrays: [String: NPYArray], compressed: Bool, forceZip64: Bool) -> Data {
    let entries = arrays.keys.sorted().map { key in
      ZipArchive.Entry(name: key + ".npy", contents: NPY.encode(arrays[key]!))
    }
    return ZipArchive.encode(entries, compressed: compressed, forceZip64: forceZip64)
  }

  /// The array called `name` in `arrays`, read from `path`.
  ///
  /// - Throws: ``DatasetError/missingEntry(path:name:available:)`` when there is none.
  public static func array(
    _ name: String, in arrays: [String: NPYArray], path: String
  ) throws(DatasetError) -> NPYArray {
    guard let array = arrays[name] else {
      throw .missingEntry(path: path, name: name, available: arrays.keys.sorted())
    }
    return array
  }
}
