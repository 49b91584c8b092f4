// ExpectClose: NaN-aware tolerance comparison that reports the worst element, llm.c style.

import Tensor
import Testing

/// The result of comparing two arrays element by element.
public struct Closeness: CustomStringConvertible {
  /// The largest `|actual − expected|`.
  public var maxAbsoluteError = 0.0
  /// The largest `|actual − expected| / |expected|` over elements with `expected ≠ 0`.
  public var maxRelativeError = 0.0
  /// The element that exceeds its tolerance by the largest margin, if any does.
  public var worstIndex: Int?
  /// How many elements exceed `atol + rtol·|expected|`.
  public var failures = 0
  /// The first few `(index, actual, expected)` triples that fail.
  public var examples: [(Int, Double, Double)] = []

  /// A readable description.
  public var description: String {
    let shown = examples.map { "[\($0.0)] \($0.1) vs \($0.2)" }.joined(separator: ", ")
    return "\(failures) element(s) out of tolerance; max abs error \(maxAbsoluteError), "
      + "max rel error \(maxRelativeError), worst index \(worstIndex.map(String.init) ?? "-"); "
      + "first: \(shown)"
  }
}

/// Compares `actual` with `expected`: element `i` passes when
/// `|actual[i] − expected[i]| ≤ atol + rtol·|expected[i]|`, or when both are NaN or the same
/// infinity.
public func closeness(
  _ actual: [Double], _ expected: [Double], rtol: Double, atol: Double
) -> Closeness {
  var result = Closeness()
  var worstExcess = 0.0
  for (index, (a, e)) in zip(actual, expected).enumerated() {
    if a.isNaN && e.isNaN { continue }
    if a.isInfinite && a == e { continue }
    let error = abs(a - e)
    result.maxAbsoluteError = max(result.maxAbsoluteError, error.isNaN ? .infinity : error)
    if e != 0 { result.maxRelativeError = max(result.maxRelativeError, error / abs(e)) }
    let allowed = atol + rtol * abs(e)
    if !(error <= allowed) {
      result.failures += 1
      let excess = error.isNaN ? .infinity : error - allowed
      if result.worstIndex == nil || excess > worstExcess {
        worstExcess = excess
        result.worstIndex = index
      }
      if result.examples.count < 5 { result.examples.append((index, a, e)) }
    }
  }
  return result
}

/// Records a test issue unless `actual` and `expected` have the same count and every element is
/// within `atol + rtol·|expected|`.
public func expectClose(
  _ actual: [Double], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-8,
  _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard actual.count == expected.count else {
    Issue.record(
      "count mismatch: \(actual.count) actual vs \(expected.count) expected. \(comment.map { "\($0)" } ?? "")",
      sourceLocation: sourceLocation)
    return
  }
  let result = closeness(actual, expected, rtol: rtol, atol: atol)
  if result.failures > 0 {
    Issue.record(
      "\(comment.map { "\($0): " } ?? "")\(result)", sourceLocation: sourceLocation)
  }
}

/// ``expectClose(_:_:rtol:atol:_:sourceLocation:)`` for two tensors, which must also have the
/// same shape.
public func expectClose(
  _ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8,
  _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard actual.shape == expected.shape else {
    Issue.record(
      "shape mismatch: \(actual.shape) vs \(expected.shape). \(comment.map { "\($0)" } ?? "")",
      sourceLocation: sourceLocation)
    return
  }
  expectClose(
    actual.doubles, expected.doubles, rtol: rtol, atol: atol, comment,
    sourceLocation: sourceLocation)
}

/// The host backends every parity test runs over.
public let hostBackends: [any Backend] = [ReferenceBackend.shared, CPUBackend.shared]
