// CPUBackend: OpenBLAS for matrix products, serial vectorised loops for everything else.

import COpenBLAS

/// The CPU backend: OpenBLAS `sgemm`/`dgemm` plus serial, vectorised element-wise loops.
///
/// Threads belong to OpenBLAS. The element-wise loops run on the calling thread, because
/// wrapping multi-threaded BLAS in more threads oversubscribes the cores. The OpenBLAS thread
/// count is process-wide: passing `threads:` sets it for every CPU backend in the process.
///
/// Freed buffers of 16 KiB and more are cached by exact size (up to `cacheCapacity` bytes) so
/// that a training loop allocating the same shapes every step does not fault in fresh pages.
///
/// Supports ``DType/float32`` and ``DType/float64``. Results match ``ReferenceBackend`` within
/// floating-point reassociation error; with one thread, the same inputs give the same bits.
public final class CPUBackend: Backend {
  let allocator: HostAllocator

  /// Creates a CPU backend.
  ///
  /// - Parameters:
  ///   - threads: The number of OpenBLAS threads, or `nil` to leave OpenBLAS's setting (its
  ///     `OPENBLAS_NUM_THREADS`, else all cores) unchanged.
  ///   - cacheCapacity: The most bytes of freed buffers kept for reuse.
  public init(threads: Int? = nil, cacheCapacity: Int = 1 << 30) {
    if let threads {
      precondition(threads > 0, "CPUBackend: threads must be positive, got \(threads)")
      openblas_set_num_threads(Int32(threads))
    }
    allocator = HostAllocator(capacity: cacheCapacity)
  }

  /// The backend used when no other is given (see ``withBackend(_:_:)``).
  public static let shared = CPUBackend()

  /// The number of threads OpenBLAS uses now.
  public static var blasThreads: Int { Int(openblas_get_num_threads()) }

  /// Sets the number of OpenBLAS threads for the whole process.
  public static func setBLASThreads(_ threads: Int) {
    precondition(threads > 0, "CPUBackend.setBLASThreads: threads must be positive")
    openblas_set_num_threads(Int32(threads))
  }

  /// A short name for diagnostics.
  public var name: String { "cpu" }

  /// Whether `dtype` is supported.
  public func supports(_ dtype: DType) -> Bool { true }

  /// Returns every cached free buffer to the system.
  public func trimCache() { allocator.trim() }

  // MARK: Memory

  /// Allocates an uninitialised host buffer of `count` elements.
  public func allocate(count: Int, dtype: DType) -> TensorStorage {
    let address = allocator.allocate(byteCount: count * dtype.byteSize)
    return TensorStorage(backend: self, dtype: dtype, count: count, address: address)
  }

  /// Returns a buffer to the allocator.
  public func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int) {
    allocator.deallocate(address, byteCount: byteCount)
  }

  /// Copies host memory into the buffer.
  public func upload(_ source: UnsafeRawPointer, into storage: TensorStorage) {
    storage.address.copyMemory(from: source, byteCount: storage.byteCount)
  }

  /// Copies the whole buffer into host memory.
  public func download(_ storage: TensorStorage, into destination: UnsafeMutableRawPointer) {
    destination.copyMemory(from: storage.address, byteCount: storage.byteCount)
  }

  /// Copies `count` elements between buffers.
  public func copy(
    _ source: TensorStorage, offset sourceOffset: Int, into destination: TensorStorage,
    offset destinationOffset: Int, count: Int
  ) {
    let size = source.dtype.byteSize
    (destination.address + destinationOffset * size).copyMemory(
      from: source.address + sourceOffset * size, byteCount: count * size)
  }

  /// Sets every element to `value`.
  public func fill(_ storage: TensorStorage, with value: Double) {
    switch storage.dtype {
    case .float32: storage.floats.update(repeating: Float(value), count: storage.count)
    case .float64: storage.doubles.update(repeating: value, count: storage.count)
    }
  }

  // MARK: Matrix products

  /// Row-major matrix multiply with transpose flags.
  public func gemm(
    _ a: TensorStorage, transposeA: Bool, _ b: TensorStorage, transposeB: Bool,
    into c: TensorStorage, m: Int, n: Int, k: Int, alpha: Double, beta: Double
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      // BLAS leaves C untouched when k == 0 but the product is zero: apply beta only.
      unary(.multiplyScalar(beta), c, into: c)
      return
    }
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    switch c.dtype {
    case .float32:
      hostGEMM(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: Float(alpha),
        a.floats, lda: lda, b.floats, ldb: ldb, beta: Float(beta), c.floats, ldc: n)
    case .float64:
      hostGEMM(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a.doubles,
        lda: lda, b.doubles, ldb: ldb, beta: beta, c.doubles, ldc: n)
    }
  }

  /// Writes the transpose of a row-major matrix.
  public func transpose(_ x: TensorStorage, rows: Int, columns: Int, into out: TensorStorage) {
    if rows == 0 || columns == 0 { return }
    switch x.dtype {
    case .float32:
      cblas_somatcopy(
        CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, x.floats, Int32(columns),
        out.floats, Int32(rows))
    case .float64:
      cblas_domatcopy(
        CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, x.doubles, Int32(columns),
        out.doubles, Int32(rows))
    }
  }

  // MARK: Element-wise, reductions, rows, Adam

  /// Applies `op` element-wise.
  public func unary(_ op: UnaryOp, _ x: TensorStorage, into out: TensorStorage) {
    switch x.dtype {
    case .float32: CPUKernels<Float>.unary(op, x.floats, out.floats, out.count)
    case .float64: CPUKernels<Double>.unary(op, x.doubles, out.doubles, out.count)
    }
  }

  /// Applies `op` to two broadcast operands.
  public func binary(
    _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, into out: TensorStorage, rows: Int, columns: Int
  ) {
    switch out.dtype {
    case .float32:
      CPUKernels<Float>.binary(
        op, a.floats, aLayout, b.floats, bLayout, out.floats, rows, columns)
    case .float64:
      CPUKernels<Double>.binary(
        op, a.doubles, aLayout, b.doubles, bLayout, out.doubles, rows, columns)
    }
  }

  /// Reduces the middle axis of an `[outer, length, inner]` view.
  public func reduce(
    _ op: ReduceOp, _ x: TensorStorage, outer: Int, length: Int, inner: Int,
    into out: TensorStorage
  ) {
    switch x.dtype {
    case .float32: CPUKernels<Float>.reduce(op, x.floats, outer, length, inner, out.floats)
    case .float64: CPUKernels<Double>.reduce(op, x.doubles, outer, length, inner, out.doubles)
    }
  }

  /// Copies the rows `indices` into consecutive rows of `out`.
  public func gatherRows(
    _ x: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    let size = x.dtype.byteSize
    let rowBytes = rowLength * size
    for (row, index) in indices.enumerated() {
      (out.address + row * rowBytes).copyMemory(
        from: x.address + index * rowBytes, byteCount: rowBytes)
    }
  }

  /// Adds each row of `source` into row `indices[r]` of `out`.
  public func scatterAddRows(
    _ source: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    switch source.dtype {
    case .float32: CPUKernels<Float>.scatterAdd(source.floats, indices, rowLength, out.floats)
    case .float64: CPUKernels<Double>.scatterAdd(source.doubles, indices, rowLength, out.doubles)
    }
  }

  /// One fused Adam update of `parameter` in place.
  public func adamStep(
    parameter: TensorStorage, gradient: TensorStorage, firstMoment: TensorStorage,
    secondMoment: TensorStorage, hyperparameters: AdamStep
  ) {
    switch parameter.dtype {
    case .float32:
      CPUKernels<Float>.adam(
        parameter.floats, gradient.floats, firstMoment.floats, secondMoment.floats,
        parameter.count, hyperparameters)
    case .float64:
      CPUKernels<Double>.adam(
        parameter.doubles, gradient.doubles, firstMoment.doubles, secondMoment.doubles,
        parameter.count, hyperparameters)
    }
  }

  /// Waits for queued work; host work is synchronous, so this returns at once.
  public func synchronize() {}
}
