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

/// `x` validated and copied to the host as `Double`.
func hostDoubles(_ x: Tensor, expectedFeatures: Int? = nil) throws(ClassifierError)
  -> HostValues<Double>
{
  let host = try ClassifierError.requireMatrix(x, "x", expectedFeatures: expectedFeatures)
  return HostValues(rows: host.rows, columns: host.columns, values: host.tensor.doubles)
}

/// `x` validated and copied to the host as `Float` (as scikit-learn's trees convert it).
///
/// A finite float64 value too large for float32 becomes infinite and is rejected, as
/// scikit-learn does.
func hostFloats(_ x: Tensor, expectedFeatures: Int? = nil) throws(ClassifierError)
  -> HostValues<Float>
{
  let values = try ClassifierError.requireFloatMatrix(x, "x", expectedFeatures: expectedFeatures)
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
      throw .input(
        .lengthMismatch(parameter: "labels", count: labels.count, other: "x", otherCount: samples))
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
