// ThreadCommunicator: ranks as threads of one process, meeting at a shared barrier. It runs the
// same collectives as MPI, so the data-parallel code is tested without MPI.

import Foundation

/// A rank of a ``ThreadGroup``: the ranks are threads of this process that exchange arrays
/// through shared memory.
///
/// Reductions add the ranks' arrays in rank order, so every rank gets the same bits (and the
/// same bits as ``MPICommunicator`` would not promise: MPI may reduce in another order). When a
/// rank's work throws, the other ranks' next collective throws
/// ``DistributedError/peerFailed(rank:message:)`` instead of waiting.
public final class ThreadCommunicator: Communicator, @unchecked Sendable {
  /// This rank.
  public let rank: Int
  let state: ThreadGroupState

  init(rank: Int, state: ThreadGroupState) {
    self.rank = rank
    self.state = state
  }

  /// The number of ranks in the group.
  public var size: Int { state.size }

  /// All-reduces the array `buffer` over the ranks.
  public func allReduce<T: CollectiveScalar>(_ buffer: inout [T], _ operation: ReduceOperation)
    throws(DistributedError)
  {
    let all = try state.exchange(buffer, rank: rank).map { $0 as! [T] }
    if let bad = all.firstIndex(where: { $0.count != buffer.count }) {
      throw .invalidArgument(
        name: "buffer", value: "of \(all[bad].count) elements on rank \(bad)",
        constraint: "every rank must reduce \(buffer.count) elements, as rank \(rank) does")
    }
    var result = all[0]
    for other in all.dropFirst() {
      switch operation {
      case .sum: for i in result.indices { result[i] += other[i] }
      case .maximum: for i in result.indices where other[i] > result[i] { result[i] = other[i] }
      }
    }
    buffer = result
  }

  /// All-reduces `buffer` in place, through a copy (the ranks share memory anyway).
  public func allReduce<T: CollectiveScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReduceOperation
  ) throws(DistributedError) {
    var values = Array(buffer)
    try allReduce(&values, operation)
    for index in values.indices { buffer[index] = values[index] }
  }

  /// Broadcasts `root`'s buffer (``Communicator/broadcast(_:root:)``).
  public func broadcast<T: CollectiveScalar>(_ buffer: inout [T], root: Int)
    throws(DistributedError)
  {
    try validateRoot(root)
    let all = try state.exchange(buffer, rank: rank).map { $0 as! [T] }
    guard all[root].count == buffer.count else {
      throw .invalidArgument(
        name: "buffer", value: "of \(buffer.count) elements on rank \(rank)",
        constraint: "must match root \(root)'s \(all[root].count)")
    }
    buffer = all[root]
  }

  /// Every rank's array, in rank order (``Communicator/allGather(_:)``).
  public func allGather<T: CollectiveScalar>(_ local: [T]) throws(DistributedError) -> [[T]] {
    try state.exchange(local, rank: rank).map { $0 as! [T] }
  }

  /// Exchanges one array with each rank (``Communicator/allToAll(_:)``).
  public func allToAll<T: CollectiveScalar>(_ outgoing: [[T]]) throws(DistributedError) -> [[T]] {
    try validateOutgoing(outgoing)
    let all = try state.exchange(outgoing, rank: rank).map { $0 as! [[T]] }
    return all.map { $0[rank] }
  }

  /// Waits for every rank (``Communicator/barrier()``).
  public func barrier() throws(DistributedError) {
    _ = try state.exchange((), rank: rank)
  }

  /// Marks the group failed with `message` and ends this rank's thread.
  public func abort(_ message: String) -> Never {
    state.fail(rank: rank, message: message)
    state.finish(rank: rank, .failure(DistributedError.peerFailed(rank: rank, message: message)))
    Thread.exit()
    fatalError("unreachable: Thread.exit returned")
  }
}

/// Runs one closure on each of `ranks` threads, each with its ``ThreadCommunicator``.
public enum ThreadGroup {
  /// Runs `body` on `ranks` threads and returns their results in rank order.
  ///
  /// - Throws: The error of the first rank that failed (not the ``DistributedError/peerFailed(rank:message:)``
  ///   the others then see), or ``DistributedError/invalidArgument(name:value:constraint:)``
  ///   for `ranks < 1`.
  public static func run<R: Sendable>(
    ranks: Int, stackSize: Int = 16 << 20,
    _ body: @escaping @Sendable (ThreadCommunicator) throws -> R
  ) throws -> [R] {
    guard ranks >= 1 else {
      throw DistributedError.invalidArgument(
        name: "ranks", value: "\(ranks)", constraint: "must be >= 1")
    }
    let state = ThreadGroupState(size: ranks)
    for rank in 0..<ranks {
      let communicator = ThreadCommunicator(rank: rank, state: state)
      let thread = Thread {
        do {
          let value = try body(communicator)
          state.finish(rank: rank, .success(value))
        } catch {
          state.fail(rank: rank, message: "\(error)")
          state.finish(rank: rank, .failure(error))
        }
      }
      thread.stackSize = stackSize
      thread.start()
    }
    let outcomes = state.waitForAll()
    if let (rank, _) = state.firstFailure, case .failure(let error) = outcomes[rank]! {
      throw error
    }
    return outcomes.map { outcome in
      guard case .success(let value) = outcome! else { fatalError("a failed rank was missed") }
      return value as! R
    }
  }
}

/// What the threads of a group share: the exchange slots, a generation-counting barrier and the
/// first failure.
final class ThreadGroupState: @unchecked Sendable {
  let size: Int
  private let condition = NSCondition()
  private var arrived = 0
  private var generation = 0
  private var slots: [Any?]
  private var failure: (rank: Int, message: String)?
  private var outcomes: [Result<Any, any Error>?]
  private var finished = 0

  init(size: Int) {
    self.size = size
    slots = Array(repeating: nil, count: size)
    outcomes = Array(repeating: nil, count: size)
  }

  /// The first failure recorded.
  var firstFailure: (rank: Int, message: String)? {
    condition.lock()
    defer { condition.unlock() }
    return failure
  }

  /// Puts `value` in this rank's slot and returns every rank's, once all have arrived.
  ///
  /// A second barrier keeps a fast rank from overwriting its slot before the others have read
  /// it.
  func exchange(_ value: Any, rank: Int) throws(DistributedError) -> [Any] {
    condition.lock()
    defer { condition.unlock() }
    slots[rank] = value
    try waitLocked()
    let all = slots.map { $0! }
    try waitLocked()
    return all
  }

  /// Records the first failure and wakes every waiting rank.
  func fail(rank: Int, message: String) {
    condition.lock()
    if failure == nil { failure = (rank, message) }
    condition.broadcast()
    condition.unlock()
  }

  /// Records a rank's outcome.
  func finish(rank: Int, _ outcome: Result<Any, any Error>) {
    condition.lock()
    outcomes[rank] = outcome
    finished += 1
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for every rank's outcome.
  func waitForAll() -> [Result<Any, any Error>?] {
    condition.lock()
    defer { condition.unlock() }
    while finished < size { condition.wait() }
    return outcomes
  }

  /// The barrier, with the lock held: the last rank to arrive opens the next generation.
  private func waitLocked() throws(DistributedError) {
    if let failure { throw .peerFailed(rank: failure.rank, message: failure.message) }
    let current = generation
    arrived += 1
    if arrived == size {
      arrived = 0
      generation += 1
      condition.broadcast()
      return
    }
    while generation == current && failure == nil { condition.wait() }
    if generation == current, let failure {
      throw .peerFailed(rank: failure.rank, message: failure.message)
    }
  }
}
