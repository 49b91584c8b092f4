// ValidatedMatrix: the one validated data matrix of the host-side modules, and the typed input
// errors each module maps to its own error type.

/// Why a tensor is not a valid data matrix; each module maps the case to its own error type.
package enum HostInputError: Error, Equatable, Sendable {
  /// The tensor is not rank 2.
  case notAMatrix(shape: [Int])
  /// The matrix has no rows.
  case noSamples(shape: [Int])
  /// The matrix has rows but no columns.
  case noFeatures(shape: [Int])
  /// The matrix has `found` columns where `expected` were asked for.
  case featureMismatch(found: Int, expected: Int)
  /// The first NaN or infinite element in row-major order, in the tensor's own dtype.
  case nonFinite(row: Int, column: Int, value: Double)
}

/// A non-empty `[rows, columns]` matrix of finite values in host memory (on a `CPUBackend`), so
/// that kernels may read its storage directly and its products go through OpenBLAS.
package struct ValidatedMatrix: Sendable {
  /// The validated matrix, on a `CPUBackend` (the input itself when it already was).
  package let tensor: Tensor

  /// The number of rows (samples).
  package var rows: Int { tensor.shape[0] }
  /// The number of columns (features).
  package var columns: Int { tensor.shape[1] }

  /// Validates `data` (RELIABILITY I1–I4, I16): a rank-2 tensor with at least one row and one
  /// column (and `expectedFeatures` columns when given) whose elements are all finite in its
  /// own dtype; checked in that order.
  package init(validating data: Tensor, expectedFeatures: Int? = nil) throws(HostInputError) {
    try Self.validateShape(data, expectedFeatures: expectedFeatures)
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
      throw .nonFinite(row: index / columns, column: index % columns, value: value)
    }
    tensor = host
  }

  /// The shape checks of ``init(validating:expectedFeatures:)`` alone, for callers that check
  /// finiteness after a conversion of their own.
  package static func validateShape(_ data: Tensor, expectedFeatures: Int? = nil)
    throws(HostInputError)
  {
    guard data.rank == 2 else { throw .notAMatrix(shape: data.shape) }
    guard data.shape[0] > 0 else { throw .noSamples(shape: data.shape) }
    guard data.shape[1] > 0 else { throw .noFeatures(shape: data.shape) }
    if let expectedFeatures, data.shape[1] != expectedFeatures {
      throw .featureMismatch(found: data.shape[1], expected: expectedFeatures)
    }
  }
}
