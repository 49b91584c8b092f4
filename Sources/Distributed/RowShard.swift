// RowShard: which rows of the data a rank holds, and which rows of a global mini-batch it
// computes.

/// The contiguous block of rows one rank holds: rows `range` of `totalRows`, split over the
/// ranks in rank order.
///
/// The blocks need not be equal; ``balanced(rows:ranks:rank:)`` gives the first
/// `rows mod ranks` ranks one row more than the others.
public struct RowShard: Sendable, Hashable, Codable {
  /// The rows of the whole data set.
  public let totalRows: Int
  /// The rows this rank holds, as global row indices.
  public let range: Range<Int>

  /// A shard holding rows `range` of `totalRows`.
  ///
  /// - Throws: ``DistributedError/invalidArgument(name:value:constraint:)`` when `range` does
  ///   not lie in `0..<totalRows`.
  public init(totalRows: Int, range: Range<Int>) throws(DistributedError) {
    guard totalRows >= 0, range.lowerBound >= 0, range.upperBound <= totalRows else {
      throw .invalidArgument(
        name: "range", value: "\(range)", constraint: "must lie in 0..<\(totalRows)")
    }
    self.totalRows = totalRows
    self.range = range
  }

  /// Rank `rank`'s block when `rows` rows are split as evenly as possible over `ranks`.
  ///
  /// - Throws: ``DistributedError/invalidArgument(name:value:constraint:)`` for `ranks < 1`,
  ///   a rank outside `0..<ranks` or negative `rows`.
  public static func balanced(rows: Int, ranks: Int, rank: Int) throws(DistributedError)
    -> RowShard
  {
    guard ranks >= 1 else {
      throw .invalidArgument(name: "ranks", value: "\(ranks)", constraint: "must be >= 1")
    }
    guard (0..<ranks).contains(rank) else {
      throw .invalidArgument(name: "rank", value: "\(rank)", constraint: "must be in 0..<\(ranks)")
    }
    guard rows >= 0 else {
      throw .invalidArgument(name: "rows", value: "\(rows)", constraint: "must be >= 0")
    }
    let base = rows / ranks
    let extra = rows % ranks
    let start = rank * base + min(rank, extra)
    return try RowShard(totalRows: rows, range: start..<(start + base + (rank < extra ? 1 : 0)))
  }

  /// The shards of all ranks, from each rank's row count (in rank order), as every rank learns
  /// them from an all-gather of the counts.
  public static func contiguous(counts: [Int]) throws(DistributedError) -> [RowShard] {
    let total = counts.reduce(0, +)
    var start = 0
    var shards: [RowShard] = []
    for count in counts {
      guard count >= 0 else {
        throw .invalidArgument(name: "count", value: "\(count)", constraint: "must be >= 0")
      }
      shards.append(try RowShard(totalRows: total, range: start..<(start + count)))
      start += count
    }
    return shards
  }

  /// The number of rows this rank holds.
  public var count: Int { range.count }

  /// The part of a global mini-batch this rank computes: the `positions` in `batch` of the rows
  /// it holds, in batch order, and those rows as indices into its own block (`localRows`).
  public func localPart(of batch: [Int]) -> (positions: [Int], localRows: [Int]) {
    var positions: [Int] = []
    var localRows: [Int] = []
    for (position, row) in batch.enumerated() where range.contains(row) {
      positions.append(position)
      localRows.append(row - range.lowerBound)
    }
    return (positions, localRows)
  }
}
