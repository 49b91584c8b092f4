// BackendParity, the routine shared by the tests and `dcrl-bench gpu-check`: it passes a correct
// backend and catches a wrong one.

import Tensor
import Testing
import _ParitySupport

/// CPUBackend with one primitive made wrong on purpose.
final class FaultyBackend: Backend {
  let base = CPUBackend()
  let faulty: String

  init(faulty: String) { self.faulty = faulty }

  var name: String { "faulty-\(faulty)" }
  func supports(_ dtype: DType) -> Bool { true }
  func allocate(count: Int, dtype: DType) -> TensorStorage {
    let address = UnsafeMutableRawPointer.allocate(
      byteCount: max(count * dtype.byteSize, 64), alignment: 64)
    return TensorStorage(backend: self, dtype: dtype, count: count, address: address)
  }
  func deallocate(_ address: UnsafeMutableRawPointer, byteCount: Int) { address.deallocate() }
  func upload(_ source: UnsafeRawPointer, into storage: TensorStorage) {
    base.upload(source, into: storage)
  }
  func download(_ storage: TensorStorage, into destination: UnsafeMutableRawPointer) {
    base.download(storage, into: destination)
  }
  func copy(
    _ source: TensorStorage, offset sourceOffset: Int, into destination: TensorStorage,
    offset destinationOffset: Int, count: Int
  ) {
    base.copy(
      source, offset: sourceOffset, into: destination, offset: destinationOffset, count: count)
  }
  func fill(_ storage: TensorStorage, with value: Double) { base.fill(storage, with: value) }
  func gemm(
    _ a: TensorStorage, transposeA: Bool, _ b: TensorStorage, transposeB: Bool,
    into c: TensorStorage, m: Int, n: Int, k: Int, alpha: Double, beta: Double
  ) {
    // A transposed-operand bug: ignore transposeB for non-square shapes.
    let flag = faulty == "gemm" && k > 1 && n > 1 ? false : transposeB
    base.gemm(
      a, transposeA: transposeA, b, transposeB: flag, into: c, m: m, n: n, k: k, alpha: alpha,
      beta: beta)
  }
  func unary(_ op: UnaryOp, _ x: TensorStorage, into out: TensorStorage) {
    base.unary(op, x, into: out)
    if faulty == "exp" && op == .exp { out.floats[0] *= 1.0001 }
  }
  func binary(
    _ op: BinaryOp, _ a: TensorStorage, _ aLayout: Broadcast, _ b: TensorStorage,
    _ bLayout: Broadcast, into out: TensorStorage, rows: Int, columns: Int
  ) {
    // A layout bug: a column operand read as a row.
    let layout = faulty == "binary" && bLayout == .column && rows > columns ? .row : bLayout
    base.binary(op, a, aLayout, b, layout, into: out, rows: rows, columns: columns)
  }
  func reduce(
    _ op: ReduceOp, _ x: TensorStorage, outer: Int, length: Int, inner: Int,
    into out: TensorStorage
  ) {
    base.reduce(op, x, outer: outer, length: length, inner: inner, into: out)
    // A tie-breaking bug: the last of equal maxima.
    if faulty == "argmax" && op == .argmax && inner == 1 && outer == 1 && length > 1 {
      let values = UnsafeBufferPointer(start: x.floats, count: length)
      let best = values.max()!
      if values.filter({ $0 == best }).count > 1 {
        out.floats[0] = Float(values.lastIndex(of: best)!)
      }
    }
  }
  func transpose(_ x: TensorStorage, rows: Int, columns: Int, into out: TensorStorage) {
    base.transpose(x, rows: rows, columns: columns, into: out)
  }
  func gatherRows(_ x: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage) {
    base.gatherRows(x, indices: indices, rowLength: rowLength, into: out)
  }
  func scatterAddRows(
    _ source: TensorStorage, indices: [Int], rowLength: Int, into out: TensorStorage
  ) {
    // A race-like bug: repeated indices overwrite instead of accumulating.
    guard faulty == "scatter" else {
      return base.scatterAddRows(source, indices: indices, rowLength: rowLength, into: out)
    }
    var seen = Set<Int>()
    for (row, index) in indices.enumerated() where seen.insert(index).inserted {
      for c in 0..<rowLength {
        out.floats[index * rowLength + c] += source.floats[row * rowLength + c]
      }
    }
  }
  func adamStep(
    parameter: TensorStorage, gradient: TensorStorage, firstMoment: TensorStorage,
    secondMoment: TensorStorage, hyperparameters: AdamStep
  ) {
    var h = hyperparameters
    if faulty == "adam" { h.step = 1 }  // bias correction not advanced
    base.adamStep(
      parameter: parameter, gradient: gradient, firstMoment: firstMoment,
      secondMoment: secondMoment, hyperparameters: h)
  }
  func synchronize() {}
}

@Suite("BackendParity: the shared parity routine")
struct BackendParityRoutineTests {
  @Test("G6 CPUBackend passes every float32 check of the shared parity routine", .tags(.parity))
  func cpuPasses() {
    let results = BackendParity.run(CPUBackend.shared)
    #expect(results.count > 40)
    for result in results { #expect(result.passed, "\(result)") }
  }

  @Test(
    "a backend with one wrong primitive fails that check and only that one", .tags(.parity),
    arguments: [
      ("gemm", "gemm NT", BackendParity.Section.gemm), ("exp", "unary exp", .unary),
      ("binary", "binary add", .binary), ("argmax", "reduce argmax", .reduce),
      ("scatter", "scatter-add rows", .rows), ("adam", "adam step", .adam),
    ])
  func faultIsCaught(fault: String, primitive: String, section: BackendParity.Section) {
    let results = BackendParity.run(
      FaultyBackend(faulty: fault), options: BackendParity.Options(sections: [section]))
    let failed = results.filter { !$0.passed }.map(\.primitive)
    #expect(failed.contains(primitive), "\(fault): failed \(failed)")
    if fault == "gemm" {
      #expect(Set(failed) == ["gemm NT", "gemm TT"])
    } else if fault == "binary" {
      #expect(failed.allSatisfy { $0.hasPrefix("binary") })
    } else {
      #expect(failed == [primitive])
    }
  }
}
