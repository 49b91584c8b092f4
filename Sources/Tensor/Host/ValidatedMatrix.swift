// ValidatedMatrix: the one validated data matrix of the host-side modules.

/// A non-empty `[rows, columns]` matrix of finite values in host memory (on a `CPUBackend`), so
/// that kernels may read its storage directly and its products go through OpenBLAS.
package struct ValidatedMatrix: Sendable {
  /// The validated matrix, on a `CPUBackend` (the input itself when it already was).
  package let tensor: Tensor

  /// The number of rows (samples).
  package var rows: Int { tensor.shape[0] }
  /// The number of columns (features).
  package var columns: Int { tensor.shape[1] }

  /// Validates `data`, named `parameter` in the errors (RELIABILITY I1–I4, I16): a rank-2
  /// tensor with at least one row and one column (and `expectedFeatures` columns when given)
  /// whose elements are all finite in its own dtype; checked in that order.
  package init(validating data: Tensor, parameter: String, expectedFeatures: Int? = nil)
    throws(InputError)
  {
    try Self.validateShape(data, parameter: parameter, expectedFeatures: expectedFeatures)
    let host = data.backend is CPUBackend ? data : data.moved(to: CPUBackend.shared)
    func firstNonFinite<T: HostFloat>(_: T.Type) -> (Int, Double)? {
      let values = T.elements(of: host.storage)
      for index in 0..<host.count where !values[index].isFinite {
        return (index, Double(values[index]))
      }
      return nil
    }
    let bad = host.dtype == .float32 ? firstNonFinite(Float.self) : firstNonFinite(Double.self)
    if let (index, value) = bad {
      let columns = host.shape[1]
      throw .nonFinite(
        parameter: parameter, row: index / columns, column: index % columns, value: value)
    }
    tensor = host
  }

  /// The elements of `data` converted to float32, after the shape checks of
  /// ``init(validating:parameter:expectedFeatures:)`` and a check that every converted element
  /// is finite (a float64 value beyond float32's range is not).
  package static func floats(validating data: Tensor, parameter: String, expectedFeatures: Int?)
    throws(InputError) -> [Float]
  {
    try validateShape(data, parameter: parameter, expectedFeatures: expectedFeatures)
    let values = data.floats
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      let columns = data.shape[1]
      throw .nonFinite(
        parameter: parameter, row: bad / columns, column: bad % columns,
        value: Double(values[bad]))
    }
    return values
  }

  /// The shape checks of ``init(validating:parameter:expectedFeatures:)`` alone.
  private static func validateShape(_ data: Tensor, parameter: String, expectedFeatures: Int?)
    throws(InputError)
  {
    guard data.rank == 2 else {
      throw .wrongRank(
        parameter: parameter, shape: data.shape, expected: "a matrix [samples, features]")
    }
    guard data.shape[0] > 0 else { throw .empty(parameter: parameter) }
    guard data.shape[1] > 0 else { throw .noFeatures(parameter: parameter) }
    if let expectedFeatures, data.shape[1] != expectedFeatures {
      throw .featureMismatch(
        parameter: parameter, features: data.shape[1], expected: expectedFeatures)
    }
  }
}
