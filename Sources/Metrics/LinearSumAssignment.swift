// LinearSumAssignment: the rectangular linear assignment problem by shortest augmenting paths.

/// Solves the linear sum assignment problem: a one-to-one matching of rows to columns of a cost
/// matrix with the least (or greatest) total cost.
///
/// For an `r × c` matrix, `min(r, c)` pairs are matched; every row is matched when `r ≤ c`, every
/// column otherwise. The algorithm is the Jonker–Volgenant shortest-augmenting-path method in the
/// form Crouse (2016) describes and SciPy's `linear_sum_assignment` uses: each unmatched row is
/// joined by a Dijkstra search over reduced costs `C[i][j] − u[i] − v[j]`, keeping the dual
/// variables `u`, `v` feasible so that every reduced cost stays non-negative. Ties are broken
/// deterministically (lowest column index first, preferring an unmatched column), so equal-cost
/// optima always give the same answer.
///
/// `+∞` marks a forbidden pair (`−∞` when maximising); if no complete matching avoids them,
/// the function throws.
///
/// ```swift
/// let (rows, columns) = try linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
/// // rows [0, 1, 2], columns [1, 0, 2]: total cost 5
/// ```
///
/// - Parameters:
///   - cost: The cost matrix as rows of equal length.
///   - maximize: Whether to maximise the total instead of minimising it.
/// - Returns: The matched row indices in ascending order and the column matched to each.
/// - Throws: ``MetricsError/input(_:)`` with `InputError.invalidValue` for ragged rows, NaN, or an
///   infinity of the wrong sign; ``MetricsError/infeasibleAssignment(rows:columns:)`` when every
///   complete matching uses a forbidden pair.
/// - Complexity: O(r²·c) time for `r ≤ c` (rows and columns swapped otherwise), O(r·c) memory.
public func linearSumAssignment(
  _ cost: [[Double]], maximize: Bool = false
) throws(MetricsError) -> (rows: [Int], columns: [Int]) {
  let rowCount = cost.count
  let columnCount = cost.first?.count ?? 0
  for (index, row) in cost.enumerated() where row.count != columnCount {
    throw .input(
      .invalidValue(
        parameter: "cost", value: "row \(index) of length \(row.count)",
        constraint: "every row must have \(columnCount) entries"))
  }
  if rowCount == 0 || columnCount == 0 { return ([], []) }
  // Work on a row-major matrix with at most as many rows as columns, minimising.
  let transposed = rowCount > columnCount
  let (n, m) = transposed ? (columnCount, rowCount) : (rowCount, columnCount)
  var matrix = [Double](repeating: 0, count: n * m)
  for i in 0..<rowCount {
    for j in 0..<columnCount {
      let value = maximize ? -cost[i][j] : cost[i][j]
      if value.isNaN || value == -.infinity {
        throw .input(
          .invalidValue(
            parameter: "cost[\(i)][\(j)]", value: "\(cost[i][j])",
            constraint: maximize ? "must be a number or −∞" : "must be a number or +∞"))
      }
      matrix[transposed ? j * m + i : i * m + j] = value
    }
  }
  guard let columnOfRow = shortestAugmentingPaths(matrix, rows: n, columns: m) else {
    throw .infeasibleAssignment(rows: rowCount, columns: columnCount)
  }
  if !transposed { return (Array(0..<n), columnOfRow) }
  // Matched (original row, original column) pairs, sorted by original row.
  let pairs = columnOfRow.enumerated().map { ($0.element, $0.offset) }.sorted { $0.0 < $1.0 }
  return (pairs.map(\.0), pairs.map(\.1))
}

/// The column matched to each row of a row-major `rows × columns` cost matrix with
/// `rows ≤ columns`, minimising the total; `nil` if the matrix is infeasible.
private func shortestAugmentingPaths(_ cost: [Double], rows n: Int, columns m: Int) -> [Int]? {
  var u = [Double](repeating: 0, count: n)  // row duals
  var v = [Double](repeating: 0, count: m)  // column duals
  var columnOfRow = [Int](repeating: -1, count: n)
  var rowOfColumn = [Int](repeating: -1, count: m)
  var predecessor = [Int](repeating: -1, count: m)  // the row from which column j was reached
  var pathCost = [Double](repeating: .infinity, count: m)
  var rowVisited = [Bool](repeating: false, count: n)
  var columnVisited = [Bool](repeating: false, count: m)
  var remaining = [Int](repeating: 0, count: m)

  for start in 0..<n {
    // Dijkstra from row `start` over the reduced costs until an unmatched column is reached.
    for j in 0..<m {
      pathCost[j] = .infinity
      columnVisited[j] = false
      remaining[j] = m - 1 - j
    }
    for i in 0..<n { rowVisited[i] = false }
    var remainingCount = m
    var distance = 0.0
    var row = start
    var sink = -1
    while sink < 0 {
      rowVisited[row] = true
      var best = -1
      var lowest = Double.infinity
      for position in 0..<remainingCount {
        let j = remaining[position]
        let reduced = distance + cost[row * m + j] - u[row] - v[j]
        if reduced < pathCost[j] {
          predecessor[j] = row
          pathCost[j] = reduced
        }
        if pathCost[j] < lowest || (pathCost[j] == lowest && rowOfColumn[j] < 0) {
          lowest = pathCost[j]
          best = position
        }
      }
      if best < 0 || lowest == .infinity { return nil }
      distance = lowest
      let column = remaining[best]
      columnVisited[column] = true
      remainingCount -= 1
      remaining[best] = remaining[remainingCount]
      if rowOfColumn[column] < 0 { sink = column } else { row = rowOfColumn[column] }
    }
    // Update the duals so that reduced costs stay non-negative and the path is tight.
    u[start] += distance
    for i in 0..<n where rowVisited[i] && i != start {
      u[i] += distance - pathCost[columnOfRow[i]]
    }
    for j in 0..<m where columnVisited[j] {
      v[j] -= distance - pathCost[j]
    }
    // Flip the matching along the path from the sink back to `start`.
    var column = sink
    while true {
      let row = predecessor[column]
      rowOfColumn[column] = row
      swap(&columnOfRow[row], &column)
      if row == start { break }
    }
  }
  return columnOfRow
}
