// Linear: the fully connected layer y = x·Wᵀ + b with PyTorch's layout and initialisation.

import Autograd
import Tensor

/// A fully connected layer `y = x·Wᵀ + b`.
///
/// The weight has PyTorch's layout `[outputSize, inputSize]`, so weights exchanged through
/// safetensors need no transposing. Both weight and bias start from
/// ``Initializer/pytorchLinear(fanIn:)``: uniform on `[−1/√fanIn, 1/√fanIn)`, the distribution
/// `torch.nn.Linear` uses by default.
///
/// Shape: `[n, inputSize]` in, `[n, outputSize]` out.
public final class Linear: Layer {
  /// The weight, `[outputSize, inputSize]`.
  public let weight: Parameter
  /// The bias, `[outputSize]`, if the layer has one.
  public let bias: Parameter?

  /// The number of input features.
  public var inputSize: Int { weight.value.shape[1] }
  /// The number of output features.
  public var outputSize: Int { weight.value.shape[0] }

  /// Creates a layer with PyTorch's default initialisation drawn from `rng`.
  ///
  /// - Parameters:
  ///   - inputSize: The number of input features.
  ///   - outputSize: The number of output features.
  ///   - hasBias: Whether to add a bias.
  ///   - dtype: The parameters' element type.
  ///   - backend: Where the parameters live; the scoped default when `nil`.
  ///   - rng: The source of the initial values.
  public init(
    _ inputSize: Int, _ outputSize: Int, hasBias: Bool = true, dtype: DType = .float32,
    on backend: (any Backend)? = nil, using rng: inout some RandomNumberGenerator
  ) {
    precondition(
      inputSize > 0 && outputSize > 0,
      "Linear: sizes must be positive, got \(inputSize) → \(outputSize)")
    let initializer = Initializer.pytorchLinear(fanIn: inputSize)
    weight = Parameter(
      initializer.sample([outputSize, inputSize], dtype: dtype, on: backend, using: &rng),
      name: "weight")
    bias =
      hasBias
      ? Parameter(
        initializer.sample([outputSize], dtype: dtype, on: backend, using: &rng), name: "bias")
      : nil
  }

  /// Creates a layer from existing weight `[out, in]` and bias `[out]` tensors.
  public init(weight: Tensor, bias: Tensor?) {
    precondition(weight.rank == 2, "Linear: weight of shape \(weight.shape) is not a matrix")
    if let bias {
      precondition(
        bias.shape == [weight.shape[0]], "Linear: bias \(bias.shape) for weight \(weight.shape)")
    }
    self.weight = Parameter(weight, name: "weight")
    self.bias = bias.map { Parameter($0, name: "bias") }
  }

  /// Applies the layer to a batch.
  public func callAsFunction(_ x: Variable) -> Variable {
    linear(x, weight: weight.variable, bias: bias?.variable)
  }

  /// The trainable parameters, in a fixed order.
  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }
}
