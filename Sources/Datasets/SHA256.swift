// SHA256: the FIPS 180-4 hash used to verify every dataset file before it is parsed.

import Foundation

/// The SHA-256 hash of FIPS 180-4, written out because Linux has no CryptoKit.
///
/// Feed bytes with ``update(_:)`` as often as needed, then call ``finalize()``; or hash a whole
/// buffer with ``hash(_:)``. The implementation follows the standard's §6.2.2 step by step and is
/// tested against the NIST example vectors and `sha256sum`.
///
/// ```swift
/// let digest = SHA256.hash(Data("abc".utf8)).hexadecimal
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
///
/// - Complexity: O(n) in the number of bytes hashed.
public struct SHA256: Sendable {
  /// The eight 32-bit words of the running hash value H (§5.3.3 initial value).
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )
  /// Bytes that do not yet fill a 64-byte block.
  private var pending: [UInt8] = []
  /// The total message length in bytes.
  private var length: UInt64 = 0

  /// Creates a hasher with the standard's initial hash value.
  public init() {}

  /// The digest of `bytes`.
  public static func hash(_ bytes: some DataProtocol) -> Digest {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// Appends `bytes` to the message.
  public mutating func update(_ bytes: some DataProtocol) {
    for region in bytes.regions {
      region.withUnsafeBytes { update(buffer: $0) }
    }
  }

  /// Appends the bytes of `buffer` to the message.
  public mutating func update(buffer: UnsafeRawBufferPointer) {
    guard !buffer.isEmpty else { return }
    length &+= UInt64(buffer.count)
    var input = buffer[...]
    if !pending.isEmpty {
      let take = min(64 - pending.count, input.count)
      pending.append(contentsOf: input.prefix(take))
      input = input.dropFirst(take)
      if pending.count < 64 { return }
      pending.withUnsafeBytes { compress(blocks: $0) }
      pending.removeAll(keepingCapacity: true)
    }
    let whole = input.count / 64 * 64
    if whole > 0 {
      compress(blocks: UnsafeRawBufferPointer(rebasing: input.prefix(whole)))
    }
    pending.append(contentsOf: input.dropFirst(whole))
  }

  /// Pads the message (§5.1.1) and returns its digest.
  public consuming func finalize() -> Digest {
    let bitLength = length &* 8
    var tail = pending
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    tail.withUnsafeBytes { compress(blocks: $0) }
    let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
    return Digest(
      bytes: words.flatMap { word in
        (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) }
      })
  }

  /// Runs the compression function (§6.2.2) over each 64-byte block of `blocks`.
  ///
  /// Written with raw pointers and inline rotations so that unoptimised (debug) builds, which
  /// the test suite uses, still hash tens of megabytes per second.
  @_optimize(speed)
  private mutating func compress(blocks: UnsafeRawBufferPointer) {
    assert(blocks.count % 64 == 0)
    guard let input = blocks.baseAddress else { return }
    sha256RoundConstants.withUnsafeBufferPointer { constants in
      let k = constants.baseAddress!
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
        let w = schedule.baseAddress!
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        for offset in stride(from: 0, to: blocks.count, by: 64) {
          // 1. The message schedule W₀…W₆₃.
          for t in 0..<16 {
            w[t] = UInt32(
              bigEndian: input.loadUnaligned(fromByteOffset: offset + 4 * t, as: UInt32.self))
          }
          for t in 16..<64 {
            let x = w[t - 15]
            let y = w[t - 2]
            let s0 = (x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3)
            let s1 = (y >> 17 | y << 15) ^ (y >> 19 | y << 13) ^ (y >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
          }
          // 2.–3. The eight working variables and 64 rounds.
          var a = h0
          var b = h1
          var c = h2
          var d = h3
          var e = h4
          var f = h5
          var g = h6
          var h = h7
          for t in 0..<64 {
            let sigma1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)
            let choose = (e & f) ^ (~e & g)
            let t1 = h &+ sigma1 &+ choose &+ k[t] &+ w[t]
            let sigma0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ sigma0 &+ majority
          }
          // 4. The intermediate hash value.
          h0 &+= a
          h1 &+= b
          h2 &+= c
          h3 &+= d
          h4 &+= e
          h5 &+= f
          h6 &+= g
          h7 &+= h
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
      }
    }
  }

  /// A 32-byte SHA-256 digest.
  public struct Digest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes, most significant first.
    public let bytes: [UInt8]

    /// The digest as 64 lower-case hexadecimal digits, as `sha256sum` prints it.
    public var hexadecimal: String {
      let digits = Array("0123456789abcdef".utf8)
      var text: [UInt8] = []
      text.reserveCapacity(64)
      for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
      }
      return String(decoding: text, as: UTF8.self)
    }

    /// The ``hexadecimal`` digits.
    public var description: String { hexadecimal }
  }
}

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2).
private let sha256RoundConstants: [UInt32] = [
  0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
  0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
  0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
  0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
  0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
  0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
  0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
  0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
  0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
  0xc671_78f2,
]
