// TimedCommunicator: a communicator that measures the time spent in, and the bytes passed to,
// every collective of the one it wraps — the communication part of a data-parallel run.

import Foundation

/// Wraps a ``Communicator`` and accumulates, per operation, the calls, the seconds spent in
/// them and the bytes this rank passed in.
///
/// The seconds include the time a rank waits for slower ranks to arrive, so on unbalanced work
/// they measure imbalance as well as transfer.
public final class TimedCommunicator: Communicator, @unchecked Sendable {
  /// What one kind of collective cost so far.
  public struct Totals: Sendable, Hashable, Codable {
    /// The number of calls.
    public var calls = 0
    /// The wall-clock seconds spent inside them.
    public var seconds = 0.0
    /// The bytes this rank handed to them.
    public var bytes = 0
  }

  /// The wrapped communicator.
  public let base: any Communicator
  private let lock = NSLock()
  private var totals: [String: Totals] = [:]

  /// Wraps `base`.
  public init(_ base: any Communicator) {
    self.base = base
  }

  /// This rank.
  public var rank: Int { base.rank }
  /// The number of ranks.
  public var size: Int { base.size }

  /// The totals per operation (`allReduce`, `broadcast`, `allGather`, `allToAll`, `barrier`).
  public var byOperation: [String: Totals] {
    lock.lock()
    defer { lock.unlock() }
    return totals
  }

  /// The seconds spent in all collectives.
  public var seconds: Double { byOperation.values.reduce(0) { $0 + $1.seconds } }

  /// The bytes handed to all collectives.
  public var bytes: Int { byOperation.values.reduce(0) { $0 + $1.bytes } }

  /// Clears the totals.
  public func reset() {
    lock.lock()
    totals = [:]
    lock.unlock()
  }

  private func timed<R>(_ name: String, bytes: Int, _ body: () throws(DistributedError) -> R)
    throws(DistributedError) -> R
  {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    lock.lock()
    totals[name, default: Totals()].calls += 1
    totals[name, default: Totals()].seconds += seconds
    totals[name, default: Totals()].bytes += bytes
    lock.unlock()
    return result
  }

  /// All-reduces `buffer` in place through the wrapped communicator, timed.
  public func allReduce<T: CollectiveScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReduceOperation
  ) throws(DistributedError) {
    try timed("allReduce", bytes: buffer.count * MemoryLayout<T>.stride) {
      () throws(DistributedError) in try base.allReduce(buffer, operation)
    }
  }

  /// Broadcasts `root`'s buffer through the wrapped communicator, timed.
  public func broadcast<T: CollectiveScalar>(_ buffer: inout [T], root: Int)
    throws(DistributedError)
  {
    var copy = buffer
    try timed("broadcast", bytes: copy.count * MemoryLayout<T>.stride) {
      () throws(DistributedError) in try base.broadcast(&copy, root: root)
    }
    buffer = copy
  }

  /// Every rank's array through the wrapped communicator, timed.
  public func allGather<T: CollectiveScalar>(_ local: [T]) throws(DistributedError) -> [[T]] {
    try timed("allGather", bytes: local.count * MemoryLayout<T>.stride) {
      () throws(DistributedError) in try base.allGather(local)
    }
  }

  /// Exchanges one array with each rank through the wrapped communicator, timed.
  public func allToAll<T: CollectiveScalar>(_ outgoing: [[T]]) throws(DistributedError) -> [[T]] {
    let count = outgoing.reduce(0) { $0 + $1.count }
    return try timed("allToAll", bytes: count * MemoryLayout<T>.stride) {
      () throws(DistributedError) in try base.allToAll(outgoing)
    }
  }

  /// Waits for every rank, timed.
  public func barrier() throws(DistributedError) {
    try timed("barrier", bytes: 0) { () throws(DistributedError) in try base.barrier() }
  }

  /// Stops every rank with `message`.
  public func abort(_ message: String) -> Never {
    base.abort(message)
  }
}
