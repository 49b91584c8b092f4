// CUDASetup: the CUDA backend configuration of the benchmark executables, from a flag or the
// DCRL_CUDA_LIBRARY_PATH environment variable (executables may read it; the library never does).

import Foundation
import Tensor

enum CUDASetup {
  /// Colon-separated directories searched first for libcuda, cuBLAS and NVRTC.
  static let environmentVariable = "DCRL_CUDA_LIBRARY_PATH"

  /// The configuration for `device`, with search directories from `libraryPath` (a flag value)
  /// or else from ``environmentVariable``.
  static func configuration(device: Int, libraryPath: String?) -> CUDABackend.Configuration {
    let path = libraryPath ?? ProcessInfo.processInfo.environment[environmentVariable] ?? ""
    return CUDABackend.Configuration(
      device: device, searchDirectories: path.split(separator: ":").map(String.init))
  }

  /// One line per library: where it loads from, or why it does not.
  static func libraryLines(_ configuration: CUDABackend.Configuration) -> [String] {
    CUDALibrary.allCases.map { library in
      do {
        return "- \(library.rawValue): \(try library.locate(configuration))"
      } catch {
        return "- \(library.rawValue): not loadable: \(error)"
      }
    }
  }

  /// A backend named on the command line: `cpu`, `reference` or `cuda`.
  static func backend(
    named name: String, device: Int, libraryPath: String?
  ) throws -> any Backend {
    switch name {
    case "cpu": return CPUBackend.shared
    case "reference": return ReferenceBackend.shared
    default:
      return try CUDABackend(configuration: configuration(device: device, libraryPath: libraryPath))
    }
  }
}
