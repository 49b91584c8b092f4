// ByteMutation: the byte-level mutator shared by the seeded parser-fuzz tests and the
// `loaders-fuzz` mutation loop, so both explore the same kinds of damage.

/// Bytes that often sit on a parser's decision points: zero, one, sign and high bits, and the
/// ASCII comma, newline, quote, parentheses, minus, dot and `e` of CSV and .npy headers.
let interestingBytes: [UInt8] = [
  0, 1, 0x7F, 0x80, 0xFF, 0x2C, 0x0A, 0x27, 0x28, 0x29, 0x2D, 0x2E, 0x65,
]

/// `input` with 1–4 random edits: bit flips, boundary bytes, inserts, deletions, truncation,
/// duplicated chunks, 32-bit boundary values and (when `other` is not empty) 8-byte splices
/// from `other`.
public func mutated<Generator: RandomNumberGenerator>(
  _ input: [UInt8], splicingFrom other: [UInt8] = [], using rng: inout Generator
) -> [UInt8] {
  var bytes = input
  for _ in 0..<Int.random(in: 1...4, using: &rng) {
    let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
    switch Int.random(in: 0..<8, using: &rng) {
    case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
    case 1 where !bytes.isEmpty: bytes[position] = interestingBytes.randomElement(using: &rng)!
    case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
    case 3 where !bytes.isEmpty: bytes.remove(at: position)
    case 4: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
    case 5 where !bytes.isEmpty:
      let length = Int.random(in: 1...min(16, bytes.count - position), using: &rng)
      bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
    case 6 where position + 4 <= bytes.count:
      let value = [UInt32.max, 0, 1 << 31, 65_535, 60_000].randomElement(using: &rng)!
      for index in 0..<4 {
        bytes[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
      }
    case 7 where !other.isEmpty:
      let start = Int.random(in: 0..<other.count, using: &rng)
      bytes.replaceSubrange(
        position..<min(bytes.count, position + 8), with: other[start..<min(other.count, start + 8)])
    default: break
    }
  }
  return bytes
}
