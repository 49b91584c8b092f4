// The check every configuration's validation tests share: each invalid field is rejected with an
// error naming that field.

import Testing

/// Applies each case to `base` and expects `validate` to throw an error whose parameter name,
/// as `parameter` reads it, is the case's field.
///
/// - Parameters:
///   - base: A valid configuration each case starts from.
///   - cases: The field the error must name, and the change that makes `base` invalid.
///   - validate: The validation under test.
///   - parameter: The parameter an error names, or `nil` for an error of another kind.
public func expectInvalidConfigurations<Configuration, Failure: Error>(
  _ base: Configuration, _ cases: [(String, (inout Configuration) -> Void)],
  validate: (Configuration) throws(Failure) -> Void,
  parameter: (Failure) -> String?,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  for (field, mutate) in cases {
    var c = base
    mutate(&c)
    do {
      try validate(c)
      Issue.record("\(field): expected a validation error", sourceLocation: sourceLocation)
    } catch {
      guard let name = parameter(error) else {
        Issue.record("\(field): unexpected error \(error)", sourceLocation: sourceLocation)
        continue
      }
      #expect(name == field, sourceLocation: sourceLocation)
    }
  }
}
