// Layer: the protocol every network building block conforms to, plus ReLU and Sequential.

import Autograd
import Tensor

/// A differentiable function with trainable parameters.
///
/// Layers are classes because parameter identity matters to optimisers. Each layer lists its
/// parameters explicitly (no reflection), in a fixed order that saving and loading rely on.
public protocol Layer: AnyObject {
  /// Applies the layer to a batch.
  func callAsFunction(_ x: Variable) -> Variable
  /// The trainable parameters, in a fixed order.
  var parameters: [Parameter] { get }
  /// The parameters with the names they are saved under, such as `"0.weight"` (PyTorch's
  /// `state_dict` keys for the same architecture).
  var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
  /// Each parameter under its own `Parameter.name`, or its position when it has none.
  public var namedParameters: [(name: String, parameter: Parameter)] {
    parameters.enumerated().map {
      ($0.element.name.isEmpty ? "\($0.offset)" : $0.element.name, $0.element)
    }
  }

  /// Applies the layer to a constant tensor.
  public func callAsFunction(_ x: Tensor) -> Variable { self(Variable(x)) }
}

/// The rectified linear unit `max(x, 0)` as a layer without parameters.
public final class ReLU: Layer {
  /// Creates a ReLU layer.
  public init() {}

  /// Applies the layer to a batch.
  public func callAsFunction(_ x: Variable) -> Variable { x.relu() }

  /// The trainable parameters, in a fixed order.
  public var parameters: [Parameter] { [] }
}

/// Layers applied one after another.
public final class Sequential: Layer {
  /// The layers, in application order.
  public let layers: [any Layer]

  /// Creates a stack of `layers`.
  public init(_ layers: [any Layer]) {
    self.layers = layers
  }

  /// Applies the layer to a batch.
  public func callAsFunction(_ x: Variable) -> Variable {
    var y = x
    for layer in layers { y = layer(y) }
    return y
  }

  /// The trainable parameters, in a fixed order.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// Each layer's named parameters prefixed with the layer's position: `"0.weight"`, ….
  public var namedParameters: [(name: String, parameter: Parameter)] {
    layers.enumerated().flatMap { index, layer in
      layer.namedParameters.map { ("\(index).\($0.name)", $0.parameter) }
    }
  }

  /// A multilayer perceptron: `Linear` layers between consecutive `sizes`, each followed by a
  /// ReLU except (unless `activateLast`) the last.
  ///
  /// `Sequential.perceptron([784, 500, 500, 2000, 10], using: &rng)` is the DEC/DCRL encoder;
  /// its parameters are named like PyTorch's `nn.Sequential` (`"0.weight"`, `"2.weight"`, …).
  public static func perceptron(
    _ sizes: [Int], activateLast: Bool = false, dtype: DType = .float32,
    on backend: (any Backend)? = nil, using rng: inout some RandomNumberGenerator
  ) -> Sequential {
    precondition(sizes.count >= 2, "Sequential.perceptron: need at least two sizes, got \(sizes)")
    var layers: [any Layer] = []
    for index in 0..<(sizes.count - 1) {
      layers.append(Linear(sizes[index], sizes[index + 1], dtype: dtype, on: backend, using: &rng))
      if index < sizes.count - 2 || activateLast { layers.append(ReLU()) }
    }
    return Sequential(layers)
  }
}
