// MPILibrary: Open MPI's libmpi opened with dlopen, its entry points and predefined handles.

import CMPI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The entry points and predefined objects of an opened Open MPI library.
struct MPILibrary: @unchecked Sendable {
  /// The file names tried: Open MPI 4 and 5, then the development symlink.
  static let sonames = ["libmpi.so.40", "libmpi.so.80", "libmpi.so"]
  /// Where Debian, Ubuntu and common cluster installs put libmpi.
  static let standardDirectories = [
    "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64/openmpi/lib",
    "/usr/lib/openmpi/lib", "/opt/openmpi/lib", "/usr/local/lib",
  ]
  /// What to install when the library is missing.
  static let installHint =
    "Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev), or set "
    + "DCRL_MPI_LIBRARY to the path of libmpi.so"

  let path: String
  let initialized: PFN_MPI_Initialized
  let finalized: PFN_MPI_Finalized
  let initThread: PFN_MPI_Init_thread
  let finalize: PFN_MPI_Finalize
  let abort: PFN_MPI_Abort
  let commRank: PFN_MPI_Comm_rank
  let commSize: PFN_MPI_Comm_size
  let errorString: PFN_MPI_Error_string
  let barrier: PFN_MPI_Barrier
  let bcast: PFN_MPI_Bcast
  let allreduce: PFN_MPI_Allreduce
  let allgather: PFN_MPI_Allgather
  let allgatherv: PFN_MPI_Allgatherv
  let alltoallv: PFN_MPI_Alltoallv
  /// `MPI_COMM_WORLD`.
  let world: CMPI_Handle
  let sum: CMPI_Handle
  let max: CMPI_Handle
  private let datatypes: [CollectiveKind: CMPI_Handle]

  /// The handle of `kind`'s MPI datatype.
  func datatype(_ kind: CollectiveKind) -> CMPI_Handle { datatypes[kind]! }

  /// Opens libmpi: `explicitPath` (or `DCRL_MPI_LIBRARY`) alone when given, else the sonames
  /// through the dynamic linker's search and then ``standardDirectories``.
  ///
  /// The library is opened with `RTLD_GLOBAL`: Open MPI loads its own components as plugins
  /// that resolve libmpi's symbols globally.
  static func open(explicitPath: String? = nil) throws(DistributedError) -> MPILibrary {
    let explicit = explicitPath ?? getenv("DCRL_MPI_LIBRARY").map { String(cString: $0) }
    let candidates =
      explicit.map { [$0] }
      ?? sonames + standardDirectories.flatMap { directory in sonames.map { directory + "/" + $0 } }
    var failures: [String] = []
    for candidate in candidates {
      if let handle = dlopen(candidate, RTLD_NOW | RTLD_GLOBAL) {
        return try MPILibrary(handle: handle, path: candidate)
      }
      failures.append(dlerror().map { String(cString: $0) } ?? candidate)
    }
    throw .libraryUnavailable(
      library: explicit ?? "libmpi (Open MPI)",
      reason:
        "dlopen failed for \(candidates.count) candidates (first: \(failures.first ?? "none"))",
      install: Self.installHint)
  }

  private init(handle: UnsafeMutableRawPointer, path: String) throws(DistributedError) {
    func symbol<T>(_ name: String, as _: T.Type = T.self) throws(DistributedError) -> T {
      _ = dlerror()
      guard let address = dlsym(handle, name) else {
        throw .libraryUnavailable(
          library: path, reason: "symbol \(name) not found (not Open MPI?)",
          install: Self.installHint)
      }
      return unsafeBitCast(address, to: T.self)
    }
    func object(_ name: String) throws(DistributedError) -> CMPI_Handle {
      _ = dlerror()
      guard let address = dlsym(handle, name) else {
        throw .libraryUnavailable(
          library: path,
          reason: "\(name) not found: only Open MPI's ABI is supported", install: Self.installHint)
      }
      return address
    }
    self.path = path
    initialized = try symbol("MPI_Initialized")
    finalized = try symbol("MPI_Finalized")
    initThread = try symbol("MPI_Init_thread")
    finalize = try symbol("MPI_Finalize")
    abort = try symbol("MPI_Abort")
    commRank = try symbol("MPI_Comm_rank")
    commSize = try symbol("MPI_Comm_size")
    errorString = try symbol("MPI_Error_string")
    barrier = try symbol("MPI_Barrier")
    bcast = try symbol("MPI_Bcast")
    allreduce = try symbol("MPI_Allreduce")
    allgather = try symbol("MPI_Allgather")
    allgatherv = try symbol("MPI_Allgatherv")
    alltoallv = try symbol("MPI_Alltoallv")
    world = try object("ompi_mpi_comm_world")
    sum = try object("ompi_mpi_op_sum")
    max = try object("ompi_mpi_op_max")
    var types: [CollectiveKind: CMPI_Handle] = [:]
    for kind in CollectiveKind.allCases { types[kind] = try object(kind.mpiSymbol) }
    datatypes = types
  }

  /// Throws ``DistributedError/mpiFailure(function:code:message:)`` for a non-zero `code`.
  func check(_ code: Int32, _ function: String) throws(DistributedError) {
    guard code != CMPI_SUCCESS else { return }
    var buffer = [CChar](repeating: 0, count: Int(CMPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    _ = errorString(code, &buffer, &length)
    let message = String(
      decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw .mpiFailure(function: function, code: Int(code), message: message)
  }
}
