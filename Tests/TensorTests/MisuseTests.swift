// Misuse in the low layers stops the process with a message naming the op and both shapes.

import Tensor
import Testing

@Suite("Tensor misuse stops with a message")
struct MisuseTests {
  @Test("G5: matmul with mismatched inner dimensions")
  func matmulMismatch() async {
    await #expect(processExitsWith: .failure) {
      _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
    }
  }

  @Test("G5: binary operands that do not broadcast")
  func broadcastMismatch() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2, 3]) + Tensor.zeros([3, 2])
    }
  }

  @Test("operands on different backends")
  func mixedBackends() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2], on: ReferenceBackend.shared) + Tensor.zeros([2], on: CPUBackend.shared)
    }
  }

  @Test("operands of different dtypes")
  func mixedDTypes() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2], dtype: .float32) * Tensor.zeros([2], dtype: .float64)
    }
  }

  @Test("a row gather index out of range")
  func gatherOutOfRange() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2, 2]).gatheringRows([2])
    }
  }
}
