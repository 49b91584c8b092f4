// Random: seeded generators and the distributions the library samples from.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, seedable generator.
///
/// Used to seed ``Xoshiro256`` and wherever one 64-bit state is enough.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable, Codable {
  /// The generator's whole state.
  public var state: UInt64

  /// Creates a generator from a seed; equal seeds give equal sequences.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// xoshiro256** (Blackman and Vigna 2018): the library's default seeded generator.
///
/// Its 256-bit state is `Codable`, so training checkpoints can save and restore the exact
/// position in the random stream.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable, Codable {
  /// The generator's whole state.
  public var state: (UInt64, UInt64, UInt64, UInt64) {
    get { (s0, s1, s2, s3) }
    set { (s0, s1, s2, s3) = newValue }
  }
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Creates a generator whose state is expanded from `seed` with ``SplitMix64``.
  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }
}

extension RandomNumberGenerator {
  /// A uniform `Double` in `[0, 1)` with 53 random bits.
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal sample (Box–Muller; one of the pair is discarded so that the stream
  /// position depends only on the number of samples drawn).
  public mutating func nextStandardNormal() -> Double {
    var u1 = nextUnitDouble()
    while u1 <= 0 { u1 = nextUnitDouble() }
    let u2 = nextUnitDouble()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}

/// A uniformly random permutation of `0..<count` (Fisher–Yates).
public func randomPermutation(_ count: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
  var result = Array(0..<count)
  if count < 2 { return result }
  for i in stride(from: count - 1, to: 0, by: -1) {
    let j = Int(rng.next(upperBound: UInt64(i + 1)))
    result.swapAt(i, j)
  }
  return result
}

/// `count` independent normal samples, using both values of each Box–Muller pair.
func normalSamples(
  _ count: Int, mean: Double, standardDeviation: Double,
  using rng: inout some RandomNumberGenerator
) -> [Double] {
  var values = [Double](repeating: 0, count: count)
  for i in stride(from: 0, to: count, by: 2) {
    var u1 = rng.nextUnitDouble()
    while u1 <= 0 { u1 = rng.nextUnitDouble() }
    let u2 = rng.nextUnitDouble()
    let radius = standardDeviation * (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    values[i] = mean + radius * cos(angle)
    if i + 1 < count { values[i + 1] = mean + radius * sin(angle) }
  }
  return values
}

extension Tensor {
  /// A tensor of independent normal samples with the given mean and standard deviation.
  ///
  /// Samples come in Box–Muller pairs, so the generator advances by two draws per two elements.
  public static func randomNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on backend: (any Backend)? = nil, using rng: inout some RandomNumberGenerator
  ) -> Tensor {
    // Rounding each float64 sample once for float32 gives the bits of sampling in float32.
    let values = normalSamples(
      shape.reduce(1, *), mean: mean, standardDeviation: standardDeviation, using: &rng)
    return Tensor(converting: values, shape: shape, dtype: dtype, on: backend)
  }

  /// A tensor of independent samples uniform on `[lower, upper)`.
  public static func randomUniform(
    _ shape: [Int], lower: Double = 0, upper: Double = 1, dtype: DType = .float32,
    on backend: (any Backend)? = nil, using rng: inout some RandomNumberGenerator
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Double](repeating: 0, count: count)
    for i in 0..<count { values[i] = lower + (upper - lower) * rng.nextUnitDouble() }
    return Tensor(converting: values, shape: shape, dtype: dtype, on: backend)
  }

  /// ``randomNormal(_:mean:standardDeviation:dtype:on:using:)`` from a fresh ``Xoshiro256``
  /// seeded with `seed`.
  public static func randomNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on backend: (any Backend)? = nil, seed: UInt64
  ) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    return randomNormal(
      shape, mean: mean, standardDeviation: standardDeviation, dtype: dtype, on: backend,
      using: &rng)
  }
}
