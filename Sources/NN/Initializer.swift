// Initializer: named distributions for initial parameter values.

import Tensor

/// A distribution to draw initial parameter values from, named after the distribution.
public enum Initializer: Sendable, Hashable {
  /// Uniform on `[lower, upper)`.
  case uniform(lower: Double, upper: Double)
  /// Normal with the given mean and standard deviation.
  case normal(mean: Double, standardDeviation: Double)
  /// All zeros.
  case zeros

  /// `uniform(−1/√fanIn, 1/√fanIn)`: the default of `torch.nn.Linear` for both weight
  /// (`kaiming_uniform_(a=√5)` reduces to this bound) and bias.
  public static func pytorchLinear(fanIn: Int) -> Initializer {
    let bound = 1 / Double(fanIn).squareRoot()
    return .uniform(lower: -bound, upper: bound)
  }

  /// Xavier/Glorot normal: standard deviation `gain·√(2 / (fanIn + fanOut))`.
  public static func xavierNormal(fanIn: Int, fanOut: Int, gain: Double = 1) -> Initializer {
    .normal(mean: 0, standardDeviation: gain * (2 / Double(fanIn + fanOut)).squareRoot())
  }

  /// A tensor of `shape` drawn from this distribution.
  public func sample(
    _ shape: [Int], dtype: DType = .float32, on backend: (any Backend)? = nil,
    using rng: inout some RandomNumberGenerator
  ) -> Tensor {
    switch self {
    case .uniform(let lower, let upper):
      return .randomUniform(
        shape, lower: lower, upper: upper, dtype: dtype, on: backend, using: &rng)
    case .normal(let mean, let standardDeviation):
      return .randomNormal(
        shape, mean: mean, standardDeviation: standardDeviation, dtype: dtype, on: backend,
        using: &rng)
    case .zeros:
      return .zeros(shape, dtype: dtype, on: backend)
    }
  }
}
