// ParityResult: the outcome of comparing one backend primitive with the reference over many
// cases, with the tolerance used and the worst disagreement.

/// How one primitive of a candidate backend compared with the reference backend.
public struct ParityResult: Sendable, CustomStringConvertible {
  /// The primitive and variant, such as `"gemm NT"` or `"unary exp"`.
  public var primitive: String
  /// The tolerance rule, such as `"|a−e| ≤ 1e-06 + 2e-06·|e|"` or `"exact"`.
  public var tolerance: String
  /// The number of cases (shapes, parameters) run.
  public var cases = 0
  /// The number of elements compared over all cases.
  public var elements = 0
  /// The number of elements outside the tolerance.
  public var failures = 0
  /// The largest `|actual − expected|`.
  public var maxAbsoluteError = 0.0
  /// The largest `|actual − expected| / |expected|` over elements with `expected ≠ 0`.
  public var maxRelativeError = 0.0
  /// The first failing case and element, if any.
  public var firstFailure: String?

  /// Creates an empty result for `primitive`.
  public init(primitive: String, tolerance: String) {
    self.primitive = primitive
    self.tolerance = tolerance
  }

  /// Whether every element of every case was within tolerance.
  public var passed: Bool { failures == 0 && cases > 0 }

  /// One line: the verdict, the primitive, the counts, the errors and the tolerance.
  public var description: String {
    var text =
      "\(passed ? "PASS" : "FAIL") \(primitive): \(cases) cases, \(elements) elements, "
      + "max abs error \(maxAbsoluteError.shortText), max rel error \(maxRelativeError.shortText) "
      + "(tolerance \(tolerance))"
    if let firstFailure { text += "; \(failures) failing, first: \(firstFailure)" }
    return text
  }

  /// Adds one case: `actual` against `expected` with `|a − e| ≤ atol + rtol·|e|`, where both
  /// NaN or the same infinity also pass.
  mutating func record(
    _ actual: [Float], _ expected: [Float], rtol: Double, atol: Double, _ label: String
  ) {
    cases += 1
    guard actual.count == expected.count else {
      failures += 1
      if firstFailure == nil {
        firstFailure = "\(label): \(actual.count) elements, expected \(expected.count)"
      }
      return
    }
    elements += actual.count
    for (index, (a, e)) in zip(actual.map(Double.init), expected.map(Double.init)).enumerated() {
      if a.isNaN && e.isNaN { continue }
      if a.isInfinite && a == e { continue }
      let error = Swift.abs(a - e)
      maxAbsoluteError = Swift.max(maxAbsoluteError, error.isNaN ? .infinity : error)
      if e != 0 { maxRelativeError = Swift.max(maxRelativeError, error / Swift.abs(e)) }
      if !(error <= atol + rtol * Swift.abs(e)) {
        failures += 1
        if firstFailure == nil { firstFailure = "\(label) [\(index)]: \(a) vs \(e)" }
      }
    }
  }
}

extension Double {
  /// Three significant digits in scientific notation, or `0`.
  fileprivate var shortText: String {
    if self == 0 { return "0" }
    if !isFinite { return "\(self)" }
    var exponent = 0
    var mantissa = self
    while Swift.abs(mantissa) >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while Swift.abs(mantissa) < 1 {
      mantissa *= 10
      exponent -= 1
    }
    let rounded = (mantissa * 100).rounded() / 100
    return "\(rounded)e\(exponent)"
  }
}
