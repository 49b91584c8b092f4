// _HostMatrix: validated data copied to host memory, in float32 for GEMM and float64 for exact work.

import Tensor

/// A data matrix validated for the Manifold estimators and copied to host memory.
///
/// `floats` always holds the row-major elements in float32 (the GEMM-based distance scans run
/// on it). When the tensor was float64, `doubles` keeps the original values, so exact distance
/// recomputation loses nothing.
struct HostMatrix: Sendable {
  let rows: Int
  let columns: Int
  let floats: [Float]
  let doubles: [Double]?

  /// Validates `input`, named `parameter` in the errors (RELIABILITY I1–I4, Tensor's
  /// `ValidatedMatrix`), and copies it to the host.
  ///
  /// - Throws: ``ManifoldError/input(_:)`` when `input` is not a non-empty matrix of finite values.
  init(validating input: Tensor, parameter: String) throws(ManifoldError) {
    let data = try ManifoldError.requireMatrix(input, parameter).tensor
    rows = data.shape[0]
    columns = data.shape[1]
    switch data.dtype {
    case .float32:
      floats = data.floats
      doubles = nil
    case .float64:
      let values = data.doubles
      doubles = values
      floats = values.map { Float($0) }
    }
  }

  /// Wraps already validated float32 values.
  init(rows: Int, columns: Int, floats: [Float]) {
    precondition(
      floats.count == rows * columns, "HostMatrix: \(floats.count) != \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.floats = floats
    self.doubles = nil
  }

  /// Element `(row, column)` at full input precision.
  @inline(__always)
  func value(_ row: Int, _ column: Int) -> Double {
    if let doubles { return doubles[row * columns + column] }
    return Double(floats[row * columns + column])
  }

  /// The exact squared Euclidean distance between row `i` and row `j` of `other`, from direct
  /// differences in float64 (no cancellation; RELIABILITY I10).
  func exactSquaredDistance(_ i: Int, to j: Int, of other: HostMatrix) -> Double {
    if let a = doubles, let b = other.doubles {
      return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          squaredDistance(a.baseAddress! + i * columns, b.baseAddress! + j * columns, columns)
        }
      }
    }
    if doubles == nil && other.doubles == nil {
      return floats.withUnsafeBufferPointer { a in
        other.floats.withUnsafeBufferPointer { b in
          squaredDistance(a.baseAddress! + i * columns, b.baseAddress! + j * columns, columns)
        }
      }
    }
    var sum = 0.0
    for c in 0..<columns {
      let difference = value(i, c) - other.value(j, c)
      sum += difference * difference
    }
    return sum
  }

  /// The column means, accumulated in float64.
  func columnMeans() -> [Double] {
    var means = [Double](repeating: 0, count: columns)
    for r in 0..<rows {
      for c in 0..<columns { means[c] += value(r, c) }
    }
    return means.map { $0 / Double(rows) }
  }
}

/// `Σ (x_c − y_c)²` in float64 with four independent partial sums (a fixed order, so the
/// result is deterministic).
@inline(__always)
func squaredDistance<Scalar: BinaryFloatingPoint>(
  _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, _ count: Int
) -> Double {
  var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
  var c = 0
  while c + 4 <= count {
    let d0 = Double(x[c]) - Double(y[c])
    let d1 = Double(x[c + 1]) - Double(y[c + 1])
    let d2 = Double(x[c + 2]) - Double(y[c + 2])
    let d3 = Double(x[c + 3]) - Double(y[c + 3])
    s0 += d0 * d0
    s1 += d1 * d1
    s2 += d2 * d2
    s3 += d3 * d3
    c += 4
  }
  while c < count {
    let d = Double(x[c]) - Double(y[c])
    s0 += d * d
    c += 1
  }
  return (s0 + s1) + (s2 + s3)
}
