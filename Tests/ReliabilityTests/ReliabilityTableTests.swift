// Keeps Docs/Reliability.md — every RELIABILITY.md row with the tests that cover it — in sync
// with the test sources, and fails when a row has neither a test nor a stated reason.

import Foundation
import Testing

/// Rows no test covers, with the reason.
///
/// A row listed here must have no test; one that gains a
/// test must leave this list.
let notApplicableRows: [String: String] = [
  "G2":
    "no code in this library differentiates a gradient: every loss (L_C, L_rec, L_rank, L_iso, "
    + "L_align, DEC's KL) is trained with first-order Adam/SGD steps, and the tape's backward "
    + "closures compute plain tensors, not recorded Variables, so second derivatives cannot be "
    + "requested. A gradgradcheck belongs with the first feature that needs one (e.g. a "
    + "gradient penalty)."
]

/// The package root: this file is `<root>/Tests/ReliabilityTests/ReliabilityTableTests.swift`.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// A Swift Testing test found in the sources.
struct DiscoveredTest: Hashable {
  /// The file, relative to the package root.
  var file: String
  var line: Int
  /// The display name: the first argument of `@Test(…)`.
  var name: String
  /// The RELIABILITY IDs the name starts with.
  var ids: [String]
  /// Whether the test (or its suite) runs only where `CUDABackend.isAvailable`.
  var gpuOnly: Bool
  /// Whether the test (or its suite) runs only with `DCRL_SLOW_TESTS`.
  var slowOnly: Bool
}

/// The IDs a display name starts with: a run of IDs such as `I1 I3`, `I1, I2:`, `I18/M1` or the
/// range `I1-I4`, before the first word that is not one.
func leadingIDs(_ name: String) -> [String] {
  let token = /^([IDGRMPC])([0-9]{1,2})(?:\s*[-–]\s*([IDGRMPC])([0-9]{1,2}))?(?:[\s,\/:]+|$)/
  var rest = Substring(name)
  var ids: [String] = []
  while let match = rest.prefixMatch(of: token) {
    let (letter, first) = (String(match.1), Int(match.2)!)
    if let endLetter = match.3, let end = match.4.flatMap({ Int($0) }), endLetter == match.1,
      end >= first
    {
      ids += (first...end).map { letter + String($0) }
    } else {
      ids.append(letter + String(first))
    }
    rest = rest[match.range.upperBound...]
  }
  return ids
}

/// The text of the attribute's argument list starting at `open` (an opening parenthesis), up
/// to its matching parenthesis, skipping string literals.
private func argumentList(_ text: [Character], from open: Int) -> String {
  var depth = 0
  var index = open
  var inString = false
  while index < text.count {
    let character = text[index]
    if inString {
      if character == "\\" {
        index += 1
      } else if character == "\"" {
        inString = false
      }
    } else if character == "\"" {
      inString = true
    } else if character == "(" {
      depth += 1
    } else if character == ")" {
      depth -= 1
      if depth == 0 { return String(text[open...index]) }
    }
    index += 1
  }
  return String(text[open...])
}

/// Every `@Test("…")` in the `.swift` files under `Tests/`, in file and line order.
func discoverTests() throws -> [DiscoveredTest] {
  let tests = packageRoot.appendingPathComponent("Tests")
  guard let enumerator = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)
  else { return [] }
  var files: [URL] = []
  for case let url as URL in enumerator where url.pathExtension == "swift" { files.append(url) }
  files.sort { $0.path < $1.path }
  let attribute = /@(Test|Suite)\s*\(/
  let displayName = /^\(\s*"((?:[^"\\]|\\.)*)"/
  var found: [DiscoveredTest] = []
  for url in files {
    let source = try String(contentsOf: url, encoding: .utf8)
    let characters = Array(source)
    let relative = String(url.path.dropFirst(packageRoot.path.count + 1))
    var suiteArguments = ""
    for match in source.matches(of: attribute) {
      let lineStart =
        source[..<match.range.lowerBound].lastIndex(of: "\n").map { source.index(after: $0) }
        ?? source.startIndex
      if source[lineStart..<match.range.lowerBound].contains("//") { continue }  // a comment
      let offset = source.distance(from: source.startIndex, to: match.range.upperBound) - 1
      let arguments = argumentList(characters, from: offset)
      if match.1 == "Suite" {
        suiteArguments = arguments
        continue
      }
      guard let name = arguments.prefixMatch(of: displayName).map({ String($0.1) }) else {
        continue
      }
      let line = source[..<match.range.lowerBound].filter { $0 == "\n" }.count + 1
      let traits = arguments + suiteArguments
      found.append(
        DiscoveredTest(
          file: relative, line: line, name: name, ids: leadingIDs(name),
          gpuOnly: traits.contains("CUDABackend.isAvailable") || traits.contains(".gpu"),
          slowOnly: traits.contains("DCRL_SLOW_TESTS")))
    }
  }
  return found
}

/// The coverage of one row.
struct RowCoverage {
  var row: ReliabilityRow
  var tests: [DiscoveredTest]
  var reason: String?

  var status: String {
    if let reason { return "not applicable: " + reason }
    if tests.contains(where: { !$0.gpuOnly && !$0.slowOnly }) { return "tested" }
    if tests.contains(where: { !$0.gpuOnly }) { return "tested (slow: `DCRL_SLOW_TESTS=1`)" }
    if !tests.isEmpty { return "tested on GPU only (skipped without `CUDABackend.isAvailable`)" }
    return "**no test**"
  }
}

/// Docs/Reliability.md for `coverage`.
func reliabilityTable(_ coverage: [RowCoverage]) -> String {
  func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
  let tested = coverage.filter { $0.status.hasPrefix("tested") }
  let gpu = coverage.filter { $0.status.hasPrefix("tested on GPU") }
  let na = coverage.filter { $0.reason != nil }
  var lines = [
    "# Reliability coverage",
    "",
    "<!-- Generated by Tests/ReliabilityTests/ReliabilityTableTests.swift; do not edit. -->",
    "",
    "Every case of the project's RELIABILITY list (bad input, numerical faults, backends, metrics,",
    "persistence, command line; the rows are kept in `Tests/ReliabilityTests/ReliabilityRows.swift`)",
    "with the tests that cover it. A test covers a row when its display name starts with the row's",
    "ID, as in `@Test(\"I11 n_samples < n_clusters throws\")`.",
    "",
    "This file is generated. `swift test` fails when it is out of date, or when a row has no test",
    "and no stated reason. After adding or renaming tests, regenerate it with",
    "",
    "    DCRL_WRITE_RELIABILITY=1 swift test --filter ReliabilityTableTests",
    "",
    "Status: **tested**: at least one test runs in the default `swift test`; **slow**: only with",
    "`DCRL_SLOW_TESTS=1`; **tested on GPU only**: the tests run where `CUDABackend.isAvailable`",
    "and are skipped elsewhere; **not applicable**: with the reason.",
    "",
    "\(coverage.count) rows: \(tested.count) tested (\(gpu.count) of them on a GPU only), "
      + "\(na.count) not applicable.",
    "",
    "| ID | Case | Expected | Status | Tests |",
    "|---|---|---|---|---|",
  ]
  for entry in coverage {
    let tests = entry.tests.map { "`\($0.file)`: \"\(escaped($0.name))\"" }.joined(
      separator: "<br>")
    lines.append(
      "| \(entry.row.id) | \(escaped(entry.row.topic)) | \(escaped(entry.row.expected)) | "
        + "\(escaped(entry.status)) | \(tests.isEmpty ? "—" : tests) |")
  }
  lines += [
    "",
    "## Estimator conformance: documented exceptions",
    "",
    "`Tests/ReliabilityTests/EstimatorConformanceTests.swift` runs scikit-learn's",
    "`check_estimator` checks (empty data, one sample, NaN/±inf, wrong rank, feature-count",
    "mismatch and NaN at predict, fit twice, batched vs full and permuted predict, save/load) over",
    "every estimator. What an estimator does not offer, and why fitting a permutation of the",
    "samples does not permute its result:",
    "",
    "| Estimator | Fit on permuted samples | Not checked |",
    "|---|---|---|",
  ]
  for subject in conformanceSubjects {
    let order: String
    switch subject.fitOrder {
    case .invariant: order = "permutes the result (checked)"
    case .dependent(let reason): order = "order-dependent: " + reason
    }
    let missing = subject.limitations.isEmpty ? "—" : subject.limitations.joined(separator: "; ")
    lines.append("| \(subject.name) | \(escaped(order)) | \(escaped(missing)) |")
  }
  lines += [
    "",
    "UMAP's `transform` (and so N2D's embedding of new samples) refines all new points together",
    "by SGD with one random stream, as umap-learn's does: batches and permutations give the same",
    "neighbourhoods (checked) but not the same coordinates. k-means from explicit centres and a",
    "Gaussian mixture from explicit parameters are checked to be order-invariant.",
  ]
  return lines.joined(separator: "\n") + "\n"
}

@Suite("RELIABILITY coverage table")
struct ReliabilityTableTests {
  @Test("every RELIABILITY row has a test or a reason, and Docs/Reliability.md is up to date")
  func table() throws {
    let tests = try discoverTests()
    #expect(tests.count > 300, "found only \(tests.count) tests; is the scan broken?")
    let known = Set(reliabilityRows.map(\.id))
    for test in tests {
      for id in test.ids where !known.contains(id) {
        Issue.record("\(test.file):\(test.line): '\(test.name)' names unknown row \(id)")
      }
    }
    let coverage = reliabilityRows.map { row in
      RowCoverage(
        row: row, tests: tests.filter { $0.ids.contains(row.id) },
        reason: notApplicableRows[row.id])
    }
    for entry in coverage {
      if entry.tests.isEmpty && entry.reason == nil {
        Issue.record("\(entry.row.id) (\(entry.row.topic)) has no test and no stated reason")
      }
      if !entry.tests.isEmpty && entry.reason != nil {
        Issue.record("\(entry.row.id) is listed as not applicable but has tests; drop the reason")
      }
    }
    let generated = reliabilityTable(coverage)
    let file = packageRoot.appendingPathComponent("Docs/Reliability.md")
    if ProcessInfo.processInfo.environment["DCRL_WRITE_RELIABILITY"] != nil {
      try generated.write(to: file, atomically: true, encoding: .utf8)
      return
    }
    let committed = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    if committed != generated {
      let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
      let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
      let line =
        zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(old.count, new.count)
      Issue.record(
        """
        Docs/Reliability.md is out of date (first difference at line \(line + 1)); regenerate it \
        with: DCRL_WRITE_RELIABILITY=1 swift test --filter ReliabilityTableTests
        """)
    }
  }

  @Test("display names spanning lines, ranges and lists of IDs are read as the table reads them")
  func parsing() {
    #expect(leadingIDs("I1 I3 I4 I17 empty, wrong-rank inputs") == ["I1", "I3", "I4", "I17"])
    #expect(leadingIDs("I1-I4, I16 and invalid components") == ["I1", "I2", "I3", "I4", "I16"])
    #expect(leadingIDs("I18/M1 permutation invariance") == ["I18", "M1"])
    #expect(leadingIDs("D11, D14: fitting twice") == ["D11", "D14"])
    #expect(leadingIDs("G1") == ["G1"])
    #expect(leadingIDs("P3 100,000 mutated inputs") == ["P3"])
    #expect(leadingIDs("T0 = 0 is the paper-literal schedule").isEmpty)
    #expect(leadingIDs("MinMaxScaler matches scikit-learn; I5 the constant column").isEmpty)
    #expect(leadingIDs("Interrupted runs resume") == [])
  }
}
