// SmallestList: the sorted list of the k smallest (key, index) pairs that the host-side
// neighbour searches keep per row (Clustering's spectral affinity, Metrics' rank passes).

/// A sorted list of the `capacity` smallest `(key, index)` pairs seen, earlier entries first
/// among equal keys, stored in caller-owned memory.
package struct SmallestList {
  package let keys: UnsafeMutablePointer<Double>
  package let indices: UnsafeMutablePointer<Int>
  package let capacity: Int

  /// A list over `capacity` entries of `keys` and `indices`, left as they are.
  @inlinable
  package init(
    keys: UnsafeMutablePointer<Double>, indices: UnsafeMutablePointer<Int>, capacity: Int
  ) {
    self.keys = keys
    self.indices = indices
    self.capacity = capacity
  }

  /// Calls `body` with an empty list of `capacity` entries in memory that lives for the call.
  @inlinable
  package static func withTemporary<R>(capacity: Int, _ body: (SmallestList) -> R) -> R {
    let keys = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
    let indices = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    defer {
      keys.deallocate()
      indices.deallocate()
    }
    let list = SmallestList(keys: keys, indices: indices, capacity: capacity)
    list.clear()
    return body(list)
  }

  /// Empties the list: every key `+∞`, every index −1.
  @inlinable
  package func clear() {
    keys.initialize(repeating: .infinity, count: capacity)
    indices.initialize(repeating: -1, count: capacity)
  }

  /// The largest key kept (`+∞` until the list is full).
  @inlinable @inline(__always) package var worst: Double { keys[capacity - 1] }

  /// Inserts `(key, index)`, which must be smaller than ``worst``, dropping the last entry.
  @inlinable @inline(__always)
  package func insert(_ key: Double, _ index: Int) {
    var position = capacity - 1
    while position > 0 && keys[position - 1] > key {
      keys[position] = keys[position - 1]
      indices[position] = indices[position - 1]
      position -= 1
    }
    keys[position] = key
    indices[position] = index
  }
}
