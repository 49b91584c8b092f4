// Tests of linearSumAssignment: SciPy goldens, brute force over permutations, infeasibility.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@Suite("linearSumAssignment")
struct LinearSumAssignmentTests {
  @Test("square and rectangular problems match SciPy's linear_sum_assignment", .tags(.golden))
  func goldens() throws {
    let fixture = try loadFixture("metrics.json", in: .module)
    let problems = fixture.objects("assignment")
    #expect(problems.count == 10)
    for problem in problems {
      let values = problem.doubles("cost")
      let rowCount = problem.count("cost")
      let columnCount = values.count / rowCount
      let cost = (0..<rowCount).map { Array(values[($0 * columnCount)..<(($0 + 1) * columnCount)]) }
      let maximize = problem.data["maximize"] as? Bool ?? false
      let (rows, columns) = try linearSumAssignment(cost, maximize: maximize)
      #expect(rows == problem.ints("rows"))
      #expect(columns == problem.ints("columns"))
      let total = zip(rows, columns).reduce(0.0) { $0 + cost[$1.0][$1.1] }
      expectClose([total], [problem.double("total")], rtol: 1e-12)
    }
  }

  /// The best total over every injective map of rows to columns (rows ≤ columns).
  private func bruteForce(_ cost: [[Double]]) -> Double {
    let columns = cost[0].count
    func search(_ row: Int, _ used: inout [Bool]) -> Double {
      if row == cost.count { return 0 }
      var best = Double.infinity
      for c in 0..<columns where !used[c] {
        used[c] = true
        best = min(best, cost[row][c] + search(row + 1, &used))
        used[c] = false
      }
      return best
    }
    var used = [Bool](repeating: false, count: columns)
    return search(0, &used)
  }

  @Test("agrees with brute force on 200 random problems, including ties and transposes")
  func bruteForceAgreement() throws {
    var rng = Xoshiro256(seed: 3)
    for trial in 0..<200 {
      let rows = 1 + Int(rng.next() % 5)
      let columns = rows + Int(rng.next() % 3)
      // Small integers make ties frequent.
      let cost = (0..<rows).map { _ in (0..<columns).map { _ in Double(rng.next() % 4) } }
      let (r, c) = try linearSumAssignment(cost)
      #expect(Set(c).count == rows && r == Array(0..<rows), "trial \(trial)")
      let total = zip(r, c).reduce(0.0) { $0 + cost[$1.0][$1.1] }
      #expect(total == bruteForce(cost), "trial \(trial)")
      // The transposed problem has the same optimum.
      let transposed = (0..<columns).map { j in (0..<rows).map { cost[$0][j] } }
      let (tr, tc) = try linearSumAssignment(transposed)
      #expect(tr.count == rows && tr == tr.sorted())
      #expect(zip(tr, tc).reduce(0.0) { $0 + transposed[$1.0][$1.1] } == total)
    }
  }

  @Test("forbidden pairs are avoided, and an infeasible matrix throws")
  func forbiddenPairs() throws {
    let inf = Double.infinity
    let (_, columns) = try linearSumAssignment([[inf, 1], [2, inf]])
    #expect(columns == [1, 0])
    #expect(throws: MetricsError.infeasibleAssignment(rows: 2, columns: 2)) {
      try linearSumAssignment([[inf, 1], [inf, 2]])
    }
    #expect(throws: MetricsError.self) { try linearSumAssignment([[.nan, 1], [2, 3]]) }
    #expect(throws: MetricsError.self) { try linearSumAssignment([[1, 2], [3]]) }
    #expect(try linearSumAssignment([]).rows.isEmpty)
  }
}
