// CUDATestEnvironment: finds NVRTC (from a pip wheel or a toolkit) and a C++ compiler for the
// CUDA tests that need no GPU, and builds the CPU emulator of the driver and cuBLAS.

import Foundation
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Where the CUDA tests find their tools; every lookup is done once.
enum CUDATestEnvironment {
  /// Set by `.ci/run` to the libnvrtc it installed; tests may read the environment, the library
  /// may not.
  static let nvrtcVariable = "DCRL_TEST_NVRTC_PATH"

  /// The site-packages layouts of the NVRTC wheels: `nvidia-cuda-nvrtc` (CUDA 13) and
  /// `nvidia-cuda-nvrtc-cu12`.
  static let nvrtcWheelPaths = [
    "nvidia/cu13/lib/libnvrtc.so.13", "nvidia/cuda_nvrtc/lib/libnvrtc.so.12",
  ]

  /// Directories where Python installs packages on the machines we use: system and
  /// `/usr/local` Pythons, pyenv, user installs, virtual environments under `/opt`.
  static var sitePackagesPatterns: [String] {
    var patterns = [
      "/usr/lib/python3*/site-packages", "/usr/lib/python3/dist-packages",
      "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
      "/root/.pyenv/versions/*/lib/python3*/site-packages",
      "/opt/*/.venv/lib/python3*/site-packages", "/opt/*/lib/python3*/site-packages",
    ]
    let environment = ProcessInfo.processInfo.environment
    if let home = environment["HOME"] {
      patterns.append(home + "/.local/lib/python3*/site-packages")
      patterns.append(home + "/.pyenv/versions/*/lib/python3*/site-packages")
    }
    if let venv = environment["VIRTUAL_ENV"] {
      patterns.append(venv + "/lib/python3*/site-packages")
    }
    return patterns
  }

  /// libnvrtc: the CI variable, else the first wheel or toolkit copy found, else `nil`.
  static let nvrtcPath: String? = {
    if let path = ProcessInfo.processInfo.environment[nvrtcVariable], !path.isEmpty,
      FileManager.default.fileExists(atPath: path)
    {
      return path
    }
    var patterns = sitePackagesPatterns.flatMap { root in nvrtcWheelPaths.map { root + "/" + $0 } }
    patterns += [
      "/usr/local/cuda/lib64/libnvrtc.so.1[23]", "/usr/local/cuda-*/lib64/libnvrtc.so.1[23]",
    ]
    return patterns.lazy.flatMap(expand).first
  }()

  /// Why the NVRTC tests are skipped, for the test report.
  static let nvrtcMissing =
    "libnvrtc not found: set \(nvrtcVariable) or `pip install nvidia-cuda-nvrtc` (CUDA 13 wheel)"

  /// A configuration that uses the located NVRTC.
  static var nvrtcConfiguration: CUDABackend.Configuration {
    CUDABackend.Configuration(nvrtcLibrary: nvrtcPath)
  }

  /// The paths matching a shell pattern, via glob(3).
  static func expand(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, 0, nil, &result) == 0 else { return [] }
    return (0..<Int(result.gl_pathc)).compactMap { index in
      result.gl_pathv[index].map { String(cString: $0) }
    }
  }

  /// A C++ compiler: the Swift toolchain's clang++, else the system's.
  static let cxxCompiler: String? = {
    var candidates: [String] = []
    if let path = ProcessInfo.processInfo.environment["PATH"] {
      candidates += path.split(separator: ":").flatMap { ["\($0)/clang++", "\($0)/g++"] }
    }
    candidates += ["/usr/bin/clang++", "/usr/bin/g++"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// The CPU emulator of `libcuda.so.1` and cuBLAS, built once from
  /// `CUDAEmulator/cuda_emulator.cpp` and ``CUDAKernels/source``; `nil` when no compiler or
  /// NVRTC is available (the emulated backend still compiles its kernels with the real NVRTC).
  static let emulatorPath: Result<String, EmulatorError> = {
    guard nvrtcPath != nil else { return .failure(EmulatorError(nvrtcMissing)) }
    guard let compiler = cxxCompiler else {
      return .failure(EmulatorError("no C++ compiler found"))
    }
    guard
      let source = Bundle.module.path(
        forResource: "cuda_emulator", ofType: "cpp", inDirectory: "CUDAEmulator")
    else { return .failure(EmulatorError("CUDAEmulator/cuda_emulator.cpp is not in the bundle")) }
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("dcrl-cuda-emulator-\(getpid())")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let kernels = directory.appendingPathComponent("kernels.cu").path
      try CUDAKernels.source.write(toFile: kernels, atomically: true, encoding: .utf8)
      let library = directory.appendingPathComponent("libcuda-emulator.so").path
      let process = Process()
      process.executableURL = URL(fileURLWithPath: compiler)
      process.arguments = [
        "-std=c++17", "-O1", "-shared", "-fPIC", "-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0",
        "-DDCRL_KERNELS_FILE=\"\(kernels)\"", source, "-o", library,
      ]
      let errors = Pipe()
      process.standardError = errors
      try process.run()
      let messages = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        return .failure(EmulatorError("\(compiler) failed:\n\(messages)"))
      }
      return .success(library)
    } catch {
      return .failure(EmulatorError("building the emulator failed: \(error)"))
    }
  }()

  /// A CUDA backend whose driver and cuBLAS are the emulator (and NVRTC the real one).
  static func emulatedBackend(cacheCapacity: Int = .max) throws -> CUDABackend {
    let library = try emulatorPath.get()
    return try CUDABackend(
      configuration: CUDABackend.Configuration(
        driverLibrary: library, cublasLibrary: library, nvrtcLibrary: nvrtcPath,
        cacheCapacity: cacheCapacity))
  }

  /// An emulator counter (`cuMemAlloc`, `cuMemFree`, `launches`, `sgemm`, `live_bytes`, …).
  static func emulatorCounter(_ name: String) -> Int {
    guard case .success(let path) = emulatorPath, let handle = dlopen(path, RTLD_NOW),
      let symbol = dlsym(handle, "dcrl_emulator_counter")
    else { return -1 }
    typealias Counter = @convention(c) (UnsafePointer<CChar>) -> Int64
    return Int(unsafeBitCast(symbol, to: Counter.self)(name))
  }

  /// Whether `libcuda.so.1` loads on this machine at all.
  static let driverLoads: Bool = {
    (try? CUDALibrary.driver.locate()) != nil
  }()
}

/// Why the emulator could not be built.
struct EmulatorError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
