// BackendParity: every Backend primitive of a candidate backend run against ReferenceBackend on
// the same random float32 inputs, shared by the test suites and `dcrl-bench gpu-check`.

import Tensor

/// Runs every ``Backend`` primitive on a candidate backend and on ``ReferenceBackend`` with the
/// same seeded float32 inputs and compares the results, primitive by primitive.
///
/// The primitives are called directly (not through `Tensor`), so each one is exercised with the
/// arguments the backend contract allows: copies with both offsets, in-place unary and binary
/// ops (output aliasing an operand), every broadcast layout, reductions over every axis of
/// degenerate, prime and autoencoder-sized shapes (including NaN and tied inputs for the arg
/// reductions), gathers and scatter-adds with repeated indices, and three Adam steps with and
/// without weight decay. Matrix products cover every transpose pair on 1×1, prime and the
/// 784-500-500-2000-10 autoencoder's shapes, plus `beta = 0` over a NaN-filled output and
/// `k = 0`.
///
/// The routine lives in its own support module, without a dependency on Swift Testing, so that
/// the test suites (which turn each failed ``ParityResult`` into an issue) and
/// `dcrl-bench gpu-check` (which prints the table on a GPU machine that has no Swift) run the
/// same checks.
public enum BackendParity {
  /// The groups of primitives a run can be limited to.
  public enum Section: String, Sendable, Hashable, CaseIterable {
    /// upload/download, fill, copy.
    case memory
    /// Matrix products.
    case gemm
    /// Unary element-wise ops.
    case unary
    /// Binary element-wise ops.
    case binary
    /// Reductions.
    case reduce
    /// Transpose, gather, scatter-add.
    case rows
    /// The fused Adam step.
    case adam
  }

  /// Sizes, seed and scope of a parity run.
  public struct Options: Sendable, Hashable {
    /// The number of rows of the autoencoder-shaped matrix products (the batch size).
    public var batch: Int
    /// Whether to add the large cases (256×500 broadcasts, 100 003-element unary ops, 20 000-long
    /// reductions, every (alpha, beta) pair on the autoencoder shapes), which take tens of seconds
    /// against the reference loops in a debug build.
    public var thorough: Bool
    /// The sections to run.
    public var sections: Set<Section>
    /// The seed of every input.
    public var seed: UInt64

    /// Creates options.
    public init(
      batch: Int = 2, thorough: Bool = false, sections: Set<Section> = Set(Section.allCases),
      seed: UInt64 = 0
    ) {
      self.batch = batch
      self.thorough = thorough
      self.sections = sections
      self.seed = seed
    }

    /// Small sizes for debug-build test runs (a few seconds on a laptop core).
    public static let quick = Options()
    /// The full case list with a batch of 64, for release builds and GPU checks.
    public static let thorough = Options(batch: 64, thorough: true)
  }

  /// Compares every primitive of `candidate` with `reference`.
  ///
  /// - Parameters:
  ///   - candidate: The backend under test; it must support float32.
  ///   - reference: The oracle, ``ReferenceBackend`` unless testing the routine itself.
  ///   - options: Sizes and seed.
  ///   - onResult: Called with each result as soon as it is complete, so that a caller can
  ///     report progress (and what ran last, should the candidate crash the process).
  /// - Returns: One result per primitive and variant, in a fixed order.
  public static func run(
    _ candidate: any Backend, reference: any Backend = ReferenceBackend.shared,
    options: Options = .quick, onResult: (ParityResult) -> Void = { _ in }
  ) -> [ParityResult] {
    let run = ParityRun(
      candidate: candidate, reference: reference, seed: options.seed, thorough: options.thorough)
    let sections = options.sections
    var results: [ParityResult] = []
    func add(_ new: [ParityResult]) {
      for result in new { onResult(result) }
      results += new
    }
    if sections.contains(.memory) { add([run.memory(), run.fill(), run.copy()]) }
    if sections.contains(.gemm) {
      add(run.gemm(batch: options.batch))
      add([run.gemmSpecialCases()])
    }
    if sections.contains(.unary) { add(run.unary()) }
    if sections.contains(.binary) { add(run.binary()) }
    if sections.contains(.reduce) { add(run.reduce()) }
    if sections.contains(.rows) {
      add([run.transpose()])
      add([run.gather()])
      add([run.scatterAdd()])
    }
    if sections.contains(.adam) { add([run.adam()]) }
    return results
  }
}

/// The state of one parity run: the two backends and a counter that seeds each input.
struct ParityRun {
  let candidate: any Backend
  let reference: any Backend
  let seed: UInt64
  /// Whether to include the large cases.
  let thorough: Bool

  /// Tolerance of element-wise float32 results: float32 rounding (and libm versus device math)
  /// against the same float32 formula on the host.
  static let elementwise = (rtol: 2e-6, atol: 1e-6)

  /// The same values on both backends.
  struct Operand {
    let reference: TensorStorage
    let candidate: TensorStorage
    let values: [Float]
  }

  /// Seeded values uniform on `[lower, upper)`, rounded to float32.
  func values(_ count: Int, _ stream: UInt64, lower: Double = -2, upper: Double = 2) -> [Float] {
    var rng = Xoshiro256(seed: seed &* 1_000_003 &+ stream)
    return (0..<count).map { _ in Float(lower + (upper - lower) * rng.nextUnitDouble()) }
  }

  /// Uploads `values` to both backends.
  func operand(_ values: [Float]) -> Operand {
    func make(_ backend: any Backend) -> TensorStorage {
      let storage = backend.allocate(count: values.count, dtype: .float32)
      if !values.isEmpty {
        values.withUnsafeBytes { backend.upload($0.baseAddress!, into: storage) }
      }
      return storage
    }
    return Operand(reference: make(reference), candidate: make(candidate), values: values)
  }

  /// Seeded random values on both backends.
  func operand(
    _ count: Int, _ stream: UInt64, lower: Double = -2, upper: Double = 2
  ) -> Operand {
    operand(values(count, stream, lower: lower, upper: upper))
  }

  /// The contents of a buffer, read through its backend.
  func read(_ storage: TensorStorage) -> [Float] {
    Tensor(shape: [storage.count], storage: storage).floats
  }

  /// Compares the candidate's and the reference's copies of `operand` after an operation.
  func compare(
    _ result: inout ParityResult, _ operand: Operand, rtol: Double, atol: Double, _ label: String
  ) {
    result.record(
      read(operand.candidate), read(operand.reference), rtol: rtol, atol: atol, label)
  }

  /// Runs `body` on both backends with the matching storages.
  func both(_ body: (any Backend, KeyPath<Operand, TensorStorage>) -> Void) {
    body(reference, \.reference)
    body(candidate, \.candidate)
  }

  static func toleranceText(rtol: Double, atol: Double) -> String {
    rtol == 0 && atol == 0 ? "exact" : "|a−e| ≤ \(atol) + \(rtol)·|e|"
  }

  // MARK: Memory

  /// Upload then download returns the same bits, for sizes from 0 up.
  func memory() -> ParityResult {
    var result = ParityResult(primitive: "upload/download", tolerance: "exact")
    for (index, count) in [0, 1, 7, 1000, 65_537].enumerated() {
      let x = operand(count, 10 + UInt64(index))
      result.record(read(x.candidate), x.values, rtol: 0, atol: 0, "\(count) elements")
    }
    return result
  }

  /// `fill` with a few values, including one that float32 rounds.
  func fill() -> ParityResult {
    var result = ParityResult(primitive: "fill", tolerance: "exact")
    for (index, value) in [0, 0.25, -3.5, 0.1].enumerated() {
      let x = operand(37 * (index + 1), 20 + UInt64(index))
      both { backend, side in backend.fill(x[keyPath: side], with: value) }
      compare(&result, x, rtol: 0, atol: 0, "fill \(value)")
    }
    return result
  }

  /// `copy` with source and destination offsets.
  func copy() -> ParityResult {
    var result = ParityResult(primitive: "copy with offsets", tolerance: "exact")
    let cases = [(30, 40, 0, 0, 30), (30, 40, 5, 7, 20), (100, 10, 90, 0, 10), (1, 1, 0, 0, 1)]
    for (index, (sourceCount, destinationCount, from, to, count)) in cases.enumerated() {
      let source = operand(sourceCount, 30 + UInt64(index))
      let destination = operand(destinationCount, 40 + UInt64(index))
      both { backend, side in
        backend.copy(
          source[keyPath: side], offset: from, into: destination[keyPath: side], offset: to,
          count: count)
      }
      compare(&result, destination, rtol: 0, atol: 0, "copy \(count) from \(from) to \(to)")
    }
    return result
  }
}
