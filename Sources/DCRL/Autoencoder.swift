// Autoencoder: the MLP encoder f and mirrored decoder g that DCRL and the deep baselines share.

import Autograd
import NN
import Tensor

/// A fully connected autoencoder: encoder D → hidden… → m and mirrored decoder m → …hidden → D,
/// ReLU after every hidden layer, linear latent and output layers (Docs/Algorithm.md#model).
///
/// Parameters are named `encoder.0.weight`, …, `decoder.0.weight`, …, matching a PyTorch
/// module with `encoder`/`decoder` `nn.Sequential` children, so weights move between the two
/// through safetensors.
public final class Autoencoder: Layer {
  /// f: the encoder.
  public let encoder: Sequential
  /// g: the decoder.
  public let decoder: Sequential
  /// D, the input dimension.
  public let inputDimension: Int
  /// m, the latent dimension.
  public let latentDimension: Int
  /// The encoder's hidden sizes (the decoder mirrors them).
  public let hiddenSizes: [Int]

  /// Creates an autoencoder with PyTorch's default `Linear` initialisation drawn from `rng`.
  public init(
    inputDimension: Int, hiddenSizes: [Int], latentDimension: Int, dtype: DType = .float32,
    on backend: (any Backend)? = nil, using rng: inout some RandomNumberGenerator
  ) {
    self.inputDimension = inputDimension
    self.latentDimension = latentDimension
    self.hiddenSizes = hiddenSizes
    let sizes = [inputDimension] + hiddenSizes + [latentDimension]
    encoder = Sequential.perceptron(sizes, dtype: dtype, on: backend, using: &rng)
    decoder = Sequential.perceptron(sizes.reversed(), dtype: dtype, on: backend, using: &rng)
  }

  /// z = f(x).
  ///
  /// Shape: `[n, D]` in, `[n, m]` out.
  public func encode(_ x: Variable) -> Variable { encoder(x) }

  /// x̂ = g(z).
  ///
  /// Shape: `[n, m]` in, `[n, D]` out.
  public func decode(_ z: Variable) -> Variable { decoder(z) }

  /// The reconstruction g(f(x)).
  public func callAsFunction(_ x: Variable) -> Variable { decode(encode(x)) }

  /// The encoder's then the decoder's parameters.
  public var parameters: [Parameter] { encoder.parameters + decoder.parameters }

  /// `encoder.*` then `decoder.*` names.
  public var namedParameters: [(name: String, parameter: Parameter)] {
    encoder.namedParameters.map { ("encoder." + $0.name, $0.parameter) }
      + decoder.namedParameters.map { ("decoder." + $0.name, $0.parameter) }
  }

  /// An independent copy: new parameters that start from these values.
  ///
  /// Tensors are copy-on-write, so the copy costs nothing until one of the two is trained.
  /// Methods that fine-tune a shared pretrained autoencoder train a copy.
  public func copy() -> Autoencoder {
    Autoencoder(copying: self)
  }

  private init(copying other: Autoencoder) {
    inputDimension = other.inputDimension
    latentDimension = other.latentDimension
    hiddenSizes = other.hiddenSizes
    func clone(_ network: Sequential) -> Sequential {
      Sequential(
        network.layers.map { layer -> any Layer in
          guard let linear = layer as? Linear else { return ReLU() }
          return Linear(weight: linear.weight.value, bias: linear.bias?.value)
        })
    }
    encoder = clone(other.encoder)
    decoder = clone(other.decoder)
  }

  /// The latent codes of `x`, computed without recording a graph, `chunkSize` rows at a time.
  ///
  /// Shape: `[n, D]` in, `[n, m]` out.
  public func encodeAll(_ x: Tensor, chunkSize: Int = 8192) -> Tensor {
    mapChunks(x, chunkSize: chunkSize) { encode(Variable($0)).value }
  }

  /// The reconstructions of `x`, computed without recording a graph, in chunks.
  ///
  /// Shape: `[n, D]` in and out.
  public func reconstructAll(_ x: Tensor, chunkSize: Int = 8192) -> Tensor {
    mapChunks(x, chunkSize: chunkSize) { self(Variable($0)).value }
  }
}

/// Applies `body` to consecutive row chunks of `x` and stacks the results.
func mapChunks(_ x: Tensor, chunkSize: Int, _ body: (Tensor) -> Tensor) -> Tensor {
  let n = x.shape[0]
  if n <= chunkSize { return body(x) }
  return Tensor.concatenatingRows(chunkRanges(n, chunkSize: chunkSize).map { body(x.rows($0)) })
}
