// _StoredModelValidation: checks a saved model's or checkpoint's tensors against its
// configuration before anything is allocated (RELIABILITY P2, P3).

import Tensor

extension Autoencoder {
  /// The names and shapes of the parameters of an autoencoder with these sizes, in
  /// ``namedParameters`` order, computed without creating it.
  static func parameterShapes(
    inputDimension: Int, hiddenSizes: [Int], latentDimension: Int
  ) -> [(name: String, shape: [Int])] {
    let sizes = [inputDimension] + hiddenSizes + [latentDimension]
    func perceptron(_ sizes: [Int], _ prefix: String) -> [(name: String, shape: [Int])] {
      // Sequential.perceptron puts a Linear at every even index, a ReLU between them.
      var result: [(name: String, shape: [Int])] = []
      for index in 0..<(sizes.count - 1) {
        let layer = prefix + String(2 * index)
        let (input, output) = (sizes[index], sizes[index + 1])
        result.append((layer + ".weight", [output, input]))
        result.append((layer + ".bias", [output]))
      }
      return result
    }
    return perceptron(sizes, "encoder.") + perceptron(sizes.reversed(), "decoder.")
  }
}

/// Checks that a stored configuration is valid and that `tensors` hold, under `prefix`, every
/// parameter of its autoencoder for `inputDimension` features with the right shape, all of one
/// dtype.
///
/// Loaders call this before building the autoencoder, so a damaged or hostile file can never
/// make them allocate more than the file itself holds, or hand a mis-shaped tensor to training.
///
/// - Returns: The dtype of the stored parameters.
/// - Throws: ``DCRLError/io(path:reason:)`` naming the first problem.
func validateStoredAutoencoder(
  _ tensors: [String: Tensor], prefix: String, inputDimension: Int,
  configuration: DCRLConfiguration, path: String
) throws(DCRLError) -> DType {
  do {
    try configuration.validate()
  } catch {
    throw .io(path: path, reason: "the stored configuration is invalid: \(error)")
  }
  return try validateStoredParameters(
    tensors, prefix: prefix, inputDimension: inputDimension,
    hiddenSizes: configuration.hiddenSizes, latentDimension: configuration.latentDimension,
    path: path)
}

/// Checks that `tensors` hold, under `prefix`, every parameter of an autoencoder of these sizes
/// with the right shape, all of one dtype (the shape check of ``validateStoredAutoencoder``).
///
/// - Returns: The dtype of the stored parameters.
/// - Throws: ``DCRLError/io(path:reason:)`` naming the first problem.
func validateStoredParameters(
  _ tensors: [String: Tensor], prefix: String, inputDimension: Int, hiddenSizes: [Int],
  latentDimension: Int, path: String
) throws(DCRLError) -> DType {
  guard inputDimension > 0 else {
    throw .io(path: path, reason: "the stored input dimension \(inputDimension) is not positive")
  }
  guard latentDimension > 0, hiddenSizes.allSatisfy({ $0 > 0 }) else {
    throw .io(
      path: path,
      reason: "the stored layer sizes \(hiddenSizes) → \(latentDimension) are not all positive")
  }
  var dtype: DType?
  for (name, shape) in Autoencoder.parameterShapes(
    inputDimension: inputDimension, hiddenSizes: hiddenSizes, latentDimension: latentDimension)
  {
    guard let tensor = tensors[prefix + name] else {
      throw .io(path: path, reason: "missing tensor '\(prefix + name)'")
    }
    guard tensor.shape == shape else {
      throw .io(
        path: path, reason: "'\(prefix + name)' has shape \(tensor.shape), expected \(shape)")
    }
    if let dtype, tensor.dtype != dtype {
      throw .io(
        path: path, reason: "'\(prefix + name)' is \(tensor.dtype), the other parameters \(dtype)")
    }
    dtype = tensor.dtype
  }
  return dtype ?? .float32
}

/// Checks that `tensors[name]` exists with `shape` and `dtype`.
func storedTensor(
  _ tensors: [String: Tensor], _ name: String, shape: [Int], dtype: DType, path: String
) throws(DCRLError) -> Tensor {
  guard let tensor = tensors[name] else {
    throw .io(path: path, reason: "missing tensor '\(name)'")
  }
  guard tensor.shape == shape, tensor.dtype == dtype else {
    throw .io(
      path: path,
      reason: "'\(name)' is \(tensor.dtype) \(tensor.shape), expected \(dtype) \(shape)")
  }
  return tensor
}
