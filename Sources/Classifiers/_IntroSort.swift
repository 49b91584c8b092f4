// _IntroSort: sorting feature values together with their sample indices, the inner loop of the
// tree builder (introsort: median-of-three quicksort with three-way partitioning, heapsort
// when the recursion gets too deep, as scikit-learn's tree splitter sorts).

/// A feature value and the sample it belongs to, sorted together as one 8-byte element.
struct SortEntry {
  var value: Float
  var sample: Int32
}

/// Sorts `entries[0..<count]` by value, ascending.
///
/// Not stable; equal values end up adjacent, which is all the splitter needs.
/// - Complexity: O(count · log count) comparisons in the worst case.
func sortEntries(_ entries: UnsafeMutablePointer<SortEntry>, count: Int) {
  guard count > 1 else { return }
  var depthLimit = 0
  var size = count
  while size > 1 {
    depthLimit += 2
    size >>= 1
  }
  introSort(entries, count, depthLimit)
}

@inline(__always)
private func swapPair(_ entries: UnsafeMutablePointer<SortEntry>, _ i: Int, _ j: Int) {
  (entries[i], entries[j]) = (entries[j], entries[i])
}

/// The median of the first, middle and last values.
@inline(__always)
private func medianOfThree(_ entries: UnsafeMutablePointer<SortEntry>, _ count: Int) -> Float {
  let a = entries[0].value
  let b = entries[count / 2].value
  let c = entries[count - 1].value
  if a < b {
    if b < c { return b }
    return a < c ? c : a
  }
  if b < c { return a < c ? a : c }
  return b
}

private func introSort(_ entries: UnsafeMutablePointer<SortEntry>, _ count: Int, _ depthLimit: Int)
{
  var entries = entries
  var count = count
  var depthLimit = depthLimit
  while count > 1 {
    if count <= 16 {
      insertionSort(entries, count)
      return
    }
    if depthLimit <= 0 {
      heapSort(entries, count)
      return
    }
    depthLimit -= 1
    let pivot = medianOfThree(entries, count)
    // Three-way partition: [0, lower) < pivot, [lower, upper) == pivot, [upper, count) > pivot.
    var lower = 0
    var i = 0
    var upper = count
    while i < upper {
      let value = entries[i].value
      if value < pivot {
        swapPair(entries, i, lower)
        i += 1
        lower += 1
      } else if value > pivot {
        upper -= 1
        swapPair(entries, i, upper)
      } else {
        i += 1
      }
    }
    // Recurse into the smaller side, loop on the larger one.
    if lower < count - upper {
      introSort(entries, lower, depthLimit)
      entries += upper
      count -= upper
    } else {
      introSort(entries + upper, count - upper, depthLimit)
      count = lower
    }
  }
}

private func insertionSort(_ entries: UnsafeMutablePointer<SortEntry>, _ count: Int) {
  for i in 1..<count {
    let entry = entries[i]
    var j = i
    while j > 0 && entries[j - 1].value > entry.value {
      entries[j] = entries[j - 1]
      j -= 1
    }
    entries[j] = entry
  }
}

private func heapSort(_ entries: UnsafeMutablePointer<SortEntry>, _ count: Int) {
  func siftDown(_ start: Int, _ end: Int) {
    var root = start
    while true {
      var child = 2 * root + 1
      if child >= end { return }
      if child + 1 < end && entries[child].value < entries[child + 1].value { child += 1 }
      if entries[root].value >= entries[child].value { return }
      swapPair(entries, root, child)
      root = child
    }
  }
  var start = (count - 2) / 2
  while start >= 0 {
    siftDown(start, count)
    start -= 1
  }
  var end = count - 1
  while end > 0 {
    swapPair(entries, 0, end)
    siftDown(0, end)
    end -= 1
  }
}
