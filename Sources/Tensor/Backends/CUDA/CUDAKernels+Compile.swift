// CUDAKernels+Compile: NVRTC compilation of the kernel source to PTX or CUBIN, cached once per
// process for each (library, format, architecture).

import CCUDA
import Synchronization

/// The kernels compiled for one GPU architecture.
public struct CUDAKernelImage: Sendable, Hashable {
  /// What the compiler produced.
  public enum Format: String, Sendable, Hashable, CaseIterable {
    /// PTX assembly for a virtual architecture (`compute_XY`), which the driver compiles for the
    /// GPU when the module is loaded. Needs a driver at least as new as the NVRTC that made it.
    case ptx
    /// Machine code for a real architecture (`sm_XY`); loads without the driver's compiler and
    /// runs on drivers of the same CUDA major version as the NVRTC that made it.
    case cubin
  }

  /// PTX or CUBIN.
  public let format: Format
  /// The compute capability compiled for, as a number such as 80 or 90.
  public let architecture: Int
  /// The image as passed to `cuModuleLoadData`; PTX ends with a NUL byte.
  public let bytes: [UInt8]
  /// The compiler's log (warnings), empty when it had nothing to say.
  public let log: String
  /// The NVRTC that compiled it, such as `"NVRTC 13.2"`.
  public let compiler: String

  /// The PTX text, or `nil` for a CUBIN image.
  public var ptx: String? {
    guard format == .ptx else { return nil }
    return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }

  /// `"cubin sm_90"` or `"ptx compute_90"`.
  public var target: String {
    format == .ptx ? "ptx compute_\(architecture)" : "cubin sm_\(architecture)"
  }
}

/// Images already compiled in this process, by NVRTC path, format and architecture.
private let compiledImages = Mutex<[String: CUDAKernelImage]>([:])

extension CUDAKernels {
  /// Compiles every kernel in ``source`` with NVRTC for `architecture`, or returns the image
  /// this process already compiled for the same NVRTC, format and architecture.
  ///
  /// No GPU is needed: this only loads NVRTC (see ``CUDALibrary/nvrtc`` and
  /// ``CUDABackend/Configuration``), so continuous integration can check that the kernels
  /// compile on machines without CUDA drivers.
  ///
  /// - Parameters:
  ///   - architecture: The compute capability as a number: 80 for `compute_80`/`sm_80`.
  ///   - format: PTX (virtual architecture) or CUBIN (real architecture).
  ///   - configuration: Where to find NVRTC.
  /// - Returns: The compiled image with the compiler's log.
  /// - Throws: ``BackendError/unavailable(library:reason:)`` when NVRTC cannot be loaded, does
  ///   not support `architecture`, or rejects the source (the reason holds the compiler log).
  /// - Complexity: About a second for the first call per architecture; later calls return the
  ///   cached image.
  public static func compile(
    architecture: Int, format: CUDAKernelImage.Format,
    configuration: CUDABackend.Configuration = CUDABackend.Configuration()
  ) throws(BackendError) -> CUDAKernelImage {
    let nvrtc = try NVRTCFunctions(DynamicLibrary.open(.nvrtc, configuration))
    return try compile(architecture: architecture, format: format, nvrtc: nvrtc)
  }

  /// ``compile(architecture:format:configuration:)`` with NVRTC already loaded.
  static func compile(
    architecture: Int, format: CUDAKernelImage.Format, nvrtc: NVRTCFunctions
  ) throws(BackendError) -> CUDAKernelImage {
    let key = "\(nvrtc.library.path)|\(format.rawValue)|\(architecture)"
    if let cached = compiledImages.withLock({ $0[key] }) { return cached }
    let image = try compileUncached(architecture: architecture, format: format, nvrtc: nvrtc)
    compiledImages.withLock { $0[key] = image }
    return image
  }

  private static func compileUncached(
    architecture: Int, format: CUDAKernelImage.Format, nvrtc: NVRTCFunctions
  ) throws(BackendError) -> CUDAKernelImage {
    let version = nvrtc.version
    let compiler = "NVRTC \(version.major).\(version.minor)"
    let path = nvrtc.library.path
    func fail(_ what: String, _ result: nvrtcResult, log: String = "") -> BackendError {
      var reason =
        "\(compiler) \(what) failed for \(format.rawValue) \(architecture): "
        + nvrtc.describe(result)
      if !log.isEmpty { reason += "\n" + log }
      return .unavailable(library: path, reason: reason)
    }

    var program: nvrtcProgram?
    var result = nvrtcCreateProgram(nvrtc, &program)
    guard result == 0, let program else { throw fail("nvrtcCreateProgram", result) }
    defer {
      var doomed: nvrtcProgram? = program
      _ = nvrtc.nvrtcDestroyProgram(&doomed)
    }

    let target = format == .ptx ? "compute_\(architecture)" : "sm_\(architecture)"
    let options = ["--gpu-architecture=\(target)"] + compileOptions
    result = withCStrings(options) { nvrtc.nvrtcCompileProgram(program, Int32(options.count), $0) }
    let log = programLog(program, nvrtc)
    guard result == 0 else { throw fail("compilation", result, log: log) }

    // PTX text and a CUBIN image are read alike: the size, then the bytes.
    let (sizeCall, getSize, getBytes) =
      format == .ptx
      ? ("nvrtcGetPTXSize", nvrtc.nvrtcGetPTXSize, nvrtc.nvrtcGetPTX)
      : ("nvrtcGetCUBINSize", nvrtc.nvrtcGetCUBINSize, nvrtc.nvrtcGetCUBIN)
    var size = 0
    result = getSize(program, &size)
    guard result == 0 else { throw fail(sizeCall, result) }
    var bytes = [UInt8](repeating: 0, count: size)
    result = bytes.withUnsafeMutableBufferPointer {
      getBytes(
        program, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
    }
    guard result == 0, size > 0 else { throw fail("reading the \(format.rawValue)", result) }
    return CUDAKernelImage(
      format: format, architecture: architecture, bytes: bytes, log: log, compiler: compiler)
  }

  private static func nvrtcCreateProgram(
    _ nvrtc: NVRTCFunctions, _ program: inout nvrtcProgram?
  ) -> nvrtcResult {
    nvrtc.nvrtcCreateProgram(&program, source, "dcrl_kernels.cu", 0, nil, nil)
  }

  private static func programLog(_ program: nvrtcProgram, _ nvrtc: NVRTCFunctions) -> String {
    var size = 0
    guard nvrtc.nvrtcGetProgramLogSize(program, &size) == 0, size > 1 else { return "" }
    var log = [CChar](repeating: 0, count: size)
    guard nvrtc.nvrtcGetProgramLog(program, &log) == 0 else { return "" }
    return String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      .trimmingTrailingWhitespace
  }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`.
func withCStrings<R>(
  _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
) -> R {
  let copies = strings.map { string -> UnsafeMutablePointer<CChar> in
    let utf8 = Array(string.utf8CString)
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
    copy.initialize(from: utf8, count: utf8.count)
    return copy
  }
  defer { for copy in copies { copy.deallocate() } }
  let pointers = copies.map { UnsafePointer<CChar>?(UnsafePointer($0)) }
  return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension String {
  fileprivate var trimmingTrailingWhitespace: String {
    var result = Substring(self)
    while let last = result.last, last.isWhitespace { result = result.dropLast() }
    return String(result)
  }
}
