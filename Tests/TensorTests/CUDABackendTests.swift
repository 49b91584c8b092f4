// CUDABackend without a GPU: library loading and its errors, NVRTC compilation of every kernel,
// and the whole backend on the CPU emulator of the driver and cuBLAS; with a GPU: the parity suite.

import Foundation
import Tensor
import Testing
import _ParitySupport
import _TestSupport

/// The library and reason of the ``BackendError`` that `body` throws, or `nil` if it returns.
func unavailability(
  _ body: () throws(BackendError) -> Void
) -> (library: String?, reason: String)? {
  do {
    try body()
    return nil
  } catch {
    switch error {
    case .unavailable(let library, let reason): return (library, reason)
    }
  }
}

@Suite("CUDA libraries: loading and the unavailable path")
struct CUDALibraryTests {
  @Test(
    "R1 without libcuda.so.1, CUDABackend() throws unavailable naming the driver library",
    .enabled(if: !CUDATestEnvironment.driverLoads, "libcuda.so.1 is installed here"))
  func missingDriver() throws {
    #expect(!CUDABackend.isAvailable)
    let (library, reason) = try #require(
      unavailability { () throws(BackendError) in _ = try CUDABackend() })
    #expect(library == "libcuda.so.1")
    #expect(reason.contains("libcuda.so.1: cannot open shared object file"), "\(reason)")
    #expect(reason.contains("/usr/local/cuda/lib64/libcuda.so.1"), "the search list: \(reason)")
  }

  @Test("R1 an explicit library path is the only one tried and is named with dlerror()")
  func explicitPaths() throws {
    let bogus = "/nonexistent/dcrl/libcuda.so.1"
    let (library, reason) = try #require(
      unavailability { () throws(BackendError) in
        _ = try CUDABackend(configuration: .init(driverLibrary: bogus))
      })
    #expect(library == bogus)
    #expect(reason.contains(bogus) && reason.contains("No such file or directory"), "\(reason)")
    for library in [CUDALibrary.cublas, .nvrtc] {
      let path = "/nonexistent/dcrl/lib\(library.rawValue).so"
      var configuration = CUDABackend.Configuration()
      if library == .cublas {
        configuration.cublasLibrary = path
      } else {
        configuration.nvrtcLibrary = path
      }
      #expect(library.candidates(configuration) == [path])
      let (named, reason) = try #require(
        unavailability { () throws(BackendError) in _ = try library.locate(configuration) })
      #expect(named == path)
      #expect(reason.contains("No such file or directory"), "\(reason)")
    }
  }

  @Test("R1 a library without the backend's symbols is rejected, naming the missing symbol")
  func wrongLibrary() throws {
    // libm loads everywhere but exports no cuBLAS entry point.
    let (library, reason) = try #require(
      unavailability { () throws(BackendError) in
        _ = try CUDALibrary.cublas.locate(.init(cublasLibrary: "libm.so.6"))
      })
    #expect(library?.hasSuffix("libm.so.6") == true, "\(library ?? "nil")")
    #expect(reason.contains("cublasCreate_v2"), "\(reason)")
  }

  @Test("R1 the documented CPU fallback (Docs/Guides/CUDABackend.md) yields a working backend")
  func fallbackSnippet() {
    var rng = Xoshiro256(seed: 1)
    let backend: any Backend = (try? CUDABackend()) ?? CPUBackend.shared
    let x = Tensor.randomNormal([256, 784], on: backend, using: &rng)
    #expect(x.backend === backend)
    #expect(x.shape == [256, 784])
    #expect(CUDABackend.isAvailable == (backend is CUDABackend))
  }

  @Test("configured search directories come first, then sonames, then standard directories")
  func searchOrder() {
    let configuration = CUDABackend.Configuration(searchDirectories: ["/a", "/b"])
    let candidates = CUDALibrary.cublas.candidates(configuration)
    #expect(
      Array(candidates.prefix(6)) == [
        "/a/libcublas.so.13", "/a/libcublas.so.12", "/b/libcublas.so.13", "/b/libcublas.so.12",
        "libcublas.so.13", "libcublas.so.12",
      ])
    #expect(candidates.contains("/usr/local/cuda/lib64/libcublas.so.12"))
    #expect(Set(candidates).count == candidates.count)
  }

  @Test(
    "a library found through a search directory reports the file it loaded",
    .enabled(if: CUDATestEnvironment.nvrtcPath != nil, "\(CUDATestEnvironment.nvrtcMissing)"))
  func searchDirectory() throws {
    let path = try #require(CUDATestEnvironment.nvrtcPath)
    let directory = (path as NSString).deletingLastPathComponent
    let located = try CUDALibrary.nvrtc.locate(
      CUDABackend.Configuration(searchDirectories: [directory]))
    #expect(
      (located as NSString).resolvingSymlinksInPath == (path as NSString).resolvingSymlinksInPath)
  }
}

@Suite(
  "CUDA kernels compile with NVRTC (no GPU needed)",
  .enabled(if: CUDATestEnvironment.nvrtcPath != nil, "\(CUDATestEnvironment.nvrtcMissing)"))
struct CUDAKernelCompilationTests {
  @Test("every kernel compiles to PTX", arguments: [80, 90])
  func ptx(architecture: Int) throws {
    let image = try CUDAKernels.compile(
      architecture: architecture, format: .ptx,
      configuration: CUDATestEnvironment.nvrtcConfiguration)
    let ptx = try #require(image.ptx)
    #expect(ptx.contains(".target sm_\(architecture)"))
    for name in CUDAKernels.names {
      #expect(ptx.contains(".entry \(name)("), "kernel \(name) missing from the PTX")
    }
    // Kernels that spill to local memory would be slow; none should need a stack frame.
    #expect(!ptx.contains(".local"), "a kernel uses local memory")
    #expect(image.log.isEmpty, "NVRTC warnings: \(image.log)")
  }

  @Test("every kernel compiles to a CUBIN (ptxas runs inside NVRTC)", arguments: [80, 90])
  func cubin(architecture: Int) throws {
    let image = try CUDAKernels.compile(
      architecture: architecture, format: .cubin,
      configuration: CUDATestEnvironment.nvrtcConfiguration)
    #expect(Array(image.bytes.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46], "not an ELF file")
    let bytes = Data(image.bytes)
    for name in CUDAKernels.names {
      #expect(bytes.range(of: Data(name.utf8)) != nil, "kernel \(name) missing from the CUBIN")
    }
    #expect(image.target == "cubin sm_\(architecture)")
  }

  @Test("an architecture NVRTC does not know is reported as unavailable with NVRTC's message")
  func unsupportedArchitecture() throws {
    let (library, reason) = try #require(
      unavailability { () throws(BackendError) in
        _ = try CUDAKernels.compile(
          architecture: 11, format: .ptx, configuration: CUDATestEnvironment.nvrtcConfiguration)
      })
    #expect(library?.contains("libnvrtc") == true, "\(library ?? "nil")")
    #expect(reason.contains("ptx 11"), "\(reason)")
  }
}

@Suite("CUDABackend on a GPU", .tags(.gpu), .enabled(if: CUDABackend.isAvailable))
struct CUDABackendGPUTests {
  @Test("G6 every primitive matches ReferenceBackend", .tags(.parity))
  func parity() throws {
    let backend = try CUDABackend()
    for result in BackendParity.run(backend, options: BackendParity.Options(batch: 64)) {
      #expect(result.passed, "\(result)")
    }
  }

  @Test("float64 is not supported, and allocating it stops the process")
  func float64() async throws {
    #expect(try CUDABackend().supports(.float64) == false)
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2], dtype: .float64, on: try! CUDABackend())
    }
  }
}
