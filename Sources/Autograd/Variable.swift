// Variable: a tensor recorded on the autograd tape, and the tape node behind it.

import Synchronization
import Tensor

/// Gives every tape node a creation number; children are always created after their inputs,
/// so decreasing numbers are a valid reverse topological order.
private let nodeCounter = Atomic<Int>(0)

/// One recorded operation: its inputs and how to turn the gradient of its output into
/// gradients of its inputs.
final class Node {
  /// The creation number (see `nodeCounter`).
  let id: Int
  /// The tracked inputs; `nil` where an input needs no gradient.
  let inputs: [Node?]
  /// Maps the output gradient and which inputs need one to the input gradients.
  let backward: ((Tensor, [Bool]) -> [Tensor?])?
  /// The parameter this leaf stands for, if it is a parameter leaf.
  let parameter: Parameter?

  init(inputs: [Node?], backward: ((Tensor, [Bool]) -> [Tensor?])?, parameter: Parameter?) {
    self.id = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
    self.inputs = inputs
    self.backward = backward
    self.parameter = parameter
  }
}

/// A tensor together with how it was computed, so that gradients can flow back through it.
///
/// A `Variable` made from a plain `Tensor` is a constant: no gradient flows into it. One made
/// from a ``Parameter`` is a leaf whose gradient ``valueWithGradient(at:of:)`` returns. Every
/// operation on variables records a node with its backward function (its vector–Jacobian
/// product) beside the forward computation, in `Ops/`.
///
/// Variables are immutable values. A variable used twice receives the sum of both gradients.
public struct Variable {
  /// The computed value.
  public let value: Tensor
  let node: Node?

  /// A constant: no gradient flows into `value`.
  public init(_ value: Tensor) {
    self.value = value
    self.node = nil
  }

  /// A leaf for `parameter`'s current value; its gradient is collected for `parameter`.
  public init(_ parameter: Parameter) {
    self.value = parameter.value
    self.node = Node(inputs: [], backward: nil, parameter: parameter)
  }

  init(value: Tensor, node: Node?) {
    self.value = value
    self.node = node
  }

  /// Whether any gradient can flow into this variable.
  public var requiresGradient: Bool { node != nil }

  /// The shape of ``value``.
  public var shape: [Int] { value.shape }
  /// The dtype of ``value``.
  public var dtype: DType { value.dtype }
  /// The backend of ``value``.
  public var backend: any Backend { value.backend }

  /// The same value with the graph cut: no gradient flows back through the result.
  public func detached() -> Variable { Variable(value) }

  /// Records an operation with output `value`, computed from `inputs`.
  ///
  /// `backward` receives the gradient of the output and, for each input, whether it needs a
  /// gradient; it returns one gradient per input (shaped like that input), or `nil` where none
  /// is needed. When no input is tracked nothing is recorded.
  public static func record(
    _ value: Tensor, inputs: [Variable],
    backward: @escaping (_ gradient: Tensor, _ needsGradient: [Bool]) -> [Tensor?]
  ) -> Variable {
    let nodes = inputs.map(\.node)
    guard nodes.contains(where: { $0 != nil }) else { return Variable(value) }
    return Variable(value: value, node: Node(inputs: nodes, backward: backward, parameter: nil))
  }
}

/// A trainable tensor: the value an optimiser updates and the gradient it reads.
///
/// Parameters are classes because their identity matters: an optimiser keeps its moment
/// buffers per parameter, and two variables made from one parameter add their gradients.
public final class Parameter {
  /// The current value.
  public var value: Tensor
  /// The gradient from the last ``valueWithGradient(at:of:)`` that included this parameter.
  public var gradient: Tensor?
  /// A name used when saving and in diagnostics, such as `"encoder.0.weight"`.
  public var name: String

  /// Creates a parameter holding `value`.
  public init(_ value: Tensor, name: String = "") {
    self.value = value
    self.name = name
  }

  /// A leaf variable for this parameter's current value.
  public var variable: Variable { Variable(self) }
}
