// The structure metrics stream over row blocks: results do not depend on the block size, and
// no n × n matrix is ever formed (RELIABILITY R4).

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Structure metrics: block-wise memory")
struct StructureMetricsMemoryTests {
  /// Ranks are decided exactly, so every rank-based metric (trust, continuity, MRRE, LGD over
  /// the exact neighbourhoods, CRA) has the same bits for any block size.
  ///
  /// RMRE sums the GEMM
  /// distances of all pairs, tile by tile, so its last bits follow the tiling (documented in
  /// `structureMetrics`); it agrees to 1e-12.
  @Test(
    "R4 block sizes 1, 7, 64 and 1024 give the same bits (RMRE: the same to 1e-12)",
    arguments: DType.allCases)
  func blockSizes(dtype: DType) throws {
    var rng = Xoshiro256(seed: 41)
    let x = Tensor.randomNormal([150, 12], dtype: dtype, using: &rng)
    let z = matmul(x, Tensor.randomNormal([12, 2], dtype: dtype, using: &rng))
    let labels = (0..<150).map { $0 % 4 }
    let reference = try structureMetrics(
      x, z, neighbors: 1...9, classLabels: labels, blockSize: 1024)
    for blockSize in [1, 7, 64] {
      let report = try structureMetrics(
        x, z, neighbors: 1...9, classLabels: labels, blockSize: blockSize)
      #expect(report.neighborhoods == reference.neighborhoods, "block \(blockSize)")
      #expect(report.clusterRankAccuracy == reference.clusterRankAccuracy)
      expectClose(
        [report.rootMeanReconstructionError], [reference.rootMeanReconstructionError],
        rtol: 1e-12, atol: 0)
    }
  }

  /// At n = 2000 one n × n float64 matrix is 32 MB; the whole computation (tiles of 256 rows,
  /// neighbour lists, the blocked copy of X) must stay far below it.
  ///
  /// The peak RSS (VmHWM, reset
  /// through /proc/self/clear_refs) is measured in a fresh child process, so other tests'
  /// allocations do not count.
  @Test("R4 metrics of n = 2000 points add less than a quarter of one n × n matrix to peak RSS")
  func noSquareMatrix() async {
    let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
      /// A field of /proc/self/status, in bytes.
      func status(_ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1) * 1024
      }
      let n = 2000
      var rng = Xoshiro256(seed: 42)
      let x = Tensor.randomNormal([n, 16], using: &rng)
      let z = matmul(x, Tensor.randomNormal([16, 2], using: &rng))
      let labels = (0..<n).map { $0 % 10 }
      // Reset the peak (VmHWM) to the current RSS, then measure the peak of the computation.
      try Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
      let before = status("VmRSS")
      let report = try structureMetrics(
        x, z, neighbors: 3...7, classLabels: labels, blockSize: 256)
      let growth = status("VmHWM") - before
      print("R4: peak RSS grew by \(growth) bytes; one n × n matrix is \(n * n * 8)")
      guard before > 0, report.trustworthiness > 0, report.trustworthiness <= 1 else { exit(1) }
      exit(growth < n * n * 8 / 4 ? 0 : 2)
    }
    print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self), terminator: "")
  }
}
