// MPICommunicator: the ranks of an `mpirun` / `srun` job, through Open MPI opened at run time.

import CMPI
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The ranks of `MPI_COMM_WORLD`, with libmpi opened by `dlopen` at run time so that nothing
/// links against MPI.
///
/// Start the program under `mpirun -np R …` or `srun …`; ``shared(libraryPath:)`` initialises MPI once per
/// process (`MPI_Init_thread`, funnelled: only the thread that calls the collectives uses MPI)
/// and finalises it at exit. Open MPI 4 or 5 is required (its handles are addresses of objects
/// libmpi exports, which this module looks up by name); MPICH's integer handles are not
/// supported.
///
/// Counts above `Int32.max` elements are split into several calls for the all-reduce and the
/// broadcast; the gathers and the all-to-all throw for them.
public final class MPICommunicator: Communicator, @unchecked Sendable {
  let library: MPILibrary
  /// This rank in `MPI_COMM_WORLD`.
  public let rank: Int
  /// The number of ranks in `MPI_COMM_WORLD`.
  public let size: Int

  nonisolated(unsafe) private static var instance: MPICommunicator?
  private static let lock = NSLock()

  /// The process's communicator, initialising MPI on first use.
  ///
  /// - Parameter libraryPath: libmpi's path; `nil` uses `DCRL_MPI_LIBRARY` or the standard
  ///   search.
  /// - Throws: ``DistributedError/libraryUnavailable(library:reason:install:)`` naming libmpi
  ///   and the packages to install, or ``DistributedError/mpiFailure(function:code:message:)``.
  public static func shared(libraryPath: String? = nil) throws(DistributedError)
    -> MPICommunicator
  {
    lock.lock()
    defer { lock.unlock() }
    if let instance { return instance }
    let library = try MPILibrary.open(explicitPath: libraryPath)
    var flag: Int32 = 0
    try library.check(library.initialized(&flag), "MPI_Initialized")
    if flag == 0 {
      var provided: Int32 = 0
      try library.check(
        library.initThread(nil, nil, Int32(CMPI_THREAD_FUNNELED), &provided), "MPI_Init_thread")
      atexit { MPICommunicator.finalizeAtExit() }
    }
    var rank: Int32 = 0
    var size: Int32 = 0
    try library.check(library.commRank(library.world, &rank), "MPI_Comm_rank")
    try library.check(library.commSize(library.world, &size), "MPI_Comm_size")
    let communicator = MPICommunicator(library: library, rank: Int(rank), size: Int(size))
    instance = communicator
    return communicator
  }

  private init(library: MPILibrary, rank: Int, size: Int) {
    self.library = library
    self.rank = rank
    self.size = size
  }

  /// Finalises MPI if this process initialised it and nothing finalised it yet.
  private static func finalizeAtExit() {
    guard let library = instance?.library else { return }
    var flag: Int32 = 0
    _ = library.finalized(&flag)
    if flag == 0 { _ = library.finalize() }
  }

  /// All-reduces `buffer` in place with `MPI_IN_PLACE`, in calls of at most `Int32.max`
  /// elements.
  public func allReduce<T: CollectiveScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReduceOperation
  ) throws(DistributedError) {
    guard let base = buffer.baseAddress else { return }
    let type = library.datatype(T.collectiveKind)
    let op = operation == .sum ? library.sum : library.max
    // Open MPI's MPI_IN_PLACE is the address 1.
    let inPlace = UnsafeRawPointer(bitPattern: 1)
    for start in stride(from: 0, to: buffer.count, by: Int(Int32.max)) {
      let count = min(buffer.count - start, Int(Int32.max))
      try library.check(
        library.allreduce(inPlace, base + start, Int32(count), type, op, library.world),
        "MPI_Allreduce")
    }
  }

  /// Broadcasts `root`'s buffer (``Communicator/broadcast(_:root:)``).
  public func broadcast<T: CollectiveScalar>(_ buffer: inout [T], root: Int)
    throws(DistributedError)
  {
    try validateRoot(root)
    let type = library.datatype(T.collectiveKind)
    let total = buffer.count
    for start in stride(from: 0, to: total, by: Int(Int32.max)) {
      let count = min(total - start, Int(Int32.max))
      let code = buffer.withUnsafeMutableBufferPointer {
        library.bcast($0.baseAddress! + start, Int32(count), type, Int32(root), library.world)
      }
      try library.check(code, "MPI_Bcast")
    }
  }

  /// Every rank's array, in rank order (``Communicator/allGather(_:)``).
  public func allGather<T: CollectiveScalar>(_ local: [T]) throws(DistributedError) -> [[T]] {
    var counts = [Int32](repeating: 0, count: size)
    var mine = [try Self.count(local.count)]
    try library.check(
      library.allgather(
        &mine, 1, library.datatype(.int32), &counts, 1, library.datatype(.int32), library.world),
      "MPI_Allgather")
    let displacements = try Self.displacements(counts)
    let total = Int(displacements.last! + counts.last!)
    var gathered = [T](repeating: .zero, count: total)
    let type = library.datatype(T.collectiveKind)
    let code = local.withUnsafeBufferPointer { send in
      gathered.withUnsafeMutableBufferPointer { receive in
        library.allgatherv(
          send.baseAddress, Int32(local.count), type, receive.baseAddress, counts, displacements,
          type, library.world)
      }
    }
    try library.check(code, "MPI_Allgatherv")
    return (0..<size).map {
      Array(gathered[Int(displacements[$0])..<Int(displacements[$0] + counts[$0])])
    }
  }

  /// Exchanges one array with each rank (``Communicator/allToAll(_:)``).
  public func allToAll<T: CollectiveScalar>(_ outgoing: [[T]]) throws(DistributedError) -> [[T]] {
    try validateOutgoing(outgoing)
    var sendCounts: [Int32] = []
    for array in outgoing { sendCounts.append(try Self.count(array.count)) }
    // Each rank learns what the others send it from one all-gather of the count rows.
    let matrix = try allGather(sendCounts)
    let receiveCounts = matrix.map { $0[rank] }
    let sendDisplacements = try Self.displacements(sendCounts)
    let receiveDisplacements = try Self.displacements(receiveCounts)
    let send = outgoing.flatMap { $0 }
    var receive = [T](
      repeating: .zero, count: Int(receiveDisplacements.last! + receiveCounts.last!))
    let type = library.datatype(T.collectiveKind)
    let code = send.withUnsafeBufferPointer { s in
      receive.withUnsafeMutableBufferPointer { r in
        library.alltoallv(
          s.baseAddress, sendCounts, sendDisplacements, type, r.baseAddress, receiveCounts,
          receiveDisplacements, type, library.world)
      }
    }
    try library.check(code, "MPI_Alltoallv")
    return (0..<size).map {
      Array(
        receive[Int(receiveDisplacements[$0])..<Int(receiveDisplacements[$0] + receiveCounts[$0])])
    }
  }

  /// Waits for every rank (``Communicator/barrier()``).
  public func barrier() throws(DistributedError) {
    try library.check(library.barrier(library.world), "MPI_Barrier")
  }

  /// Writes `message` to standard error and calls `MPI_Abort`, which ends every rank.
  public func abort(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error (rank \(rank) of \(size)): \(message)\n".utf8))
    _ = library.abort(library.world, 1)
    exit(1)
  }

  /// `count` as an MPI count.
  private static func count(_ count: Int) throws(DistributedError) -> Int32 {
    guard count <= Int(Int32.max) else {
      throw .invalidArgument(
        name: "count", value: "\(count)", constraint: "at most \(Int32.max) elements per rank")
    }
    return Int32(count)
  }

  /// The exclusive prefix sums of `counts`.
  private static func displacements(_ counts: [Int32]) throws(DistributedError) -> [Int32] {
    var result: [Int32] = []
    var offset = 0
    for count in counts {
      result.append(Int32(offset))
      offset += Int(count)
    }
    guard offset <= Int(Int32.max) else {
      throw .invalidArgument(
        name: "total count", value: "\(offset)", constraint: "at most \(Int32.max) elements")
    }
    return result
  }
}
