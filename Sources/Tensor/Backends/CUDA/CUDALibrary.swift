// CUDALibrary: finding and opening the CUDA driver, cuBLAS and NVRTC with dlopen, so that
// nothing links against CUDA and every failure becomes a BackendError naming what was tried.

import CCUDA

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One of the three shared libraries ``CUDABackend`` opens at run time.
public enum CUDALibrary: String, Sendable, Hashable, CaseIterable {
  /// The CUDA driver, `libcuda.so.1`, installed with the NVIDIA driver.
  case driver
  /// cuBLAS, `libcublas.so.13` or `libcublas.so.12`, from the CUDA toolkit or the
  /// `nvidia-cublas` wheel.
  case cublas
  /// NVRTC, `libnvrtc.so.13` or `libnvrtc.so.12`, from the CUDA toolkit or the
  /// `nvidia-cuda-nvrtc` wheel.
  case nvrtc

  /// The file names tried, newest major version first.
  public var sonames: [String] {
    switch self {
    case .driver: return ["libcuda.so.1"]
    case .cublas: return ["libcublas.so.13", "libcublas.so.12"]
    case .nvrtc: return ["libnvrtc.so.13", "libnvrtc.so.12"]
    }
  }

  /// Directories where CUDA installations commonly put their libraries, searched after the
  /// configuration's own directories and the dynamic linker's search path.
  public static let standardDirectories = [
    "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
    "/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib",
  ]

  /// Every path `dlopen` is given for this library under `configuration`, in order.
  ///
  /// An explicit path in the configuration is the only candidate. Otherwise each directory in
  /// ``CUDABackend/Configuration/searchDirectories`` is tried with every soname, then the bare
  /// sonames (the dynamic linker's own search, which includes `LD_LIBRARY_PATH` and the
  /// `ldconfig` cache), then ``standardDirectories``.
  public func candidates(_ configuration: CUDABackend.Configuration) -> [String] {
    if let explicit = configuration.explicitPath(self) { return [explicit] }
    var result: [String] = []
    for directory in configuration.searchDirectories {
      for name in sonames { result.append(directory + "/" + name) }
    }
    result += sonames
    for directory in Self.standardDirectories {
      for name in sonames { result.append(directory + "/" + name) }
    }
    var seen = Set<String>()
    return result.filter { seen.insert($0).inserted }
  }
}

/// A shared library opened with `dlopen` and kept open for the life of the process.
///
/// CUDA libraries are never closed: the driver and cuBLAS keep process-wide state, and `dlopen`
/// of an already open library only bumps a reference count.
struct DynamicLibrary: @unchecked Sendable {
  /// The handle `dlopen` returned.
  let handle: UnsafeMutableRawPointer
  /// The file the library was loaded from (resolved through `dladdr` when opened by soname).
  let path: String

  /// Opens the first of `library`'s candidates that loads.
  ///
  /// - Throws: ``BackendError/unavailable(library:reason:)`` naming the explicit path, or the
  ///   first soname when searching, with `dlerror()` for every candidate tried.
  static func open(
    _ library: CUDALibrary, _ configuration: CUDABackend.Configuration
  ) throws(BackendError) -> DynamicLibrary {
    let candidates = library.candidates(configuration)
    var failures: [(candidate: String, message: String)] = []
    for candidate in candidates {
      if let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) {
        return DynamicLibrary(handle: handle, path: resolvedPath(handle) ?? candidate)
      }
      failures.append((candidate, lastDynamicLinkerError()))
    }
    if let explicit = configuration.explicitPath(library) {
      throw .unavailable(
        library: explicit, reason: "dlopen failed: \(failures.map(\.message).joined())")
    }
    // Most candidates are simply absent; list those briefly and quote every other error (a
    // wrong architecture, a missing dependency) in full.
    let absent = failures.filter { $0.message.hasSuffix("No such file or directory") }
    let other = failures.filter { !$0.message.hasSuffix("No such file or directory") }
    var reason = "\(library.sonames.joined(separator: " or ")) not found"
    if let linker = failures.first(where: { $0.candidate == library.sonames[0] }) {
      reason += " (dlerror: \(linker.message))"
    }
    if !other.isEmpty { reason += "; \(other.map(\.message).joined(separator: "; "))" }
    if !absent.isEmpty {
      reason += "; absent: \(absent.map(\.candidate).joined(separator: ", "))"
    }
    throw .unavailable(library: library.sonames[0], reason: reason)
  }

  /// The function `name` exported by the library, as the C function-pointer type `T`.
  ///
  /// - Throws: ``BackendError/unavailable(library:reason:)`` when the symbol is missing (an
  ///   older library than the backend needs).
  func symbol<T>(_ name: String, as _: T.Type = T.self) throws(BackendError) -> T {
    _ = dlerror()
    guard let address = dlsym(handle, name) else {
      throw .unavailable(
        library: path, reason: "symbol \(name) not found: \(lastDynamicLinkerError())")
    }
    precondition(MemoryLayout<T>.size == MemoryLayout<UnsafeMutableRawPointer>.size)
    return unsafeBitCast(address, to: T.self)
  }

  /// The file that holds `handle`'s library, found through one of its symbols.
  private static func resolvedPath(_ handle: UnsafeMutableRawPointer) -> String? {
    // Every library this backend opens exports one of these.
    for probe in ["cuInit", "cublasCreate_v2", "nvrtcVersion"] {
      guard let address = dlsym(handle, probe) else { continue }
      var info = CCUDASymbolInfo()
      if ccuda_dladdr(address, &info) != 0, let name = info.fileName {
        return String(cString: name)
      }
    }
    return nil
  }
}

/// The dynamic linker's last error message.
func lastDynamicLinkerError() -> String {
  guard let message = dlerror() else { return "unknown dlopen error" }
  return String(cString: message)
}
