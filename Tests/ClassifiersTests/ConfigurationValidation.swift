// The check every classifier's configuration tests share: each invalid field is rejected by
// `validate()` with an error naming that field.

import Classifiers
import Testing

/// Applies each case to `base` and expects `validate` to throw
/// ``ClassifierError/invalidConfiguration(parameter:value:constraint:)`` naming the case's field.
func expectInvalidConfigurations<Configuration>(
  _ base: Configuration, _ cases: [(String, (inout Configuration) -> Void)],
  validate: (Configuration) throws(ClassifierError) -> Void
) {
  for (field, mutate) in cases {
    var c = base
    mutate(&c)
    do {
      try validate(c)
      Issue.record("\(field): expected an error")
    } catch {
      guard case .invalidConfiguration(let name, _, _) = error else {
        Issue.record("\(field): \(error)")
        continue
      }
      #expect(name == field)
    }
  }
}
