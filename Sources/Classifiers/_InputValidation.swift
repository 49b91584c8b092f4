// _InputValidation: the checks every fit and predict runs (RELIABILITY I1–I4, I16, I17), the
// host copies of the features, and the label encoding shared by all classifiers.

import Tensor

/// A dense row-major matrix on the host.
struct HostValues<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
  /// The number of rows (samples).
  var rows: Int
  /// The number of columns (features).
  var columns: Int
  /// `rows × columns` values, row after row.
  var values: [Scalar]

  /// Row `i` as a buffer slice start index.
  @inline(__always) func offset(_ row: Int) -> Int { row * columns }
}

extension ClassifierError {
  /// The classifier error for a failed host-matrix check (Tensor's `ValidatedMatrix`).
  init(_ error: HostInputError) {
    switch error {
    case .notAMatrix(let shape): self = .notAMatrix(shape: shape)
    case .noSamples(let shape), .noFeatures(let shape):
      self = .emptyData(samples: shape[0], features: shape[1])
    case .featureMismatch(let found, let expected):
      self = .featureMismatch(found: found, expected: expected)
    case .nonFinite(let row, let column, let value):
      self = .nonFinite(row: row, column: column, value: value)
    }
  }
}

/// Throws for the first element of `values` that is NaN or infinite.
func checkFinite<Scalar: BinaryFloatingPoint>(_ values: [Scalar], columns: Int)
  throws(ClassifierError)
{
  if let bad = values.firstIndex(where: { !$0.isFinite }) {
    throw .nonFinite(row: bad / columns, column: bad % columns, value: Double(values[bad]))
  }
}

/// `x` validated and copied to the host as `Double`.
func hostDoubles(_ x: Tensor, expectedFeatures: Int? = nil) throws(ClassifierError)
  -> HostValues<Double>
{
  do {
    let host = try ValidatedMatrix(validating: x, expectedFeatures: expectedFeatures)
    return HostValues(rows: host.rows, columns: host.columns, values: host.tensor.doubles)
  } catch {
    throw ClassifierError(error)
  }
}

/// `x` validated and copied to the host as `Float` (as scikit-learn's trees convert it).
///
/// A finite float64 value too large for float32 becomes infinite and is rejected, as
/// scikit-learn does.
func hostFloats(_ x: Tensor, expectedFeatures: Int? = nil) throws(ClassifierError)
  -> HostValues<Float>
{
  do {
    try ValidatedMatrix.validateShape(x, expectedFeatures: expectedFeatures)
  } catch {
    throw ClassifierError(error)
  }
  let values = x.floats
  try checkFinite(values, columns: x.shape[1])
  return HostValues(rows: x.shape[0], columns: x.shape[1], values: values)
}

/// The sorted distinct labels and every label's index among them.
struct LabelEncoding: Sendable {
  /// The distinct labels in increasing order.
  let classes: [Int]
  /// For every sample, the index of its label in ``classes``.
  let encoded: [Int]

  /// Encodes `labels` for `samples` rows.
  ///
  /// - Throws: a label count mismatch, or a single class.
  init(_ labels: [Int], samples: Int) throws(ClassifierError) {
    guard labels.count == samples else {
      throw .labelCountMismatch(labels: labels.count, samples: samples)
    }
    let classes = Array(Set(labels)).sorted()
    guard classes.count >= 2 else { throw .singleClass(label: classes.first ?? 0) }
    var index: [Int: Int] = [:]
    for (k, label) in classes.enumerated() { index[label] = k }
    self.classes = classes
    self.encoded = labels.map { index[$0]! }
  }

  /// The number of classes.
  var count: Int { classes.count }
}

/// A float64 `[rows, columns]` tensor on the CPU backend from row-major values.
func probabilityTensor(_ values: [Double], rows: Int, columns: Int) -> Tensor {
  Tensor(values, shape: [rows, columns], on: CPUBackend.shared)
}

/// The index of the largest value of `values[start..<start + count]` (the first on ties), as
/// `numpy.argmax` picks it.
@inline(__always)
func argmax(_ values: UnsafePointer<Double>, count: Int) -> Int {
  var best = 0
  for k in 1..<max(count, 1) where values[k] > values[best] { best = k }
  return best
}
