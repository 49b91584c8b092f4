// Layer+Saving: saving and loading a layer's parameters as safetensors.

import Autograd
import Foundation
import Tensor

/// Errors from loading parameters into a layer.
public enum ParameterLoadingError: Error, CustomStringConvertible, Equatable {
  /// The file lacks a parameter the layer has.
  case missing(name: String, path: String)
  /// A stored tensor's shape differs from the parameter's.
  case shapeMismatch(name: String, expected: [Int], found: [Int], path: String)
  /// The file could not be read or decoded.
  case file(SafeTensorsError)

  /// A readable description.
  public var description: String {
    switch self {
    case .missing(let name, let path): return "\(path): no tensor named '\(name)'"
    case .shapeMismatch(let name, let expected, let found, let path):
      return "\(path): '\(name)' has shape \(found), the layer expects \(expected)"
    case .file(let error): return error.description
    }
  }
}

extension Layer {
  /// The parameter values keyed by their ``namedParameters`` names.
  public var stateDictionary: [String: Tensor] {
    Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) })
  }

  /// Writes the parameters to a safetensors file (atomically).
  public func saveParameters(to url: URL, metadata: [String: String] = [:]) throws(SafeTensorsError)
  {
    try SafeTensors.write(stateDictionary, metadata: metadata, to: url)
  }

  /// Replaces every parameter's value with the tensor of the same name in `tensors`.
  ///
  /// Tensors are converted to the parameter's dtype and backend. Nothing is changed unless every
  /// name is present with the right shape.
  public func loadState(_ tensors: [String: Tensor], path: String = "<memory>")
    throws(ParameterLoadingError)
  {
    let named = namedParameters
    for (name, parameter) in named {
      guard let tensor = tensors[name] else { throw .missing(name: name, path: path) }
      guard tensor.shape == parameter.value.shape else {
        throw .shapeMismatch(
          name: name, expected: parameter.value.shape, found: tensor.shape, path: path)
      }
    }
    for (name, parameter) in named {
      parameter.value = tensors[name]!.converted(to: parameter.value.dtype).moved(
        to: parameter.value.backend)
    }
  }

  /// Loads parameters saved by ``saveParameters(to:metadata:)`` or by PyTorch's
  /// `safetensors.torch.save_file(model.state_dict(), …)` for the same architecture.
  public func loadParameters(from url: URL) throws(ParameterLoadingError) {
    let tensors: [String: Tensor]
    do {
      tensors = try SafeTensors.read(from: url).tensors
    } catch {
      throw .file(error)
    }
    try loadState(tensors, path: url.path)
  }
}
