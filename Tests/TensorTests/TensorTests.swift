// Tensor semantics: creation, shapes, broadcasting, value semantics, rows, distances.

import Tensor
import Testing
import _TestSupport

@Suite("Tensor")
struct TensorTests {
  @Test("round-trips float32 and float64 values through the backend")
  func roundTrip() {
    for backend in hostBackends {
      let f = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3], on: backend)
      #expect(f.floats == [1, 2, 3, 4, 5, 6] && f.shape == [2, 3] && f.dtype == .float32)
      let d = Tensor([0.1, 0.2] as [Double], on: backend)
      #expect(d.doubles == [0.1, 0.2] && d.dtype == .float64 && d.shape == [2])
      #expect(d.converted(to: .float32).floats == [Float(0.1), Float(0.2)])
      #expect(Tensor.scalar(2.5, on: backend).scalarValue == 2.5)
    }
  }

  @Test("copies are independent: mutation copies shared storage first")
  func copyOnWrite() {
    let a = Tensor([1, 2, 3] as [Float])
    var b = a
    b.add(Tensor([10, 10, 10] as [Float]))
    #expect(a.floats == [1, 2, 3])
    #expect(b.floats == [11, 12, 13])
    // A unique tensor is updated in place.
    var c = Tensor([1, 1] as [Float])
    let before = c.storage.address
    c.add(Tensor([1, 1] as [Float]))
    #expect(c.storage.address == before)
  }

  @Test("reshape infers -1 and shares storage")
  func reshape() {
    let a = Tensor((0..<12).map(Float.init), shape: [3, 4])
    let b = a.reshaped([2, -1])
    #expect(b.shape == [2, 6])
    #expect(b.storage === a.storage)
  }

  @Test("broadcast plans for rows, columns, scalars and outer combinations")
  func broadcasting() {
    let m = Tensor.zeros([3, 4])
    #expect(Tensor.broadcastPlan(m, Tensor.zeros([4]), op: "t").right == .row)
    #expect(Tensor.broadcastPlan(m, Tensor.zeros([1, 4]), op: "t").right == .row)
    #expect(Tensor.broadcastPlan(m, Tensor.zeros([3, 1]), op: "t").right == .column)
    #expect(Tensor.broadcastPlan(Tensor.zeros([]), m, op: "t").left == .scalar)
    let outer = Tensor.broadcastPlan(Tensor.zeros([3, 1]), Tensor.zeros([1, 4]), op: "t")
    #expect(outer.shape == [3, 4] && outer.left == .column && outer.right == .row)
    let sum =
      Tensor([1, 2, 3] as [Float], shape: [3, 1]) + Tensor([10, 20] as [Float], shape: [1, 2])
    #expect(sum.floats == [11, 21, 12, 22, 13, 23])
    let scaled = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]) * Tensor([10, 100] as [Float])
    #expect(scaled.floats == [10, 200, 30, 400])
  }

  @Test("reductions drop the axis; mean and sum over all elements")
  func reductions() {
    let x = Tensor((1...6).map(Double.init), shape: [2, 3])
    #expect(x.sum(axis: 0).doubles == [5, 7, 9])
    #expect(x.sum(axis: 1).doubles == [6, 15])
    #expect(x.mean(axis: 1).doubles == [2, 5])
    #expect(x.sum().shape == [] && x.sum().scalarValue == 21)
    #expect(x.mean().scalarValue == 3.5)
    #expect(x.max(axis: 1).doubles == [3, 6] && x.min(axis: 0).doubles == [1, 2, 3])
    #expect(Tensor.zeros([0, 3], dtype: .float64).sum(axis: 0).doubles == [0, 0, 0])
  }

  @Test("repeated(along:count:) is the adjoint shape of a sum")
  func repeated() {
    let v = Tensor([1, 2] as [Float])
    #expect(v.repeated(along: 0, count: 3).floats == [1, 2, 1, 2, 1, 2])
    #expect(v.repeated(along: 1, count: 3).floats == [1, 1, 1, 2, 2, 2])
    let m = Tensor((0..<4).map(Float.init), shape: [2, 2])
    let r = m.repeated(along: 1, count: 2)
    #expect(r.shape == [2, 2, 2] && r.floats == [0, 1, 0, 1, 2, 3, 2, 3])
  }

  @Test("rows, concatenation, gather and scatter")
  func rowOperations() {
    let x = Tensor((0..<8).map(Float.init), shape: [4, 2])
    #expect(x.rows(1..<3).floats == [2, 3, 4, 5])
    #expect(Tensor.concatenatingRows([x.rows(3..<4), x.rows(0..<1)]).floats == [6, 7, 0, 1])
    #expect(x.gatheringRows([3, 3, 0]).floats == [6, 7, 6, 7, 0, 1])
    let scattered = Tensor.ones([3, 2]).scatteringRows([1, 1, 0], rowCount: 4)
    #expect(scattered.floats == [1, 1, 2, 2, 0, 0, 0, 0])
  }

  @Test("matmul with transpose flags equals matmul of materialised transposes")
  func matmulFlags() {
    let a = Tensor.randomNormal([5, 3], dtype: .float64, seed: 1)
    let b = Tensor.randomNormal([4, 3], dtype: .float64, seed: 2)
    expectClose(matmul(a, b, transposeB: true), matmul(a, b.transposed()), rtol: 1e-14, atol: 1e-14)
    expectClose(matmul(a, a, transposeA: true), matmul(a.transposed(), a), rtol: 1e-14, atol: 1e-14)
  }

  @Test("I10: pairwise distances stay accurate and non-negative for offset, unscaled data")
  func distancesWithOffset() {
    for backend in hostBackends {
      var rng = Xoshiro256(seed: 5)
      let raw = (0..<(20 * 6)).map { _ in 100 + rng.nextUnitDouble() * 255 }
      let x = Tensor(raw, shape: [20, 6], on: backend)
      let d = pairwiseSquaredDistances(x, x).doubles
      var worst = 0.0
      for i in 0..<20 {
        for j in 0..<20 {
          var direct = 0.0
          for c in 0..<6 {
            direct += (raw[i * 6 + c] - raw[j * 6 + c]) * (raw[i * 6 + c] - raw[j * 6 + c])
          }
          worst = max(worst, abs(d[i * 20 + j] - direct))
          #expect(d[i * 20 + j] >= 0)
        }
      }
      // Float64 cancellation error is ~‖x‖²·ε ≈ 1e5·2e-16.
      #expect(worst < 1e-8, "\(backend.name): max error \(worst)")
    }
  }

  @Test("pairwise distances in float32 match the direct computation within rounding")
  func distancesFloat32() {
    let x = Tensor.randomNormal([30, 10], seed: 3)
    let y = Tensor.randomNormal([7, 10], seed: 4)
    let d = pairwiseSquaredDistances(x, y)
    let (xs, ys) = (x.doubles, y.doubles)
    var direct: [Double] = []
    for i in 0..<30 {
      for j in 0..<7 {
        direct.append(
          (0..<10).reduce(0.0) {
            $0 + (xs[i * 10 + $1] - ys[j * 10 + $1]) * (xs[i * 10 + $1] - ys[j * 10 + $1])
          })
      }
    }
    expectClose(d.doubles, direct, rtol: 1e-5, atol: 1e-5)
  }
}
