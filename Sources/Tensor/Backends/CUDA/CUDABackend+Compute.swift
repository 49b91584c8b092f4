// CUDABackend+Compute: the compute primitives — cuBLAS SGEMM for matrix products, the NVRTC
// kernels for element-wise ops, reductions, transposes, row gathers/scatters and Adam.

import CCUDA

extension CUDABackend {
  // MARK: Matrix products

  /// Row-major `c ← alpha · op(a) · op(b) + beta · c` through `cublasSgemm`.
  ///
  /// cuBLAS is column-major, and a row-major matrix is its transpose read column-major, so the
  /// call computes `cᵀ = op(b)ᵀ · op(a)ᵀ`: operands swapped, transpose flags passed unchanged.
  /// With `k == 0` the product is zero and `c` becomes `beta · c` (zero when `beta` is zero).
  public func gemm(
    _ a: TensorStorage, transposeA: Bool, _ b: TensorStorage, transposeB: Bool,
    into c: TensorStorage, m: Int, n: Int, k: Int, alpha: Double, beta: Double
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      if beta == 0 { fill(c, with: 0) } else { unary(.multiplyScalar(beta), c, into: c) }
      return
    }
    precondition(
      max(m, n, k) <= largestInt32Count, "CUDABackend.gemm: \(m)×\(n)×\(k) exceeds cuBLAS's int")
    var alpha = Float(alpha)
    var beta = Float(beta)
    let lda = Int32(transposeA ? m : k)
    let ldb = Int32(transposeB ? k : n)
    let opA = transposeA ? CCUDA_CUBLAS_OP_T : CCUDA_CUBLAS_OP_N
    let opB = transposeB ? CCUDA_CUBLAS_OP_T : CCUDA_CUBLAS_OP_N
    withDevice { _ in
      let status = cublas.cublasSgemm(
        blasHandle, opB, opA, Int32(n), Int32(m), Int32(k), &alpha,
        b.floatDevicePointer, ldb, a.floatDevicePointer, lda, &beta,
        c.floatDevicePointer, Int32(n))
      if status != 0 {
        // A fatal error, not a precondition, so optimised builds still print the status.
        fatalError(
          "CUDABackend: cublasSgemm(\(m)×\(n)×\(k), tA=\(transposeA), tB=\(transposeB)) failed "
            + "with cublasStatus_t \(status)")
      }
    }
  }

  // MARK: Element-wise

  /// Applies `op` to every element; `out` may be `x`.
  public func unary(_ op: UnaryOp, _ x: TensorStorage, into out: TensorStorage) {
    let count = out.count
    guard count > 0 else { return }
    let code = op.kernelCode
    withDevice { _ in
      launch(
        .unary, linearShape(count),
        [
          .int32(code.op), .int64(Int64(count)), .pointer(x.devicePointer),
          .pointer(out.devicePointer), .float(code.p0), .float(code.p1),
        ])
    }
  }

  /// Applies `op` to `a` and `b` broadcast to `rows × columns`.
  public func binary(
    _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, into out: TensorStorage, rows: Int, columns: Int
  ) {
    let count = rows * columns
    guard count > 0 else { return }
    let head: [KernelArgument] = [
      .int32(op.kernelCode), .int32(aLayout.kernelCode), .int32(bLayout.kernelCode),
    ]
    let tail: [KernelArgument] = [
      .pointer(a.devicePointer), .pointer(b.devicePointer), .pointer(out.devicePointer),
    ]
    withDevice { _ in
      if count <= largestInt32Count {
        launch(
          .binary32, linearShape(count),
          head + [.uint32(UInt32(count)), .uint32(UInt32(columns))] + tail)
      } else {
        launch(
          .binary64, linearShape(count),
          head + [.int64(Int64(count)), .int64(Int64(columns))] + tail)
      }
    }
  }

  // MARK: Reductions

  /// Reduces the middle axis of `x` viewed as `[outer, length, inner]`.
  ///
  /// Short axes (≤ 32) use one thread per output, in the reference's order; contiguous axes
  /// (`inner == 1`) one block per output; strided axes blocks of 32 adjacent outputs that read
  /// coalesced. Every variant is deterministic.
  ///
  /// - Precondition: `length > 0` unless `op` is ``ReduceOp/sum``.
  public func reduce(
    _ op: ReduceOp, _ x: TensorStorage, outer: Int, length: Int, inner: Int,
    into out: TensorStorage
  ) {
    let outputs = outer * inner
    guard outputs > 0 else { return }
    if length == 0 {
      precondition(op == .sum, "reduce(\(op)): cannot reduce an empty axis")
      fill(out, with: 0)
      return
    }
    let arguments: [KernelArgument] = [
      .int32(op.kernelCode), .int64(Int64(outer)), .int64(Int64(length)), .int64(Int64(inner)),
      .pointer(x.devicePointer), .pointer(out.devicePointer),
    ]
    let cap = information.multiprocessors * 32
    withDevice { _ in
      if length <= 32 {
        launch(.reduceSerial, linearShape(outputs), arguments)
      } else if inner == 1 {
        let shape = LaunchShape(grid: (min(outputs, cap), 1), block: (CUDAKernels.blockSize, 1))
        launch(.reduceBlock, shape, arguments)
      } else {
        let jobs = outer * ((inner + 31) / 32)
        let shape = LaunchShape(grid: (min(jobs, cap), 1), block: (32, 32))
        launch(.reduceColumns, shape, arguments)
      }
    }
  }

  // MARK: Rows and transposes

  /// Writes the transpose of the row-major `rows × columns` matrix `x` into `out`.
  public func transpose(_ x: TensorStorage, rows: Int, columns: Int, into out: TensorStorage) {
    guard rows > 0 && columns > 0 else { return }
    let shape = LaunchShape(
      grid: ((columns + 31) / 32, min((rows + 31) / 32, 65_535)), block: (32, 8))
    withDevice { _ in
      launch(
        .transpose, shape,
        [
          .int64(Int64(rows)), .int64(Int64(columns)), .pointer(x.devicePointer),
          .pointer(out.devicePointer),
        ])
    }
  }

  /// Copies rows `indices` of `x` into consecutive rows of `out`; the indices are uploaded.
  public func gatherRows(
    _ x: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    let count = indices.count * rowLength
    guard count > 0 else { return }
    let indices32 = indices.map { Int32($0) }
    let wide = max(count, x.count) > largestInt32Count
    withDevice { pool in
      let device = uploadIndices(indices32, &pool)
      let tail: [KernelArgument] = [
        .pointer(device), .pointer(x.devicePointer), .pointer(out.devicePointer),
      ]
      if wide {
        launch(
          .gather64, linearShape(count),
          [.int64(Int64(count)), .int64(Int64(rowLength))] + tail)
      } else {
        launch(
          .gather32, linearShape(count),
          [.uint32(UInt32(count)), .uint32(UInt32(rowLength))] + tail)
      }
      releaseBlock(device, bytes: indices32.count * 4, &pool)
    }
  }

  /// Adds row `r` of `source` into row `indices[r]` of `out`, repeated indices accumulating in
  /// index order.
  ///
  /// The host groups the source rows by target (a stable counting sort), so each output element
  /// is summed by one thread in the reference's order: no atomics, a deterministic result.
  public func scatterAddRows(
    _ source: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    guard !indices.isEmpty && rowLength > 0 else { return }
    let plan = ScatterPlan(indices)
    let targetCount = plan.targets.count
    let shape = LaunchShape(
      grid: (
        min((rowLength + CUDAKernels.blockSize - 1) / CUDAKernels.blockSize, 65_535),
        min(targetCount, 65_535)
      ), block: (CUDAKernels.blockSize, 1))
    withDevice { pool in
      let packed = plan.targets + plan.offsets + plan.sources
      let device = uploadIndices(packed, &pool)
      let offsets = device + CUdeviceptr(4 * targetCount)
      let sources = offsets + CUdeviceptr(4 * (targetCount + 1))
      launch(
        .scatterAdd, shape,
        [
          .int64(Int64(targetCount)), .int64(Int64(rowLength)), .pointer(device),
          .pointer(offsets), .pointer(sources), .pointer(source.devicePointer),
          .pointer(out.devicePointer),
        ])
      releaseBlock(device, bytes: packed.count * 4, &pool)
    }
  }

  // MARK: Optimiser

  /// One fused Adam update of `parameter` in place, with the bias corrections computed on the
  /// host in float32 exactly as ``ReferenceBackend`` computes them.
  public func adamStep(
    parameter: TensorStorage, gradient: TensorStorage, firstMoment: TensorStorage,
    secondMoment: TensorStorage, hyperparameters h: AdamStep
  ) {
    let count = parameter.count
    guard count > 0 else { return }
    let beta1 = Float(h.beta1)
    let beta2 = Float(h.beta2)
    let biasCorrection1 = 1 - Float.power(beta1, Float(h.step))
    let biasCorrection2 = 1 - Float.power(beta2, Float(h.step))
    let stepSize = Float(h.learningRate) / biasCorrection1
    withDevice { _ in
      launch(
        .adam, linearShape(count),
        [
          .int64(Int64(count)), .pointer(parameter.devicePointer),
          .pointer(gradient.devicePointer), .pointer(firstMoment.devicePointer),
          .pointer(secondMoment.devicePointer), .float(beta1), .float(1 - beta1), .float(beta2),
          .float(1 - beta2), .float(Float(h.epsilon)), .float(Float(h.weightDecay)),
          .float(stepSize), .float(biasCorrection2.squareRoot()),
        ])
    }
  }
}

/// Source rows grouped by target row for the deterministic scatter-add kernel.
struct ScatterPlan {
  /// The distinct target rows, ascending.
  var targets: [Int32] = []
  /// `sources[offsets[t] ..< offsets[t + 1]]` are the source rows of `targets[t]`.
  var offsets: [Int32] = [0]
  /// Source row numbers, grouped by target, ascending within a group.
  var sources: [Int32] = []

  init(_ indices: [Int]) {
    precondition(indices.count <= largestInt32Count, "scatterAddRows: too many indices")
    let rowCount = (indices.max() ?? -1) + 1
    var counts = [Int32](repeating: 0, count: rowCount)
    for index in indices { counts[index] += 1 }
    var start = [Int32](repeating: 0, count: rowCount)
    var total: Int32 = 0
    for row in 0..<rowCount where counts[row] > 0 {
      targets.append(Int32(row))
      start[row] = total
      total += counts[row]
      offsets.append(total)
    }
    sources = [Int32](repeating: 0, count: indices.count)
    for (source, index) in indices.enumerated() {
      sources[Int(start[index])] = Int32(source)
      start[index] += 1
    }
  }
}

extension TensorStorage {
  /// The device address as the `float *` cuBLAS takes.
  fileprivate var floatDevicePointer: UnsafeMutablePointer<Float> {
    address.assumingMemoryBound(to: Float.self)
  }
}
