// Tests of the communicators: the thread group's collectives against their definitions, the
// single-process identities, failure propagation without hangs, and the row shards.

import Distributed
import Foundation
import Testing

@Suite("Communicators")
struct CommunicatorTests {
  @Test("thread ranks: all-reduce sums and maxima in rank order, the same bits on every rank")
  func allReduce() throws {
    let results = try ThreadGroup.run(ranks: 3) { communicator -> ([Float], [Double], [Int64]) in
      let r = Float(communicator.rank)
      var floats: [Float] = [1 + r, 0.1 * r, -r]
      try communicator.allReduceSum(&floats)
      var doubles: [Double] = [Double(r) * 1.5, 7 - Double(r)]
      try communicator.allReduce(&doubles, .maximum)
      var ints: [Int64] = [Int64(communicator.rank) * 10]
      try communicator.allReduceSum(&ints)
      return (floats, doubles, ints)
    }
    let expected: [Float] = [(1 + 0) + (1 + 1) + (1 + 2), (0.1 * 0 + 0.1 * 1) + 0.1 * 2, -3]
    for (floats, doubles, ints) in results {
      #expect(floats == expected)
      #expect(doubles == [3, 7])
      #expect(ints == [30])
    }
  }

  @Test("thread ranks: broadcast, all-gather of different lengths, all-to-all")
  func movement() throws {
    let results = try ThreadGroup.run(ranks: 4) { c -> ([Double], [[Int32]], [[UInt8]], [Int64]) in
      var buffer = [Double(c.rank), Double(c.rank) * 2]
      try c.broadcast(&buffer, root: 2)
      let gathered = try c.allGather([Int32](repeating: Int32(c.rank), count: c.rank))
      let outgoing = (0..<c.size).map { [UInt8(c.rank * 10 + $0)] }
      let received = try c.allToAll(outgoing)
      let array = try c.broadcastArray(c.rank == 1 ? [5, 6, 7] : [], root: 1) as [Int64]
      return (buffer, gathered, received, array)
    }
    for (rank, (buffer, gathered, received, array)) in results.enumerated() {
      #expect(buffer == [2, 4])
      #expect(gathered == [[], [1], [2, 2], [3, 3, 3]])
      #expect(received == (0..<4).map { [UInt8($0 * 10 + rank)] })
      #expect(array == [5, 6, 7])
    }
  }

  @Test("a failing rank stops the others' collectives with its message (no hang)")
  func failure() throws {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom on rank 1" } }
    let start = Date()
    #expect(throws: Boom.self) {
      _ = try ThreadGroup.run(ranks: 3) { c -> Int in
        if c.rank == 1 { throw Boom() }
        var buffer: [Float] = [1]
        for _ in 0..<3 { try c.allReduceSum(&buffer) }
        return 0
      }
    }
    // The survivors see the failure as peerFailed naming rank 1.
    let seen = try ThreadGroup.run(ranks: 2) { c -> String in
      if c.rank == 0 {
        do {
          _ = try ThreadGroup.run(ranks: 2) { inner -> Int in
            if inner.rank == 0 {
              throw DistributedError.invalidArgument(name: "x", value: "1", constraint: "c")
            }
            try inner.barrier()
            return 1
          }
        } catch { return "\(error)" }
      }
      return ""
    }
    #expect(seen[0] == "invalid x 1: c")
    #expect(Date().timeIntervalSince(start) < 30)
  }

  @Test("mismatched lengths and bad roots throw typed errors on every rank")
  func badArguments() throws {
    @Sendable func capture(_ body: () throws(DistributedError) -> Void) -> DistributedError? {
      do {
        try body()
        return nil
      } catch {
        return error
      }
    }
    let errors = try ThreadGroup.run(ranks: 2) { c -> [DistributedError?] in
      var mismatched = [Float](repeating: 1, count: c.rank + 1)
      var single: [Float] = [1]
      return [
        capture { () throws(DistributedError) in try c.allReduceSum(&mismatched) },
        capture { () throws(DistributedError) in try c.broadcast(&single, root: 5) },
        capture { () throws(DistributedError) in _ = try c.allToAll([[Float(1)]]) },
      ]
    }
    for outcomes in errors {
      guard case .invalidArgument(let name, _, _)? = outcomes[0] else {
        Issue.record("no error for mismatched lengths: \(outcomes)")
        continue
      }
      #expect(name == "buffer")
      #expect(
        outcomes[1] == .invalidArgument(name: "root", value: "5", constraint: "must be in 0..<2"))
      #expect(
        outcomes[2]
          == DistributedError.invalidArgument(
            name: "outgoing", value: "1 arrays", constraint: "needs one array per rank (2)"))
    }
  }

  @Test("the single-process communicator is the identity")
  func singleProcess() throws {
    let c = SingleProcessCommunicator()
    var buffer: [Double] = [1, 2]
    try c.allReduceSum(&buffer)
    try c.broadcast(&buffer, root: 0)
    #expect(buffer == [1, 2])
    #expect(try c.allGather([3.0]) == [[3.0]])
    #expect(try c.allToAll([[4.0]]) == [[4.0]])
    #expect(try c.sum(5.0) == 5)
    #expect(throws: DistributedError.self) { try c.broadcast(&buffer, root: 1) }
  }

  @Test("balanced shards cover the rows once, in rank order; a batch splits into owned parts")
  func shards() throws {
    for (rows, ranks) in [(10, 3), (2, 4), (7291, 2), (0, 2)] {
      let shards = try (0..<ranks).map { try RowShard.balanced(rows: rows, ranks: ranks, rank: $0) }
      #expect(shards.map(\.range.lowerBound).first == 0)
      #expect(shards.last?.range.upperBound == rows)
      for (a, b) in zip(shards, shards.dropFirst()) {
        #expect(a.range.upperBound == b.range.lowerBound)
      }
      #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1)
      #expect(try RowShard.contiguous(counts: shards.map(\.count)) == shards)
    }
    // Blocks of 10 rows over 3 ranks: 0..<4, 4..<7, 7..<10.
    let shards = try (0..<3).map { try RowShard.balanced(rows: 10, ranks: 3, rank: $0) }
    let batch = [9, 0, 4, 3, 7, 5]
    let parts = shards.map { $0.localPart(of: batch) }
    #expect(parts[0].positions == [1, 3] && parts[0].localRows == [0, 3])
    #expect(parts[1].positions == [2, 5] && parts[1].localRows == [0, 1])
    #expect(parts[2].positions == [0, 4] && parts[2].localRows == [2, 0])
    #expect(Set(parts.flatMap(\.positions)) == Set(0..<batch.count))
    #expect(throws: DistributedError.self) { try RowShard.balanced(rows: 3, ranks: 0, rank: 0) }
    #expect(throws: DistributedError.self) { try RowShard(totalRows: 3, range: 2..<5) }
  }

  @Test("a missing libmpi is a typed error naming libmpi and the packages to install")
  func missingLibrary() {
    do {
      _ = try MPICommunicator.shared(libraryPath: "/nonexistent/libmpi.so.40")
      Issue.record("opened a library that does not exist")
    } catch {
      guard case .libraryUnavailable(let library, _, let install) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(library == "/nonexistent/libmpi.so.40")
      #expect(install.contains("openmpi-bin libopenmpi-dev"))
    }
  }
}

@Suite("Timed communicator")
struct TimedCommunicatorTests {
  @Test("counts calls and bytes per operation and passes results through unchanged")
  func totals() throws {
    let results = try ThreadGroup.run(ranks: 2) { base -> [String: Int] in
      let timed = TimedCommunicator(base)
      var buffer: [Float] = [1, 2, 3]
      try timed.allReduceSum(&buffer)
      guard buffer == [2, 4, 6] else { return [:] }
      _ = try timed.allGather([Double(timed.rank)])
      try timed.barrier()
      var totals: [String: Int] = [:]
      for (name, value) in timed.byOperation { totals[name] = value.calls * 1000 + value.bytes }
      return totals
    }
    for totals in results {
      #expect(totals == ["allReduce": 1012, "allGather": 1008, "barrier": 1000])
    }
  }
}
