// ShardContext: a rank's rows and its group, with the gathers and exchanges data-parallel DCRL
// builds on.

import Autograd
import Distributed
import Tensor

/// This rank's block of the rows, every rank's block, and the group they talk through.
struct ShardContext {
  let communicator: any Communicator
  /// This rank's rows.
  let shard: RowShard
  /// Every rank's rows, in rank order.
  let shards: [RowShard]

  /// The rows of all ranks, from each rank's row count.
  static func make(rows: Int, features: Int, communicator: any Communicator)
    throws(DCRLError) -> ShardContext
  {
    let sizes = try collective { () throws(DistributedError) in
      try communicator.allGather([Int64(rows), Int64(features)])
    }
    if let other = sizes.first(where: { $0[1] != Int64(features) }) {
      throw .input(
        .featureMismatch(
          parameter: "x on rank \(communicator.rank)", features: features,
          expected: Int(other[1])))
    }
    let shards = try collective { () throws(DistributedError) in
      try RowShard.contiguous(counts: sizes.map { Int($0[0]) })
    }
    return ShardContext(
      communicator: communicator, shard: shards[communicator.rank], shards: shards)
  }

  var rank: Int { communicator.rank }
  var totalRows: Int { shard.totalRows }

  /// Every rank's `local` integers, concatenated in rank order (global row order for per-row
  /// values).
  func gather(_ local: [Int]) throws(DCRLError) -> [Int] {
    try collective { () throws(DistributedError) in
      try communicator.allGather(local.map { Int64($0) }).flatMap { $0.map { Int($0) } }
    }
  }

  /// Every rank's rows of `local` (`[n_r, d]`), stacked in rank order into `[N, d]`.
  func gatherRows(_ local: Tensor) throws(DCRLError) -> Tensor {
    let d = local.shape[1]
    if local.dtype == .float64 {
      let all = try collective { () throws(DistributedError) in
        try communicator.allGather(local.doubles).flatMap { $0 }
      }
      return Tensor(all, shape: [all.count / d, d], on: local.backend)
    }
    let all = try collective { () throws(DistributedError) in
      try communicator.allGather(local.floats).flatMap { $0 }
    }
    return Tensor(all, shape: [all.count / d, d], on: local.backend)
  }

  /// The element-wise sum over ranks of `values`.
  func sum(_ values: [Double]) throws(DCRLError) -> [Double] {
    var buffer = values
    try collective { () throws(DistributedError) in try communicator.allReduceSum(&buffer) }
    return buffer
  }

  /// The rows `wanted` (global indices, sorted, none of them this rank's) of the data, in the
  /// order of `wanted`.
  ///
  /// They are fetched from the ranks that hold them: one all-to-all of the requested indices
  /// and one of the rows.
  func fetchRows(_ wanted: [Int], from x: Tensor) throws(DCRLError) -> Tensor {
    let d = x.shape[1]
    var requests = [[Int64]](repeating: [], count: shards.count)
    var owner = 0
    for row in wanted {
      while !shards[owner].range.contains(row) { owner += 1 }
      requests[owner].append(Int64(row))
    }
    let asked = try collective { () throws(DistributedError) in
      try communicator.allToAll(requests)
    }
    let base = shard.range.lowerBound
    if x.dtype == .float64 {
      let replies = asked.map { rows in x.gatheringRows(rows.map { Int($0) - base }).doubles }
      let received = try collective { () throws(DistributedError) in
        try communicator.allToAll(replies).flatMap { $0 }
      }
      return Tensor(received, shape: [wanted.count, d], on: x.backend)
    }
    let replies = asked.map { rows in x.gatheringRows(rows.map { Int($0) - base }).floats }
    let received = try collective { () throws(DistributedError) in
      try communicator.allToAll(replies).flatMap { $0 }
    }
    return Tensor(received, shape: [wanted.count, d], on: x.backend)
  }

  /// Sums every parameter's gradient over the ranks.
  func allReduceGradients(_ parameters: [Parameter]) throws(DCRLError) {
    try collective { () throws(DistributedError) in
      try DCRL.allReduceGradients(parameters, communicator)
    }
  }
}
