// NPYArray: an n-dimensional array as NumPy's .npy format stores it, with conversions to
// tensors and labels.

import Foundation
import Tensor

/// An array read from (or to be written to) a `.npy` file: element type, shape and the raw
/// little-endian elements in C (row-major) order.
///
/// Reading converts big-endian and Fortran-ordered files to this layout, so ``data`` is always
/// C order, little-endian. Convert with ``tensor(dtype:on:allowNonFinite:)`` for features and
/// ``labels()`` for class labels (RELIABILITY I8: integer arrays are converted explicitly).
public struct NPYArray: Sendable, Equatable {
  /// The element types this library reads and writes.
  public enum ElementType: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 single precision (`<f4`).
    case float32 = "f4"
    /// IEEE 754 double precision (`<f8`).
    case float64 = "f8"
    /// Signed 8-bit integer (`|i1`).
    case int8 = "i1"
    /// Signed 16-bit integer (`<i2`).
    case int16 = "i2"
    /// Signed 32-bit integer (`<i4`).
    case int32 = "i4"
    /// Signed 64-bit integer (`<i8`).
    case int64 = "i8"
    /// Unsigned byte (`|u1`).
    case uint8 = "u1"
    /// Unsigned 16-bit integer (`<u2`).
    case uint16 = "u2"
    /// Unsigned 32-bit integer (`<u4`).
    case uint32 = "u4"
    /// Unsigned 64-bit integer (`<u8`).
    case uint64 = "u8"
    /// Boolean, one byte per element (`|b1`).
    case bool = "b1"

    /// The size of one element in bytes.
    public var byteSize: Int { Int(rawValue.dropFirst())! }

    /// NumPy's `descr` string for this type in little-endian order, such as `<f4` or `|u1`.
    public var descriptor: String { (byteSize == 1 ? "|" : "<") + rawValue }

    /// Whether the elements are floating point.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
  }

  /// The element type.
  public var elementType: ElementType
  /// The size of each dimension, outermost first (`[]` for a scalar).
  public var shape: [Int]
  /// The elements, little-endian, in C order.
  public var data: Data
  /// The file the array was read from (`"<memory>"` otherwise), used in error messages.
  public var source: String

  /// Creates an array from raw little-endian, C-order element bytes.
  ///
  /// - Precondition: `data.count` is the product of `shape` times the element size.
  public init(elementType: ElementType, shape: [Int], data: Data, source: String = "<memory>") {
    precondition(
      shape.allSatisfy { $0 >= 0 } && data.count == shape.reduce(1, *) * elementType.byteSize,
      "NPYArray: \(data.count) bytes do not hold \(elementType) elements of shape \(shape)")
    self.elementType = elementType
    self.shape = shape
    self.data = data
    self.source = source
  }

  /// The elements of `tensor`, as `<f4` or `<f8` with the tensor's shape.
  public init(_ tensor: Tensor) {
    switch tensor.dtype {
    case .float32:
      self.init(
        elementType: .float32, shape: tensor.shape, data: tensor.floats.withUnsafeBytes { Data($0) }
      )
    case .float64:
      self.init(
        elementType: .float64, shape: tensor.shape,
        data: tensor.doubles.withUnsafeBytes { Data($0) })
    }
  }

  /// Labels as a one-dimensional `<i8` array.
  public init(labels: [Int]) {
    let values = labels.map { Int64($0).littleEndian }
    self.init(elementType: .int64, shape: [labels.count], data: values.withUnsafeBytes { Data($0) })
  }

  /// Unsigned bytes (such as raw MNIST pixels) as a `|u1` array of `shape`.
  ///
  /// - Precondition: `bytes.count` is the product of `shape`.
  public init(bytes: [UInt8], shape: [Int]) {
    self.init(elementType: .uint8, shape: shape, data: Data(bytes))
  }

  /// The number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// The elements as `Double`, in C order (64-bit integers beyond 2⁵³ round).
  ///
  /// - Parameter allowNonFinite: Accept NaN and infinities instead of throwing.
  /// - Throws: ``DatasetError/nonFinite(path:position:value:)`` naming the first NaN or
  ///   infinity, unless `allowNonFinite` (RELIABILITY I4).
  public func doubles(allowNonFinite: Bool = false) throws(DatasetError) -> [Double] {
    let values = data.withUnsafeBytes { bytes in
      (0..<count).map { element(bytes, $0) }
    }
    if !allowNonFinite, elementType.isFloatingPoint,
      let bad = values.firstIndex(where: { !$0.isFinite })
    {
      throw .nonFinite(path: source, position: multiIndex(bad), value: values[bad])
    }
    return values
  }

  /// The array as a tensor of `dtype` with the same shape.
  ///
  /// Integer and boolean arrays are converted to floating point (RELIABILITY I8).
  /// Shape: the tensor's shape is ``shape``.
  /// - Parameters:
  ///   - dtype: The tensor's element type; float32 by default.
  ///   - backend: Where the tensor lives; the scoped default when `nil`.
  ///   - allowNonFinite: Accept NaN and infinities instead of throwing.
  /// - Throws: ``DatasetError/nonFinite(path:position:value:)`` for the first NaN or infinity.
  public func tensor(
    dtype: DType = .float32, on backend: (any Backend)? = nil, allowNonFinite: Bool = false
  ) throws(DatasetError) -> Tensor {
    if elementType == .float32 && dtype == .float32 {
      // Copy bytewise: `data` need not be aligned for Float.
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        data.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
        initialized = count
      }
      if !allowNonFinite, let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw .nonFinite(path: source, position: multiIndex(bad), value: Double(values[bad]))
      }
      return Tensor(values, shape: shape, on: backend)
    }
    return Tensor(
      converting: try doubles(allowNonFinite: allowNonFinite), shape: shape, dtype: dtype,
      on: backend)
  }

  /// The elements as integer labels, for a one-dimensional integer, boolean or integral
  /// floating-point array.
  ///
  /// - Throws: ``DatasetError/malformed(path:reason:)`` when the array is not one-dimensional;
  ///   ``DatasetError/invalidLabel(path:index:value:reason:)`` for a value that is not an
  ///   integer representable as `Int`.
  public func labels() throws(DatasetError) -> [Int] {
    guard shape.count == 1 else {
      throw .malformed(
        path: source, reason: "labels must be a one-dimensional array, found shape \(shape)")
    }
    var result: [Int] = []
    result.reserveCapacity(count)
    var failure: DatasetError?
    data.withUnsafeBytes { bytes in
      for index in 0..<count {
        switch elementType {
        case .uint64:
          let value = bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
          guard let converted = Int(exactly: UInt64(littleEndian: value)) else {
            failure = .invalidLabel(
              path: source, index: index, value: "\(UInt64(littleEndian: value))",
              reason: "does not fit in Int")
            return
          }
          result.append(converted)
        case .int64:
          result.append(
            Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self)))
          )
        case .float32, .float64:
          let value = element(bytes, index)
          guard value.isFinite, value == value.rounded(), let converted = Int(exactly: value) else {
            failure = .invalidLabel(
              path: source, index: index, value: "\(value)", reason: "is not an integer")
            return
          }
          result.append(converted)
        default:
          result.append(Int(element(bytes, index)))
        }
      }
    }
    if let failure { throw failure }
    return result
  }

  /// Element `index` (C order) converted to `Double`.
  private func element(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Double {
    let offset = index * elementType.byteSize
    func load<T: FixedWidthInteger>(_: T.Type) -> T {
      T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
    switch elementType {
    case .float32: return Double(Float(bitPattern: load(UInt32.self)))
    case .float64: return Double(bitPattern: load(UInt64.self))
    case .int8: return Double(Int8(bitPattern: bytes[offset]))
    case .int16: return Double(load(Int16.self))
    case .int32: return Double(load(Int32.self))
    case .int64: return Double(load(Int64.self))
    case .uint8: return Double(bytes[offset])
    case .uint16: return Double(load(UInt16.self))
    case .uint32: return Double(load(UInt32.self))
    case .uint64: return Double(load(UInt64.self))
    case .bool: return bytes[offset] == 0 ? 0 : 1
    }
  }

  /// The multi-index of C-order element `flat`.
  func multiIndex(_ flat: Int) -> [Int] {
    var remainder = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      index[axis] = remainder % shape[axis]
      remainder /= shape[axis]
    }
    return index
  }
}
