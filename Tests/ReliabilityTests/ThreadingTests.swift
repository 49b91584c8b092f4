// Results across thread counts (RELIABILITY D12) and the one thread setting (R3). Tests that
// change OpenBLAS's process-wide thread count run in a child process (an exit test), so the
// other tests of this process keep theirs.

import Foundation
import Metrics
import Tensor
import Testing
import _TestSupport

@testable import Manifold

#if canImport(Glibc)
  import Glibc
#endif

/// `count` points in 10-D: five Gaussian blobs.
private func blobs(seed: UInt64, count: Int = 300) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  let centres = (0..<5).map { _ in (0..<10).map { _ in 4 * rng.nextStandardNormal() } }
  var values: [Float] = []
  for index in 0..<count {
    values += centres[index % 5].map { Float($0 + rng.nextStandardNormal()) }
  }
  return Tensor(values, shape: [count, 10])
}

/// CPU seconds used by the calling thread (`RUSAGE_THREAD`) or by the whole process.
private func cpuSeconds(thread: Bool) -> Double {
  var usage = rusage()
  // RUSAGE_THREAD (1) is Linux-specific and not imported by Glibc.
  getrusage(thread ? 1 : RUSAGE_SELF.rawValue, &usage)
  func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

@Suite("Threads: determinism and the one setting")
struct ThreadingTests {
  // t-SNE, its gradient and the exact kNN graph are checked bit for bit with 1 and 2 threads
  // in ManifoldTests ("D12 …"): their parallel loops write per-point results and sum partials
  // in a fixed chunk order.

  /// UMAP's neighbour graph and fuzzy set are per-point and deterministic; its SGD with more
  /// than one thread updates shared positions without locks (Hogwild!, as umap-learn's
  /// `parallel=True`), so the layout varies.
  ///
  /// The stated tolerance is on quality: trustworthiness
  /// (k = 10) within 0.02 of the single-threaded layout.
  @Test("D12 UMAP: the graph is identical with 2 threads; the Hogwild layout keeps its quality")
  func umapThreads() throws {
    let x = blobs(seed: 2)
    var c = UMAP.Configuration()
    c.neighbors = 10
    c.epochs = 100
    c.threads = 1
    let one = try UMAP(configuration: c).fit(x)
    let again = try UMAP(configuration: c).fit(x)
    #expect(one.embedding.doubles == again.embedding.doubles, "one thread is bit-reproducible")
    c.threads = 2
    let two = try UMAP(configuration: c).fit(x)
    #expect(one.graph == two.graph)
    let trustOne = try trustworthiness(x, one.embedding, neighbors: 10)
    let trustTwo = try trustworthiness(x, two.embedding, neighbors: 10)
    #expect(abs(trustOne - trustTwo) <= 0.02, "trust \(trustOne) vs \(trustTwo)")
  }

  /// The structure metrics decide every rank exactly (near-ties are recomputed in `Double`), so
  /// neither OpenBLAS's thread count nor the row loops' change a bit.
  @Test("D12 structure metrics: 1 and 2 OpenBLAS threads give identical bits")
  func metricsThreads() async {
    await #expect(processExitsWith: .success) {
      var rng = Xoshiro256(seed: 3)
      let x = Tensor.randomNormal([300, 40], using: &rng)
      let z = matmul(x, Tensor.randomNormal([40, 3], using: &rng))
      CPUBackend.setBLASThreads(1)
      let one = try structureMetrics(x, z, neighbors: 3...7)
      CPUBackend.setBLASThreads(2)
      let two = try structureMetrics(x, z, neighbors: 3...7)
      exit(one == two ? 0 : 1)
    }
  }

  /// RELIABILITY R3: OpenBLAS's thread count (`CPUBackend.setBLASThreads`, or
  /// `OPENBLAS_NUM_THREADS`) is the one setting; the Manifold estimators' `threads: nil` and the
  /// metrics' row loops follow it, and no parallel loop runs around a BLAS call.
  ///
  /// With one
  /// thread, a whole t-SNE, kNN, UMAP and metrics workload runs on the calling thread: the
  /// process uses (almost) no CPU time outside it, however loaded the machine is.
  @Test("R3 one setting: with 1 OpenBLAS thread all work stays on the calling thread")
  func oneSetting() async {
    await #expect(processExitsWith: .success) {
      CPUBackend.setBLASThreads(1)
      guard resolvedThreadCount(nil) == 1 else { exit(10) }
      let x = blobs(seed: 4)
      let (process, thread) = (cpuSeconds(thread: false), cpuSeconds(thread: true))
      var tsne = TSNE.Configuration()
      tsne.perplexity = 10
      tsne.maxIterations = 100
      _ = try TSNE(configuration: tsne).fit(x)
      var umap = UMAP.Configuration()
      umap.epochs = 30
      _ = try UMAP(configuration: umap).fit(x)
      _ = try KNNGraph(exact: x, neighbors: 10)
      _ = try structureMetrics(x, x * 2, neighbors: 3...7)
      let onThread = cpuSeconds(thread: true) - thread
      let elsewhere = cpuSeconds(thread: false) - process - onThread
      guard onThread > 0.05, elsewhere < 0.1 * onThread + 0.02 else { exit(11) }
      CPUBackend.setBLASThreads(2)
      guard resolvedThreadCount(nil) == 2, resolvedThreadCount(3) == 3 else { exit(12) }
      exit(0)
    }
  }
}
