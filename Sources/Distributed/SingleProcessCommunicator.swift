// SingleProcessCommunicator: the trivial group of one rank.

import Foundation

/// The communicator of a run that is not distributed: one rank, every collective the identity.
public final class SingleProcessCommunicator: Communicator {
  /// Creates the one-rank group.
  public init() {}

  /// 0.
  public var rank: Int { 0 }
  /// 1.
  public var size: Int { 1 }

  /// All-reduces `buffer` in place.
  public func allReduce<T: CollectiveScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReduceOperation
  ) throws(DistributedError) {}

  /// Broadcasts `root`'s buffer (``Communicator/broadcast(_:root:)``).
  public func broadcast<T: CollectiveScalar>(_ buffer: inout [T], root: Int)
    throws(DistributedError)
  {
    try validateRoot(root)
  }

  /// Every rank's array, in rank order (``Communicator/allGather(_:)``).
  public func allGather<T: CollectiveScalar>(_ local: [T]) throws(DistributedError) -> [[T]] {
    [local]
  }

  /// Exchanges one array with each rank (``Communicator/allToAll(_:)``).
  public func allToAll<T: CollectiveScalar>(_ outgoing: [[T]]) throws(DistributedError) -> [[T]] {
    try validateOutgoing(outgoing)
    return outgoing
  }

  /// Waits for every rank (``Communicator/barrier()``).
  public func barrier() throws(DistributedError) {}

  /// Stops every rank with `message` (``Communicator/abort(_:)``).
  public func abort(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
  }
}
