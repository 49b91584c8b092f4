// CUDAFunctionTables: the driver, cuBLAS and NVRTC entry points, resolved once with dlsym into
// typed C function pointers (the typedefs of the CCUDA module map).

import CCUDA

/// The CUDA driver API entry points the backend calls.
struct CUDADriverFunctions: @unchecked Sendable {
  let library: DynamicLibrary
  let cuInit: PFN_cuInit
  let cuDriverGetVersion: PFN_cuDriverGetVersion
  let cuGetErrorName: PFN_cuGetErrorName
  let cuGetErrorString: PFN_cuGetErrorString
  let cuDeviceGetCount: PFN_cuDeviceGetCount
  let cuDeviceGet: PFN_cuDeviceGet
  let cuDeviceGetName: PFN_cuDeviceGetName
  let cuDeviceGetAttribute: PFN_cuDeviceGetAttribute
  let cuDeviceTotalMem: PFN_cuDeviceTotalMem
  let cuDevicePrimaryCtxRetain: PFN_cuDevicePrimaryCtxRetain
  let cuDevicePrimaryCtxRelease: PFN_cuDevicePrimaryCtxRelease
  let cuCtxSetCurrent: PFN_cuCtxSetCurrent
  let cuMemAlloc: PFN_cuMemAlloc
  let cuMemFree: PFN_cuMemFree
  let cuMemcpyHtoDAsync: PFN_cuMemcpyHtoDAsync
  let cuMemcpyDtoHAsync: PFN_cuMemcpyDtoHAsync
  let cuMemcpyDtoDAsync: PFN_cuMemcpyDtoDAsync
  let cuMemsetD32Async: PFN_cuMemsetD32Async
  let cuModuleLoadData: PFN_cuModuleLoadData
  let cuModuleUnload: PFN_cuModuleUnload
  let cuModuleGetFunction: PFN_cuModuleGetFunction
  let cuLaunchKernel: PFN_cuLaunchKernel
  let cuStreamCreate: PFN_cuStreamCreate
  let cuStreamDestroy: PFN_cuStreamDestroy
  let cuStreamSynchronize: PFN_cuStreamSynchronize

  /// Resolves every entry point; versioned exports (`_v2`) as cuda.h maps them.
  init(_ library: DynamicLibrary) throws(BackendError) {
    self.library = library
    cuInit = try library.symbol("cuInit")
    cuDriverGetVersion = try library.symbol("cuDriverGetVersion")
    cuGetErrorName = try library.symbol("cuGetErrorName")
    cuGetErrorString = try library.symbol("cuGetErrorString")
    cuDeviceGetCount = try library.symbol("cuDeviceGetCount")
    cuDeviceGet = try library.symbol("cuDeviceGet")
    cuDeviceGetName = try library.symbol("cuDeviceGetName")
    cuDeviceGetAttribute = try library.symbol("cuDeviceGetAttribute")
    cuDeviceTotalMem = try library.symbol("cuDeviceTotalMem_v2")
    cuDevicePrimaryCtxRetain = try library.symbol("cuDevicePrimaryCtxRetain")
    cuDevicePrimaryCtxRelease = try library.symbol("cuDevicePrimaryCtxRelease_v2")
    cuCtxSetCurrent = try library.symbol("cuCtxSetCurrent")
    cuMemAlloc = try library.symbol("cuMemAlloc_v2")
    cuMemFree = try library.symbol("cuMemFree_v2")
    cuMemcpyHtoDAsync = try library.symbol("cuMemcpyHtoDAsync_v2")
    cuMemcpyDtoHAsync = try library.symbol("cuMemcpyDtoHAsync_v2")
    cuMemcpyDtoDAsync = try library.symbol("cuMemcpyDtoDAsync_v2")
    cuMemsetD32Async = try library.symbol("cuMemsetD32Async")
    cuModuleLoadData = try library.symbol("cuModuleLoadData")
    cuModuleUnload = try library.symbol("cuModuleUnload")
    cuModuleGetFunction = try library.symbol("cuModuleGetFunction")
    cuLaunchKernel = try library.symbol("cuLaunchKernel")
    cuStreamCreate = try library.symbol("cuStreamCreate")
    cuStreamDestroy = try library.symbol("cuStreamDestroy_v2")
    cuStreamSynchronize = try library.symbol("cuStreamSynchronize")
  }

  /// `CUDA_ERROR_…: message` for a driver result code.
  func describe(_ result: CUresult) -> String {
    var name: UnsafePointer<CChar>?
    var message: UnsafePointer<CChar>?
    _ = cuGetErrorName(result, &name)
    _ = cuGetErrorString(result, &message)
    let nameText = name.map { String(cString: $0) } ?? "CUresult \(result)"
    return message.map { "\(nameText) (\(String(cString: $0)))" } ?? nameText
  }

  /// Throws ``BackendError/unavailable(library:reason:)`` unless `result` is success; used
  /// while the backend is being created.
  func check(_ result: CUresult, _ call: String) throws(BackendError) {
    guard result != CUresult(CCUDA_SUCCESS) else { return }
    throw .unavailable(library: library.path, reason: "\(call) failed: \(describe(result))")
  }

  /// Stops the process unless `result` is success; used once the backend is running, where a
  /// failure (a kernel fault, a lost device, exhausted memory) leaves no way to continue.
  ///
  /// This is `fatalError`, not `preconditionFailure`, because optimised builds drop a
  /// precondition's message, and the driver's message is the only diagnosis of such a failure.
  func require(_ result: CUresult, _ call: @autoclosure () -> String) {
    guard result != CUresult(CCUDA_SUCCESS) else { return }
    fatalError("CUDABackend: \(call()) failed: \(describe(result))")
  }
}

/// The cuBLAS entry points the backend calls.
struct CUBLASFunctions: @unchecked Sendable {
  let library: DynamicLibrary
  let cublasCreate: PFN_cublasCreate_v2
  let cublasDestroy: PFN_cublasDestroy_v2
  let cublasGetVersion: PFN_cublasGetVersion_v2
  let cublasSetStream: PFN_cublasSetStream_v2
  let cublasSgemm: PFN_cublasSgemm_v2

  init(_ library: DynamicLibrary) throws(BackendError) {
    self.library = library
    cublasCreate = try library.symbol("cublasCreate_v2")
    cublasDestroy = try library.symbol("cublasDestroy_v2")
    cublasGetVersion = try library.symbol("cublasGetVersion_v2")
    cublasSetStream = try library.symbol("cublasSetStream_v2")
    cublasSgemm = try library.symbol("cublasSgemm_v2")
  }
}

/// The NVRTC entry points the kernel compiler calls.
struct NVRTCFunctions: @unchecked Sendable {
  let library: DynamicLibrary
  let nvrtcVersion: PFN_nvrtcVersion
  let nvrtcGetNumSupportedArchs: PFN_nvrtcGetNumSupportedArchs
  let nvrtcGetSupportedArchs: PFN_nvrtcGetSupportedArchs
  let nvrtcCreateProgram: PFN_nvrtcCreateProgram
  let nvrtcCompileProgram: PFN_nvrtcCompileProgram
  let nvrtcGetPTXSize: PFN_nvrtcGetPTXSize
  let nvrtcGetPTX: PFN_nvrtcGetPTX
  let nvrtcGetCUBINSize: PFN_nvrtcGetCUBINSize
  let nvrtcGetCUBIN: PFN_nvrtcGetCUBIN
  let nvrtcGetProgramLogSize: PFN_nvrtcGetProgramLogSize
  let nvrtcGetProgramLog: PFN_nvrtcGetProgramLog
  let nvrtcDestroyProgram: PFN_nvrtcDestroyProgram
  let nvrtcGetErrorString: PFN_nvrtcGetErrorString

  init(_ library: DynamicLibrary) throws(BackendError) {
    self.library = library
    nvrtcVersion = try library.symbol("nvrtcVersion")
    nvrtcGetNumSupportedArchs = try library.symbol("nvrtcGetNumSupportedArchs")
    nvrtcGetSupportedArchs = try library.symbol("nvrtcGetSupportedArchs")
    nvrtcCreateProgram = try library.symbol("nvrtcCreateProgram")
    nvrtcCompileProgram = try library.symbol("nvrtcCompileProgram")
    nvrtcGetPTXSize = try library.symbol("nvrtcGetPTXSize")
    nvrtcGetPTX = try library.symbol("nvrtcGetPTX")
    nvrtcGetCUBINSize = try library.symbol("nvrtcGetCUBINSize")
    nvrtcGetCUBIN = try library.symbol("nvrtcGetCUBIN")
    nvrtcGetProgramLogSize = try library.symbol("nvrtcGetProgramLogSize")
    nvrtcGetProgramLog = try library.symbol("nvrtcGetProgramLog")
    nvrtcDestroyProgram = try library.symbol("nvrtcDestroyProgram")
    nvrtcGetErrorString = try library.symbol("nvrtcGetErrorString")
  }

  /// NVRTC's message for a result code.
  func describe(_ result: nvrtcResult) -> String {
    nvrtcGetErrorString(result).map { String(cString: $0) } ?? "nvrtcResult \(result)"
  }

  /// The (major, minor) version of this NVRTC.
  var version: (major: Int, minor: Int) {
    var major: Int32 = 0
    var minor: Int32 = 0
    _ = nvrtcVersion(&major, &minor)
    return (Int(major), Int(minor))
  }

  /// The virtual architectures this NVRTC can target, as numbers such as 75, 80, 90.
  var supportedArchitectures: [Int] {
    var count: Int32 = 0
    guard nvrtcGetNumSupportedArchs(&count) == 0, count > 0 else { return [] }
    var architectures = [Int32](repeating: 0, count: Int(count))
    guard nvrtcGetSupportedArchs(&architectures) == 0 else { return [] }
    return architectures.map(Int.init)
  }
}

extension CUDALibrary {
  /// Opens this library as ``CUDABackend`` would and checks that it exports every entry point
  /// the backend calls, without initialising the driver or touching a GPU.
  ///
  /// - Parameter configuration: The search directories or explicit path to use.
  /// - Returns: The file the library was loaded from.
  /// - Throws: ``BackendError/unavailable(library:reason:)`` with the paths tried and
  ///   `dlerror()`, or the name of a missing symbol.
  public func locate(
    _ configuration: CUDABackend.Configuration = CUDABackend.Configuration()
  ) throws(BackendError) -> String {
    let library = try DynamicLibrary.open(self, configuration)
    switch self {
    case .driver: _ = try CUDADriverFunctions(library)
    case .cublas: _ = try CUBLASFunctions(library)
    case .nvrtc: _ = try NVRTCFunctions(library)
    }
    return library.path
  }
}
