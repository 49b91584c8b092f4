// Tensor+Creation: building tensors from host arrays and constants, and reading them back.

extension Tensor {
  /// Creates a float32 tensor holding `scalars` in row-major order.
  ///
  /// - Parameters:
  ///   - scalars: The elements; their count must equal the product of `shape`.
  ///   - shape: The dimensions. Defaults to a vector of `scalars.count` elements.
  ///   - backend: Where the tensor lives; the scoped default when `nil`.
  /// - Precondition: `scalars.count` equals the product of `shape`.
  public init(_ scalars: [Float], shape: [Int]? = nil, on backend: (any Backend)? = nil) {
    self.init(hostElements: scalars, dtype: .float32, shape: shape, backend: backend)
  }

  /// Creates a float64 tensor holding `scalars` in row-major order.
  ///
  /// - Parameters:
  ///   - scalars: The elements; their count must equal the product of `shape`.
  ///   - shape: The dimensions. Defaults to a vector of `scalars.count` elements.
  ///   - backend: Where the tensor lives; the scoped default when `nil`.
  /// - Precondition: `scalars.count` equals the product of `shape`.
  public init(_ scalars: [Double], shape: [Int]? = nil, on backend: (any Backend)? = nil) {
    self.init(hostElements: scalars, dtype: .float64, shape: shape, backend: backend)
  }

  /// Creates a tensor of `dtype` from `Double` values, rounding them for float32.
  public init(
    converting scalars: [Double], shape: [Int]? = nil, dtype: DType,
    on backend: (any Backend)? = nil
  ) {
    switch dtype {
    case .float32:
      self.init(scalars.map { Float($0) }, shape: shape, on: backend)
    case .float64:
      self.init(scalars, shape: shape, on: backend)
    }
  }

  init<T>(hostElements: [T], dtype: DType, shape: [Int]?, backend: (any Backend)?) {
    let shape = shape ?? [hostElements.count]
    precondition(
      shape.reduce(1, *) == hostElements.count,
      "Tensor(_:shape:): \(hostElements.count) scalars do not fill shape \(shape)")
    self = .uninitialized(shape, dtype: dtype, on: backend ?? BackendContext.current)
    if count > 0 {
      hostElements.withUnsafeBytes { self.backend.upload($0.baseAddress!, into: storage) }
    }
  }

  /// A tensor of `shape` with every element equal to `value`.
  public static func full(
    _ value: Double, _ shape: [Int], dtype: DType = .float32, on backend: (any Backend)? = nil
  ) -> Tensor {
    let result = Tensor.uninitialized(shape, dtype: dtype, on: backend ?? BackendContext.current)
    if result.count > 0 { result.backend.fill(result.storage, with: value) }
    return result
  }

  /// A tensor of `shape` filled with zeros.
  public static func zeros(
    _ shape: [Int], dtype: DType = .float32, on backend: (any Backend)? = nil
  ) -> Tensor {
    full(0, shape, dtype: dtype, on: backend)
  }

  /// A tensor of `shape` filled with ones.
  public static func ones(
    _ shape: [Int], dtype: DType = .float32, on backend: (any Backend)? = nil
  ) -> Tensor {
    full(1, shape, dtype: dtype, on: backend)
  }

  /// A single-element tensor of shape `[]` holding `value`.
  public static func scalar(
    _ value: Double, dtype: DType = .float32, on backend: (any Backend)? = nil
  ) -> Tensor {
    full(value, [], dtype: dtype, on: backend)
  }

  /// A tensor of zeros with this tensor's shape, dtype and backend.
  public func zerosLike() -> Tensor {
    Tensor.zeros(shape, dtype: dtype, on: backend)
  }

  // MARK: Reading back

  /// The elements as `Float`, in row-major order (converted from float64 if needed).
  public var floats: [Float] {
    switch dtype {
    case .float32: return hostElements(Float.self)
    case .float64: return hostElements(Double.self).map { Float($0) }
    }
  }

  /// The elements as `Double`, in row-major order (widened from float32 if needed).
  public var doubles: [Double] {
    switch dtype {
    case .float32: return hostElements(Float.self).map { Double($0) }
    case .float64: return hostElements(Double.self)
    }
  }

  /// The single element of a one-element tensor, as `Double`.
  ///
  /// - Precondition: `count == 1`.
  public var scalarValue: Double {
    precondition(count == 1, "Tensor.scalarValue: tensor of shape \(shape) is not a scalar")
    return doubles[0]
  }

  private func hostElements<T>(_: T.Type) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { backend.download(storage, into: UnsafeMutableRawPointer(buffer.baseAddress!)) }
      initialized = count
    }
  }

  // MARK: Conversion

  /// This tensor with elements of `dtype` (the same tensor if it already is).
  public func converted(to dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    return Tensor(converting: doubles, shape: shape, dtype: dtype, on: backend)
  }

  /// A copy of this tensor on `backend` (the same tensor if it is already there).
  public func moved(to backend: any Backend) -> Tensor {
    if backend === self.backend { return self }
    return Tensor(converting: doubles, shape: shape, dtype: dtype, on: backend)
  }
}
