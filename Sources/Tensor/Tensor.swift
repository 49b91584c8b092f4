// Tensor: the n-dimensional array every module computes with.

/// A dense, row-major, n-dimensional array of `Float` or `Double` owned by a ``Backend``.
///
/// `Tensor` has value semantics. Copying a tensor is cheap: both copies share one
/// ``TensorStorage`` until one of them is mutated, at which point the mutated copy gets a
/// buffer of its own (copy-on-write, as `Array` and `Deque` do). Every operation returns a new
/// tensor; the few mutating methods, such as ``adamUpdate(gradient:firstMoment:secondMoment:hyperparameters:)``,
/// copy first when the storage is shared.
///
/// Tensors are always contiguous. There are no general strides: a transpose reaches the matrix
/// product as a BLAS flag (``matmul(_:_:transposeA:transposeB:)``), and ``transposed()``
/// materialises a copy.
///
/// Every tensor remembers its backend. An operation on two tensors of different backends, or
/// of different dtypes, is a programming error and stops with a message naming the operation
/// and both operands.
public struct Tensor: Sendable {
  /// The size of each dimension, outermost first.
  public private(set) var shape: [Int]
  /// The buffer holding the elements.
  ///
  /// `package`: only this package's modules reach the buffer, so code outside cannot write
  /// around copy-on-write; users read elements with ``floats`` and ``doubles``.
  package private(set) var storage: TensorStorage

  /// Wraps `storage` with a shape whose element count matches it.
  ///
  /// - Precondition: `shape` has non-negative entries whose product is `storage.count`.
  public init(shape: [Int], storage: TensorStorage) {
    precondition(
      shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == storage.count,
      "Tensor(shape: \(shape)): shape does not match a storage of \(storage.count) elements")
    self.shape = shape
    self.storage = storage
  }

  /// The element type.
  public var dtype: DType { storage.dtype }
  /// The backend that holds the elements.
  public var backend: any Backend { storage.backend }
  /// The number of dimensions.
  public var rank: Int { shape.count }
  /// The number of elements.
  public var count: Int { storage.count }

  /// Makes the storage unique to this tensor, copying it if it is shared.
  public mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) {
      let copy = backend.allocate(count: count, dtype: dtype)
      if count > 0 { backend.copy(storage, offset: 0, into: copy, offset: 0, count: count) }
      storage = copy
    }
  }

  /// An uninitialised tensor; callers write every element before reading.
  static func uninitialized(_ shape: [Int], dtype: DType, on backend: any Backend) -> Tensor {
    precondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor: shape \(shape) has a negative dimension")
    precondition(
      backend.supports(dtype), "Tensor: backend '\(backend.name)' does not support \(dtype)")
    return Tensor(
      shape: shape, storage: backend.allocate(count: shape.reduce(1, *), dtype: dtype))
  }

  /// A new uninitialised tensor on the same backend and dtype as this one.
  func makeSibling(_ shape: [Int]) -> Tensor {
    Tensor.uninitialized(shape, dtype: dtype, on: backend)
  }

  /// Stops with a message naming `op` unless `other` lives on the same backend with the same
  /// dtype.
  func checkCompatible(_ other: Tensor, _ op: String) {
    precondition(
      backend === other.backend,
      "\(op): operands live on different backends ('\(backend.name)' \(shape) and "
        + "'\(other.backend.name)' \(other.shape))")
    precondition(
      dtype == other.dtype,
      "\(op): operands have different dtypes (\(dtype) \(shape) and \(other.dtype) \(other.shape))")
  }
}

extension Tensor: CustomStringConvertible {
  /// A summary with shape, dtype, backend and the first few elements.
  public var description: String {
    let values = doubles
    let shown = values.prefix(8).map { "\($0)" }.joined(separator: ", ")
    let more = values.count > 8 ? ", …" : ""
    return "Tensor(\(shape), \(dtype), \(backend.name)) [\(shown)\(more)]"
  }
}
