// CUDABackend on the CPU emulator: the backend's host code (library loading, NVRTC compilation,
// launch shapes and argument packing, the caching allocator, the cuBLAS call) and the CUDA C
// kernels themselves, run without a GPU and compared with ReferenceBackend.

import Tensor
import Testing
import _ParitySupport
import _TestSupport

/// The emulator keeps global state (one kernel runs at a time), so its tests run one by one on
/// one backend.
@Suite(
  "CUDABackend on the CPU emulator of the driver and cuBLAS", .serialized,
  .enabled(
    if: (try? CUDATestEnvironment.emulatorPath.get()) != nil,
    "the emulator needs NVRTC and a C++ compiler: \(CUDATestEnvironment.nvrtcMissing)"))
struct CUDAEmulatorTests {
  static let backend: CUDABackend? = try? CUDATestEnvironment.emulatedBackend()

  @Test("the emulated backend starts and reports its device, libraries and kernel image")
  func creation() throws {
    let backend = try CUDATestEnvironment.emulatedBackend()
    let information = backend.information
    #expect(information.name == "DCRL CPU emulator")
    #expect(information.computeCapability == 80)
    #expect(information.kernelTarget == "cubin sm_80")
    #expect(information.compiler.hasPrefix("NVRTC 1"))
    #expect(information.libraries[.nvrtc]?.contains("libnvrtc") == true)
    #expect(backend.name == "cuda")
    #expect(backend.supports(.float32) && !backend.supports(.float64))
  }

  @Test("G6 every primitive of the emulated GPU matches ReferenceBackend", .tags(.parity))
  func parity() throws {
    let backend = try #require(Self.backend)
    let results = BackendParity.run(backend)
    #expect(results.count > 40)
    for result in results {
      #expect(result.passed, "\(result)")
    }
  }

  @Test("G6 tensor operations on the emulated GPU match the CPU backend", .tags(.parity))
  func tensorOperations() throws {
    let gpu = try #require(Self.backend)
    var rng = Xoshiro256(seed: 11)
    let x = Tensor.randomNormal([50, 20], using: &rng)
    let y = Tensor.randomNormal([30, 20], using: &rng)
    func pipeline(_ x: Tensor, _ y: Tensor) -> [Tensor] {
      let distances = pairwiseSquaredDistances(x, y)
      let product = matmul(x, y, transposeB: true).relu() * 0.5 + x.sum(axis: 1).reshaped([50, 1])
      let gathered = x.gatheringRows([3, 1, 3, 49]).scatteringRows([0, 0, 2, 1], rowCount: 3)
      return [
        distances, product, gathered, x.transposed(), x.rows(10..<20), x.mean(axis: 0),
        Tensor.concatenatingRows([x.rows(0..<2), y.rows(5..<7)]), x.exp().log(),
      ]
    }
    let cpu = pipeline(x, y)
    let emulated = pipeline(x.moved(to: gpu), y.moved(to: gpu))
    for (index, (actual, expected)) in zip(emulated, cpu).enumerated() {
      #expect(actual.backend === gpu)
      expectClose(actual, expected, rtol: 1e-5, atol: 1e-4, "result \(index)")
    }
  }

  @Test("the caching allocator reuses freed blocks: a repeated step allocates nothing new")
  func cachingAllocator() throws {
    let gpu = try #require(Self.backend)
    var rng = Xoshiro256(seed: 5)
    let w = Tensor.randomUniform([64, 32], using: &rng).moved(to: gpu)
    let x = Tensor.randomUniform([16, 32], using: &rng).moved(to: gpu)
    func step() -> Double { (matmul(x, w, transposeB: true).relu().squared().sum()).scalarValue }
    let first = step()
    let allocations = CUDATestEnvironment.emulatorCounter("cuMemAlloc")
    let live = gpu.memoryUsage.live
    for _ in 0..<5 { #expect(step() == first) }
    #expect(CUDATestEnvironment.emulatorCounter("cuMemAlloc") == allocations)
    #expect(gpu.memoryUsage.live == live, "every temporary went back to the cache")
    #expect(gpu.memoryUsage.cached > 0)
    let freesBefore = CUDATestEnvironment.emulatorCounter("cuMemFree")
    gpu.trimCache()
    #expect(gpu.memoryUsage.cached == 0)
    #expect(CUDATestEnvironment.emulatorCounter("cuMemFree") > freesBefore)
  }

  @Test("with a zero-byte cache every freed block goes straight back to the driver")
  func uncachedAllocator() throws {
    let gpu = try CUDATestEnvironment.emulatedBackend(cacheCapacity: 0)
    let frees = CUDATestEnvironment.emulatorCounter("cuMemFree")
    do {
      let t = Tensor.ones([1000], on: gpu)
      #expect(t.sum().scalarValue == 1000)
    }
    #expect(CUDATestEnvironment.emulatorCounter("cuMemFree") >= frees + 2)
    #expect(gpu.memoryUsage.cached == 0)
    #expect(gpu.memoryUsage.live == 0)
  }
}
