// The check every classifier's configuration tests share: each invalid field is rejected by
// `validate()` with an error naming that field.

import Classifiers
import Testing
import _TestSupport

/// Applies each case to `base` and expects `validate` to throw
/// ``ClassifierError/input(_:)`` with `InputError.invalidValue` naming the case's field.
func expectInvalidConfigurations<Configuration>(
  _ base: Configuration, _ cases: [(String, (inout Configuration) -> Void)],
  validate: (Configuration) throws(ClassifierError) -> Void,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  _TestSupport.expectInvalidConfigurations(
    base, cases, validate: validate,
    parameter: { error in
      guard case .input(.invalidValue(let name, _, _)) = error else { return nil }
      return name
    }, sourceLocation: sourceLocation)
}
