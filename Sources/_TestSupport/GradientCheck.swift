// GradientCheck: central finite differences against reverse-mode gradients, in float64.

import Autograd
import Tensor
import Testing

/// Checks the gradients of `function` at `inputs` against central finite differences.
///
/// Each input becomes a ``Parameter``; the scalar `function` is differentiated with
/// ``valueWithGradient(at:of:)`` and every input element is perturbed by `±epsilon` to
/// estimate the same derivative. Inputs should be float64 and away from kinks (ReLU at 0,
/// clamps, `|x|` at 0).
///
/// - Returns: One ``Closeness`` per input; a test issue is recorded for any that fails.
@discardableResult
public func checkGradient(
  of function: ([Variable]) -> Variable, at inputs: [Tensor], epsilon: Double = 1e-6,
  rtol: Double = 1e-5, atol: Double = 1e-8, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) -> [Closeness] {
  let parameters = inputs.map { Parameter($0) }
  let (_, analytic) = valueWithGradient(at: parameters) {
    function(parameters.map(\.variable))
  }
  var results: [Closeness] = []
  for (index, input) in inputs.enumerated() {
    var values = input.doubles
    var numeric = [Double](repeating: 0, count: values.count)
    for element in values.indices {
      let original = values[element]
      values[element] = original + epsilon
      let plus = evaluate(function, inputs, replacing: index, with: values)
      values[element] = original - epsilon
      let minus = evaluate(function, inputs, replacing: index, with: values)
      values[element] = original
      numeric[element] = (plus - minus) / (2 * epsilon)
    }
    let result = closeness(analytic[index].doubles, numeric, rtol: rtol, atol: atol)
    if result.failures > 0 {
      Issue.record(
        "\(comment.map { "\($0): " } ?? "")gradient of input \(index) (shape \(input.shape)): \(result)",
        sourceLocation: sourceLocation)
    }
    results.append(result)
  }
  return results
}

private func evaluate(
  _ function: ([Variable]) -> Variable, _ inputs: [Tensor], replacing index: Int,
  with values: [Double]
) -> Double {
  var variables = inputs.map { Variable($0) }
  let original = inputs[index]
  variables[index] = Variable(
    Tensor(converting: values, shape: original.shape, dtype: original.dtype, on: original.backend))
  return function(variables).value.scalarValue
}
