// CUDABackend+Launch: the loaded kernel handles, argument packing for cuLaunchKernel, grid
// sizes, and uploads of host index lists for the row kernels.

import CCUDA

/// The kernels of ``CUDAKernels/source``, by their `extern "C"` names.
enum CUDAKernel: String, CaseIterable {
  case unary = "dcrl_unary"
  case binary32 = "dcrl_binary_i32"
  case binary64 = "dcrl_binary_i64"
  case reduceSerial = "dcrl_reduce_serial"
  case reduceBlock = "dcrl_reduce_block"
  case reduceColumns = "dcrl_reduce_columns"
  case transpose = "dcrl_transpose"
  case gather32 = "dcrl_gather_rows_i32"
  case gather64 = "dcrl_gather_rows_i64"
  case scatterAdd = "dcrl_scatter_add_rows"
  case adam = "dcrl_adam"
}

/// The function handle of every kernel in ``CUDAKernels/source``.
struct CUDAKernelFunctions: @unchecked Sendable {
  private let functions: [CUDAKernel: CUfunction]

  init(_ driver: CUDADriverFunctions, _ module: CUmodule) throws(BackendError) {
    var functions: [CUDAKernel: CUfunction] = [:]
    for kernel in CUDAKernel.allCases {
      var function: CUfunction?
      try driver.check(
        driver.cuModuleGetFunction(&function, module, kernel.rawValue),
        "cuModuleGetFunction(\(kernel.rawValue))")
      functions[kernel] = function!
    }
    self.functions = functions
  }

  subscript(kernel: CUDAKernel) -> CUfunction { functions[kernel]! }
}

/// One kernel parameter, passed by value.
enum KernelArgument {
  case pointer(CUdeviceptr)
  case int32(Int32)
  case uint32(UInt32)
  case int64(Int64)
  case float(Float)
}

/// A launch shape: blocks in x and y, threads per block in x and y.
struct LaunchShape {
  var grid: (x: Int, y: Int)
  var block: (x: Int, y: Int)
}

/// Counts beyond this use the 64-bit-index kernel variants.
let largestInt32Count = Int(Int32.max)

extension CUDABackend {
  /// Queues `kernel` on the stream; call inside ``withDevice(_:)``.
  func launch(_ kernel: CUDAKernel, _ shape: LaunchShape, _ arguments: [KernelArgument]) {
    let name = kernel.rawValue
    precondition(shape.grid.x > 0 && shape.grid.y > 0, "CUDABackend: empty launch of \(name)")
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: arguments.count) { values in
      withUnsafeTemporaryAllocation(
        of: UnsafeMutableRawPointer?.self, capacity: arguments.count
      ) { pointers in
        for (index, argument) in arguments.enumerated() {
          let slot = UnsafeMutableRawPointer(values.baseAddress! + index)
          switch argument {
          case .pointer(let value): slot.storeBytes(of: value, as: CUdeviceptr.self)
          case .int32(let value): slot.storeBytes(of: value, as: Int32.self)
          case .uint32(let value): slot.storeBytes(of: value, as: UInt32.self)
          case .int64(let value): slot.storeBytes(of: value, as: Int64.self)
          case .float(let value): slot.storeBytes(of: value, as: Float.self)
          }
          pointers[index] = slot
        }
        driver.require(
          driver.cuLaunchKernel(
            kernels[kernel], UInt32(shape.grid.x), UInt32(shape.grid.y), 1, UInt32(shape.block.x),
            UInt32(shape.block.y), 1, 0, stream, pointers.baseAddress, nil),
          "cuLaunchKernel(\(name), grid \(shape.grid), block \(shape.block))")
      }
    }
  }

  /// A one-dimensional grid-stride launch over `count` elements: enough blocks to fill the
  /// device a few times over, never more than the elements need.
  func linearShape(_ count: Int) -> LaunchShape {
    let blockSize = CUDAKernels.blockSize
    let needed = (count + blockSize - 1) / blockSize
    let cap = information.multiprocessors * 32
    return LaunchShape(grid: (max(1, min(needed, cap)), 1), block: (blockSize, 1))
  }

  /// Uploads `values` as int32 into a pooled device block; release it with
  /// ``releaseBlock(_:bytes:_:)`` once the kernels using it are queued.
  func uploadIndices(_ values: [Int32], _ pool: inout CUDAMemoryPool) -> CUdeviceptr {
    let bytes = values.count * MemoryLayout<Int32>.size
    let block = allocateBlock(bytes, &pool)
    if bytes > 0 {
      values.withUnsafeBytes { raw in
        driver.require(
          driver.cuMemcpyHtoDAsync(block, raw.baseAddress!, bytes, stream),
          "cuMemcpyHtoDAsync(\(bytes) bytes of indices)")
      }
    }
    return block
  }
}
