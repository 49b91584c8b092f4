// Communicator: the collective operations data-parallel training needs, independent of how the
// ranks talk (one process, threads of one process, or MPI processes).

/// How an all-reduce combines the ranks' elements.
public enum ReduceOperation: String, Sendable, Hashable, CaseIterable {
  /// The element-wise sum. Every implementation adds the ranks' values in rank order, so all
  /// ranks receive the same bits.
  case sum
  /// The element-wise maximum.
  case maximum
}

/// A group of `size` ranks that run the same program on different rows of the data and meet
/// in collective operations.
///
/// Every rank must call the same collectives in the same order with compatible arguments (the
/// same element count for the all-reduces and ``broadcast(_:root:)``); a rank that fails
/// calls ``abort(_:)`` so that the others stop rather than wait.
///
/// Implementations: ``SingleProcessCommunicator`` (one rank), ``ThreadCommunicator`` (ranks
/// as threads of one process, for tests and for sharing one machine), ``MPICommunicator``
/// (processes started by `mpirun` or `srun`).
public protocol Communicator: AnyObject, Sendable {
  /// This rank, `0..<size`.
  var rank: Int { get }
  /// The number of ranks.
  var size: Int { get }

  /// Replaces `buffer` on every rank by the element-wise `operation` over all ranks' buffers,
  /// which must have the same length everywhere. By default, the in-place form over the array's
  /// storage.
  func allReduce<T: CollectiveScalar>(_ buffer: inout [T], _ operation: ReduceOperation)
    throws(DistributedError)

  /// The element-wise `operation` over all ranks' buffers, written into `buffer` in place (no
  /// copy where the implementation allows, as MPI's `MPI_IN_PLACE` does).
  func allReduce<T: CollectiveScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReduceOperation
  ) throws(DistributedError)

  /// Replaces `buffer` on every rank by `root`'s; the buffers must have the same length.
  func broadcast<T: CollectiveScalar>(_ buffer: inout [T], root: Int) throws(DistributedError)

  /// Every rank's `local`, in rank order (their lengths may differ).
  func allGather<T: CollectiveScalar>(_ local: [T]) throws(DistributedError) -> [[T]]

  /// Sends `outgoing[r]` to rank `r` (one array per rank, any lengths) and returns what each
  /// rank sent to this one, in rank order.
  func allToAll<T: CollectiveScalar>(_ outgoing: [[T]]) throws(DistributedError) -> [[T]]

  /// Returns once every rank has called it.
  func barrier() throws(DistributedError)

  /// Stops every rank with `message` (written to standard error by this rank); never returns.
  func abort(_ message: String) -> Never
}

extension Communicator {
  /// All-reduces the array `buffer` in place over its storage.
  public func allReduce<T: CollectiveScalar>(_ buffer: inout [T], _ operation: ReduceOperation)
    throws(DistributedError)
  {
    try buffer.withUnsafeMutableBufferPointer { (pointer) throws(DistributedError) in
      try allReduce(pointer, operation)
    }
  }

  /// The sum over all ranks of `buffer`.
  public func allReduceSum<T: CollectiveScalar>(_ buffer: inout [T]) throws(DistributedError) {
    try allReduce(&buffer, .sum)
  }

  /// The sum over all ranks of one value.
  public func sum<T: CollectiveScalar>(_ value: T) throws(DistributedError) -> T {
    var buffer = [value]
    try allReduce(&buffer, .sum)
    return buffer[0]
  }

  /// The maximum over all ranks of one value.
  public func maximum<T: CollectiveScalar>(_ value: T) throws(DistributedError) -> T {
    var buffer = [value]
    try allReduce(&buffer, .maximum)
    return buffer[0]
  }

  /// `root`'s array on every rank, whatever length the others pass.
  public func broadcastArray<T: CollectiveScalar>(_ array: [T], root: Int)
    throws(DistributedError) -> [T]
  {
    var count = [Int64(array.count)]
    try broadcast(&count, root: root)
    var buffer = rank == root ? array : [T](repeating: .zero, count: Int(count[0]))
    try broadcast(&buffer, root: root)
    return buffer
  }

  /// Checks that `root` names a rank.
  func validateRoot(_ root: Int) throws(DistributedError) {
    guard (0..<size).contains(root) else {
      throw .invalidArgument(name: "root", value: "\(root)", constraint: "must be in 0..<\(size)")
    }
  }

  /// Checks that `outgoing` has one array per rank.
  func validateOutgoing<T>(_ outgoing: [[T]]) throws(DistributedError) {
    guard outgoing.count == size else {
      throw .invalidArgument(
        name: "outgoing", value: "\(outgoing.count) arrays",
        constraint: "needs one array per rank (\(size))")
    }
  }
}
