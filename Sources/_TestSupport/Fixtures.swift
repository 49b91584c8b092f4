// Fixtures: loading golden JSON files written by Scripts/golden, with a header check.

import Foundation
import Testing

/// Errors from loading a golden fixture.
public enum FixtureError: Error, CustomStringConvertible {
  /// The file is missing or unreadable.
  case unreadable(String)
  /// The header's format version is not the one the test expects.
  case staleFormat(file: String, found: Int, expected: Int, generator: String)

  /// A readable description.
  public var description: String {
    switch self {
    case .unreadable(let reason): return reason
    case .staleFormat(let file, let found, let expected, let generator):
      return "\(file) has format version \(found), the test expects \(expected): "
        + "regenerate it with `python3 \(generator)`"
    }
  }
}

/// A golden fixture: its header (generator, library versions, seed) and its body.
public struct Fixture {
  /// The `header` object: `generator`, `format_version`, `versions`, `seed`.
  public let header: [String: Any]
  /// The `data` object.
  public let data: [String: Any]

  /// Wraps a header and a data object, for example an element of an array in a fixture.
  public init(header: [String: Any], data: [String: Any]) {
    self.header = header
    self.data = data
  }

  /// The numbers stored under `key` in ``data``, flattened in row-major order.
  public func doubles(_ key: String) -> [Double] {
    flatten(data[key])
  }

  /// The integers stored under `key` in ``data``, flattened.
  public func ints(_ key: String) -> [Int] {
    doubles(key).map { Int($0) }
  }

  /// The number stored under `key` in ``data``.
  public func double(_ key: String) -> Double { doubles(key).first ?? .nan }

  /// The object stored under `key` in ``data``, as a fixture with the same header.
  public func object(_ key: String) -> Fixture {
    Fixture(header: header, data: data[key] as? [String: Any] ?? [:])
  }

  /// The array of objects stored under `key` in ``data``, each as a fixture with the same header.
  public func objects(_ key: String) -> [Fixture] {
    (data[key] as? [[String: Any]] ?? []).map { Fixture(header: header, data: $0) }
  }

  /// The number of entries in the array stored under `key` in ``data`` (rows of a matrix).
  public func count(_ key: String) -> Int { (data[key] as? [Any])?.count ?? 0 }

  private func flatten(_ value: Any?) -> [Double] {
    if let number = value as? NSNumber { return [number.doubleValue] }
    if let array = value as? [Any] { return array.flatMap { flatten($0) } }
    // Floats are stored as repr strings ("0.1", "nan", "-inf"): strtod parses them exactly.
    if let string = value as? String, let number = Double(string) { return [number] }
    return []
  }
}

/// Loads `name` from a test bundle's `Fixtures` folder and checks its format version.
public func loadFixture(
  _ name: String, in bundle: Bundle, formatVersion: Int = 1
) throws -> Fixture {
  guard let url = bundle.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")
  else { throw FixtureError.unreadable("fixture \(name) is missing from the test bundle") }
  let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
  guard let root = object as? [String: Any], let header = root["header"] as? [String: Any],
    let data = root["data"] as? [String: Any]
  else { throw FixtureError.unreadable("fixture \(name) lacks a header or data object") }
  let found = (header["format_version"] as? NSNumber)?.intValue ?? -1
  if found != formatVersion {
    throw FixtureError.staleFormat(
      file: name, found: found, expected: formatVersion,
      generator: header["generator"] as? String ?? "Scripts/golden/")
  }
  return Fixture(header: header, data: data)
}
