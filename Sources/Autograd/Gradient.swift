// Gradient: reverse-mode differentiation over the recorded tape.

import Tensor

/// Evaluates `body` and the gradient of its scalar result with respect to `parameters`.
///
/// Each parameter's ``Parameter/gradient`` is *replaced* by its new gradient (a parameter that
/// the result does not depend on gets zeros), so gradients never accumulate across calls; the
/// same gradients are also returned, in the order of `parameters`.
///
/// ```swift
/// let w = Parameter(Tensor([1, 2, 3] as [Float]))
/// let (loss, grads) = valueWithGradient(at: [w]) { (w.variable * w.variable).sum() }
/// // loss = 14, grads[0] = [2, 4, 6]
/// ```
///
/// - Parameters:
///   - parameters: The parameters to differentiate with respect to.
///   - body: Builds the loss from variables; it must return a single-element variable.
/// - Returns: The loss value and one gradient per parameter, shaped like the parameter.
/// - Precondition: the result has exactly one element.
public func valueWithGradient(
  at parameters: [Parameter], of body: () throws -> Variable
) rethrows -> (value: Tensor, gradients: [Tensor]) {
  let result = try body()
  precondition(
    result.value.count == 1,
    "valueWithGradient: the result must be a scalar, got shape \(result.shape)")
  let seed = Tensor.ones(result.shape, dtype: result.dtype, on: result.backend)
  let collected = backpropagate(from: result, seed: seed)
  var gradients: [Tensor] = []
  gradients.reserveCapacity(parameters.count)
  for parameter in parameters {
    let gradient = collected[ObjectIdentifier(parameter)] ?? parameter.value.zerosLike()
    parameter.gradient = gradient
    gradients.append(gradient)
  }
  return (result.value, gradients)
}

/// Propagates `seed` (the gradient of `root`) back through the tape and returns the gradient of
/// every parameter leaf reached, keyed by the parameter's identity.
func backpropagate(from root: Variable, seed: Tensor) -> [ObjectIdentifier: Tensor] {
  guard let rootNode = root.node else { return [:] }
  // Collect every node reachable from the root (iteratively: graphs can be deep).
  var seen: Set<Int> = [rootNode.id]
  var stack = [rootNode]
  var nodes: [Node] = []
  while let node = stack.popLast() {
    nodes.append(node)
    for case let input? in node.inputs where seen.insert(input.id).inserted {
      stack.append(input)
    }
  }
  // Inputs are always created before their outputs: descending ids visit outputs first.
  nodes.sort { $0.id > $1.id }

  var pending: [Int: Tensor] = [rootNode.id: seed]
  var parameterGradients: [ObjectIdentifier: Tensor] = [:]
  for node in nodes {
    guard let gradient = pending.removeValue(forKey: node.id) else { continue }
    if let parameter = node.parameter {
      accumulate(gradient, into: &parameterGradients, key: ObjectIdentifier(parameter))
      continue
    }
    guard let backward = node.backward else { continue }
    let inputGradients = backward(gradient, node.inputs.map { $0 != nil })
    for (input, inputGradient) in zip(node.inputs, inputGradients) {
      guard let input, let inputGradient else { continue }
      accumulate(inputGradient, into: &pending, key: input.id)
    }
  }
  return parameterGradients
}

private func accumulate<Key: Hashable>(
  _ gradient: Tensor, into table: inout [Key: Tensor], key: Key
) {
  if var existing = table.removeValue(forKey: key) {
    existing.add(gradient)
    table[key] = existing
  } else {
    table[key] = gradient
  }
}
