// CUDABackend+Configuration: which device to use, where the CUDA libraries are, and how much
// freed device memory to keep; plus the facts a created backend reports about itself.

extension CUDABackend {
  /// How a ``CUDABackend`` finds its libraries and uses its device.
  ///
  /// The backend reads no environment variables: executables that want an override (such as
  /// `dcrl-bench`'s `DCRL_CUDA_LIBRARY_PATH`) read it themselves and put it here.
  public struct Configuration: Sendable, Hashable, Codable {
    /// The CUDA device ordinal.
    public var device: Int
    /// Directories searched first for every library, in order.
    ///
    /// See ``CUDALibrary/candidates(_:)`` for the whole search. A pip-installed toolkit lives in
    /// `site-packages/nvidia/cu13/lib` (CUDA 13 wheels) or
    /// `site-packages/nvidia/{cublas,cuda_nvrtc}/lib` (CUDA 12 wheels).
    public var searchDirectories: [String]
    /// An exact path for `libcuda.so.1`; when set, no other file is tried.
    public var driverLibrary: String?
    /// An exact path for cuBLAS; when set, no other file is tried.
    public var cublasLibrary: String?
    /// An exact path for NVRTC; when set, no other file is tried.
    public var nvrtcLibrary: String?
    /// The most bytes of freed device memory kept for reuse.
    ///
    /// Freed buffers beyond it go back to the driver; everything cached is also released (and the allocation retried) when the
    /// device runs out of memory.
    public var cacheCapacity: Int

    /// Creates a configuration; the defaults use device 0, the standard library search and an
    /// unbounded cache (as PyTorch's caching allocator).
    public init(
      device: Int = 0, searchDirectories: [String] = [], driverLibrary: String? = nil,
      cublasLibrary: String? = nil, nvrtcLibrary: String? = nil, cacheCapacity: Int = .max
    ) {
      self.device = device
      self.searchDirectories = searchDirectories
      self.driverLibrary = driverLibrary
      self.cublasLibrary = cublasLibrary
      self.nvrtcLibrary = nvrtcLibrary
      self.cacheCapacity = cacheCapacity
    }

    /// The explicit path configured for `library`, if any.
    func explicitPath(_ library: CUDALibrary) -> String? {
      switch library {
      case .driver: return driverLibrary
      case .cublas: return cublasLibrary
      case .nvrtc: return nvrtcLibrary
      }
    }
  }

  /// What a created backend runs on and with.
  public struct DeviceInformation: Sendable, Hashable, CustomStringConvertible {
    /// The device ordinal.
    public var ordinal: Int
    /// The device's name, such as `"NVIDIA H100 80GB HBM3"`.
    public var name: String
    /// The compute capability as a number: 90 for 9.0.
    public var computeCapability: Int
    /// The number of streaming multiprocessors.
    public var multiprocessors: Int
    /// The device memory in bytes.
    public var totalMemory: Int
    /// The driver's CUDA version as the driver reports it (13000 for 13.0).
    public var driverVersion: Int
    /// cuBLAS's version number (such as 130401 for 13.4.1).
    public var cublasVersion: Int
    /// The NVRTC that compiled the kernels, such as `"NVRTC 13.2"`.
    public var compiler: String
    /// The loaded kernel image, such as `"cubin sm_90"`.
    public var kernelTarget: String
    /// The file each library was loaded from.
    public var libraries: [CUDALibrary: String]

    /// A few readable lines.
    public var description: String {
      let gib = Double(totalMemory) / Double(1 << 30)
      let memory = (gib * 10).rounded() / 10
      var lines = [
        "device \(ordinal): \(name), compute capability \(computeCapability / 10)."
          + "\(computeCapability % 10), \(multiprocessors) SMs, \(memory) GiB",
        "driver CUDA \(driverVersion / 1000).\(driverVersion % 1000 / 10), cuBLAS "
          + "\(cublasVersion), \(compiler), kernels as \(kernelTarget)",
      ]
      for library in CUDALibrary.allCases {
        lines.append("\(library.rawValue): \(libraries[library] ?? "?")")
      }
      return lines.joined(separator: "\n")
    }
  }
}
