// CUDABackend: float32 tensors on an NVIDIA GPU — cuBLAS for matrix products, NVRTC-compiled
// kernels for everything else, one stream, a caching allocator; all CUDA loaded with dlopen.

import CCUDA
import Synchronization

/// The CUDA backend: float32 tensors in device memory, matrix products through cuBLAS and every
/// other primitive through the CUDA C kernels of ``CUDAKernels``.
///
/// Nothing links against CUDA. Creating a backend opens the driver (`libcuda.so.1`), cuBLAS and
/// NVRTC with `dlopen` (see ``CUDALibrary`` and ``Configuration``), retains the device's primary
/// context, creates one stream and one cuBLAS handle, and compiles the kernels with NVRTC for the
/// device's compute capability (once per process; CUBIN, falling back to PTX). Any missing piece
/// makes the initialiser throw ``BackendError/unavailable(library:reason:)`` naming the library
/// and the `dlerror()`/driver message, so programs can fall back to ``CPUBackend``:
///
/// ```swift
/// let backend: any Backend = (try? CUDABackend()) ?? CPUBackend.shared
/// ```
///
/// Work is queued on the backend's stream and runs asynchronously; ``synchronize()`` waits for
/// it and ``download(_:into:)`` synchronises implicitly. Calls from several threads are
/// serialised by a lock. Freed device buffers are kept in a cache (``Configuration/cacheCapacity``)
/// and reused for later requests of the same size class.
///
/// Only ``DType/float32`` is supported: ``supports(_:)`` returns `false` for float64, and
/// allocating a float64 buffer is a precondition failure. A CUDA error after creation (a kernel
/// fault, an exhausted device even after the cache is released) stops the process with the
/// driver's message, as there is no consistent state to continue from.
///
/// Results match ``ReferenceBackend``: bitwise for copies, fills, transposes, gathers,
/// scatter-adds, `max`/`min`/`arg…` reductions, element-wise arithmetic and Adam; within a few
/// ulp for `exp`/`log`/`tanh`/`pow`/`sigmoid`; within summation-order error for matrix products
/// and block-parallel sums. The parity suite (`_ParitySupport`'s `BackendParity`) checks each.
///
/// The class is `@unchecked Sendable`: its CUDA handles are immutable after creation, and every
/// call that uses them runs under the lock of the backend's buffer pool.
public final class CUDABackend: Backend, @unchecked Sendable {
  let driver: CUDADriverFunctions
  let cublas: CUBLASFunctions
  let device: CUdevice
  let context: CUcontext
  let stream: CUstream
  let blasHandle: cublasHandle_t
  let module: CUmodule
  let kernels: CUDAKernelFunctions
  /// The device pool; its lock also serialises every call into the driver and cuBLAS.
  let pool: Mutex<CUDAMemoryPool>

  /// The device, driver, library and kernel facts of this backend.
  public let information: DeviceInformation
  /// The configuration the backend was created with.
  public let configuration: Configuration

  /// Creates a backend on `configuration.device`.
  ///
  /// - Parameter configuration: The device, library locations and cache size.
  /// - Throws: ``BackendError/unavailable(library:reason:)`` when a library cannot be opened or
  ///   lacks a symbol, when no CUDA device is present (or the ordinal is out of range), or when
  ///   the kernels cannot be compiled or loaded for the device.
  /// - Complexity: The first backend in a process compiles the kernels (about a second).
  public init(configuration: Configuration = Configuration()) throws(BackendError) {
    self.configuration = configuration
    let driver = try CUDADriverFunctions(DynamicLibrary.open(.driver, configuration))
    let ordinal = try Self.initializeDriver(driver, device: configuration.device)
    var cleanups: [() -> Void] = []
    var created = false
    defer { if !created { for cleanup in cleanups.reversed() { cleanup() } } }

    var device: CUdevice = 0
    try driver.check(driver.cuDeviceGet(&device, Int32(ordinal)), "cuDeviceGet(\(ordinal))")
    var context: CUcontext?
    try driver.check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
    cleanups.append { _ = driver.cuDevicePrimaryCtxRelease(device) }
    try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    var stream: CUstream?
    try driver.check(
      driver.cuStreamCreate(&stream, UInt32(CCUDA_STREAM_NON_BLOCKING)), "cuStreamCreate")
    cleanups.append { _ = driver.cuStreamDestroy(stream) }

    let cublas = try CUBLASFunctions(DynamicLibrary.open(.cublas, configuration))
    var handle: cublasHandle_t?
    let status = cublas.cublasCreate(&handle)
    guard status == 0, let handle else {
      throw .unavailable(library: cublas.library.path, reason: "cublasCreate failed: \(status)")
    }
    cleanups.append { _ = cublas.cublasDestroy(handle) }
    _ = cublas.cublasSetStream(handle, stream)
    var cublasVersion: Int32 = 0
    _ = cublas.cublasGetVersion(handle, &cublasVersion)

    let nvrtc = try NVRTCFunctions(DynamicLibrary.open(.nvrtc, configuration))
    let capability =
      try Self.attribute(
        driver, device, CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
      + Self.attribute(driver, device, CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
    let (module, image) = try Self.loadKernels(driver, nvrtc, capability: capability)
    cleanups.append { _ = driver.cuModuleUnload(module) }
    let kernels = try CUDAKernelFunctions(driver, module)

    var version: Int32 = 0
    _ = driver.cuDriverGetVersion(&version)
    var name = [CChar](repeating: 0, count: 256)
    _ = driver.cuDeviceGetName(&name, Int32(name.count), device)
    var totalMemory = 0
    _ = driver.cuDeviceTotalMem(&totalMemory, device)
    information = DeviceInformation(
      ordinal: ordinal,
      name: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
      computeCapability: capability,
      multiprocessors: try Self.attribute(
        driver, device, CCUDA_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
      totalMemory: totalMemory, driverVersion: Int(version), cublasVersion: Int(cublasVersion),
      compiler: image.compiler, kernelTarget: image.target,
      libraries: [
        .driver: driver.library.path, .cublas: cublas.library.path, .nvrtc: nvrtc.library.path,
      ])

    self.driver = driver
    self.cublas = cublas
    self.device = device
    self.context = context!
    self.stream = stream!
    self.blasHandle = handle
    self.module = module
    self.kernels = kernels
    self.pool = Mutex(CUDAMemoryPool(capacity: configuration.cacheCapacity))
    created = true
  }

  deinit {
    _ = driver.cuCtxSetCurrent(context)
    _ = driver.cuStreamSynchronize(stream)
    for block in pool.withLock({ $0.drain() }) { _ = driver.cuMemFree(block) }
    _ = cublas.cublasDestroy(blasHandle)
    _ = driver.cuModuleUnload(module)
    _ = driver.cuStreamDestroy(stream)
    _ = driver.cuDevicePrimaryCtxRelease(device)
  }

  /// Whether a CUDA backend with the default configuration can be created here: the three
  /// libraries load, the driver initialises and reports at least one device.
  ///
  /// Evaluated once per process and without compiling kernels; tests use it to gate GPU-only
  /// checks (`.enabled(if: CUDABackend.isAvailable)`).
  public static let isAvailable: Bool = {
    let configuration = Configuration()
    do {
      let driver = try CUDADriverFunctions(DynamicLibrary.open(.driver, configuration))
      _ = try initializeDriver(driver, device: 0)
      _ = try CUBLASFunctions(DynamicLibrary.open(.cublas, configuration))
      _ = try NVRTCFunctions(DynamicLibrary.open(.nvrtc, configuration))
      return true
    } catch {
      return false
    }
  }()

  /// A short name for diagnostics.
  public var name: String { "cuda" }

  /// Whether `dtype` is supported: only ``DType/float32``.
  public func supports(_ dtype: DType) -> Bool { dtype == .float32 }

  // MARK: Setup helpers

  /// Initialises the driver and checks that `device` exists; returns the ordinal.
  static func initializeDriver(
    _ driver: CUDADriverFunctions, device: Int
  ) throws(BackendError) -> Int {
    try driver.check(driver.cuInit(0), "cuInit")
    var count: Int32 = 0
    try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
    guard device >= 0 && device < Int(count) else {
      throw .unavailable(
        library: driver.library.path,
        reason: "CUDA device \(device) requested but the driver reports \(count) device(s)")
    }
    return device
  }

  private static func attribute(
    _ driver: CUDADriverFunctions, _ device: CUdevice, _ attribute: Int
  ) throws(BackendError) -> Int {
    var value: Int32 = 0
    try driver.check(
      driver.cuDeviceGetAttribute(&value, Int32(attribute), device),
      "cuDeviceGetAttribute(\(attribute))")
    return Int(value)
  }

  /// Compiles (or takes from the process cache) and loads the kernels: a CUBIN for the device's
  /// own architecture, else PTX for the newest architecture NVRTC supports that the device runs.
  private static func loadKernels(
    _ driver: CUDADriverFunctions, _ nvrtc: NVRTCFunctions, capability: Int
  ) throws(BackendError) -> (CUmodule, CUDAKernelImage) {
    var failures: [String] = []
    let supported = nvrtc.supportedArchitectures.filter { $0 <= capability }
    var attempts: [(Int, CUDAKernelImage.Format)] = [(capability, .cubin)]
    if let newest = supported.max() { attempts.append((newest, .ptx)) }
    for (architecture, format) in attempts {
      do {
        let image = try CUDAKernels.compile(
          architecture: architecture, format: format, nvrtc: nvrtc)
        var module: CUmodule?
        let result = image.bytes.withUnsafeBytes {
          driver.cuModuleLoadData(&module, $0.baseAddress!)
        }
        if result == CUresult(CCUDA_SUCCESS), let module { return (module, image) }
        failures.append("cuModuleLoadData(\(image.target)): \(driver.describe(result))")
      } catch {
        failures.append(error.description)
      }
    }
    throw .unavailable(
      library: nvrtc.library.path,
      reason: "no kernel image loads on compute capability \(capability): "
        + failures.joined(separator: "; "))
  }

  // MARK: Device access

  /// Runs `body` with the pool locked and the backend's context current on this thread.
  @inline(__always)
  func withDevice<R: Sendable>(_ body: (inout CUDAMemoryPool) -> R) -> R {
    pool.withLock { pool in
      driver.require(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
      return body(&pool)
    }
  }

  /// A device block of at least `bytes` bytes: from the cache, else from the driver, else —
  /// after releasing the whole cache — from the driver again.
  func allocateBlock(_ bytes: Int, _ pool: inout CUDAMemoryPool) -> CUdeviceptr {
    let size = CUDAMemoryPool.blockSize(for: bytes)
    if let block = pool.take(size) { return block }
    var block: CUdeviceptr = 0
    var result = driver.cuMemAlloc(&block, size)
    if result == CUresult(CCUDA_ERROR_OUT_OF_MEMORY) {
      releaseCache(&pool)
      result = driver.cuMemAlloc(&block, size)
    }
    driver.require(result, "cuMemAlloc(\(size) bytes; \(pool.liveBytes) bytes in use)")
    pool.noteHandedOut(size)
    return block
  }

  /// Returns a block from ``allocateBlock(_:_:)`` to the cache (or to the driver).
  func releaseBlock(_ block: CUdeviceptr, bytes: Int, _ pool: inout CUDAMemoryPool) {
    let size = CUDAMemoryPool.blockSize(for: bytes)
    if !pool.put(block, size: size) {
      driver.require(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
      driver.require(driver.cuMemFree(block), "cuMemFree")
    }
  }

  private func releaseCache(_ pool: inout CUDAMemoryPool) {
    driver.require(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    for block in pool.drain() { driver.require(driver.cuMemFree(block), "cuMemFree") }
  }

  /// Frees every cached device block.
  public func trimCache() {
    withDevice { pool in releaseCache(&pool) }
  }

  /// Device memory in bytes: held by tensors now, the most held at once, and cached for reuse.
  public var memoryUsage: (live: Int, peak: Int, cached: Int) {
    pool.withLock { ($0.liveBytes, $0.peakLiveBytes, $0.cachedBytes) }
  }

  // MARK: Memory

  /// Allocates an uninitialised device buffer of `count` float32 elements.
  ///
  /// - Precondition: `dtype` is ``DType/float32``.
  public func allocate(count: Int, dtype: DType) -> TensorStorage {
    precondition(
      dtype == .float32, "CUDABackend supports float32 only; \(dtype) was requested")
    let block = withDevice { pool in allocateBlock(count * dtype.byteSize, &pool) }
    return TensorStorage(
      backend: self, dtype: dtype, count: count,
      address: UnsafeMutableRawPointer(bitPattern: UInt(block))!)
  }

  /// Returns a device buffer to the cache.
  public func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int) {
    withDevice { pool in releaseBlock(address.devicePointer, bytes: byteCount, &pool) }
  }

  /// Copies host memory into the buffer (queued; the host memory may be reused on return).
  public func upload(_ source: UnsafeRawPointer, into storage: TensorStorage) {
    guard storage.byteCount > 0 else { return }
    withDevice { _ in
      driver.require(
        driver.cuMemcpyHtoDAsync(storage.devicePointer, source, storage.byteCount, stream),
        "cuMemcpyHtoDAsync(\(storage.byteCount) bytes)")
    }
  }

  /// Waits for queued work, then copies the whole buffer into host memory.
  public func download(_ storage: TensorStorage, into destination: UnsafeMutableRawPointer) {
    guard storage.byteCount > 0 else { return }
    withDevice { _ in
      driver.require(
        driver.cuMemcpyDtoHAsync(destination, storage.devicePointer, storage.byteCount, stream),
        "cuMemcpyDtoHAsync(\(storage.byteCount) bytes)")
      driver.require(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    }
  }

  /// Copies `count` elements between device buffers.
  public func copy(
    _ source: TensorStorage, offset sourceOffset: Int, into destination: TensorStorage,
    offset destinationOffset: Int, count: Int
  ) {
    guard count > 0 else { return }
    let size = source.dtype.byteSize
    withDevice { _ in
      driver.require(
        driver.cuMemcpyDtoDAsync(
          destination.devicePointer + CUdeviceptr(destinationOffset * size),
          source.devicePointer + CUdeviceptr(sourceOffset * size), count * size, stream),
        "cuMemcpyDtoDAsync(\(count * size) bytes)")
    }
  }

  /// Sets every element to `value` (rounded to float32).
  public func fill(_ storage: TensorStorage, with value: Double) {
    guard storage.count > 0 else { return }
    withDevice { _ in
      driver.require(
        driver.cuMemsetD32Async(
          storage.devicePointer, Float(value).bitPattern, storage.count, stream),
        "cuMemsetD32Async")
    }
  }

  /// Waits until every operation queued on the backend's stream has finished.
  public func synchronize() {
    withDevice { _ in
      driver.require(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    }
  }
}

extension UnsafeMutableRawPointer {
  /// The device address this pointer carries.
  var devicePointer: CUdeviceptr { CUdeviceptr(UInt(bitPattern: self)) }
}

extension TensorStorage {
  /// The device address of a ``CUDABackend`` buffer.
  var devicePointer: CUdeviceptr { address.devicePointer }
}
