// _IntroSort: sorting feature values together with their sample indices, the inner loop of the
// tree builder (introsort: median-of-three quicksort with three-way partitioning, heapsort
// when the recursion gets too deep, as scikit-learn's tree splitter sorts).

/// Sorts `values[0..<count]` ascending and applies the same permutation to `samples`.
///
/// Not stable; equal values end up adjacent, which is all the splitter needs.
/// - Complexity: O(count · log count) comparisons in the worst case.
func sortTogether(
  _ values: UnsafeMutablePointer<Float>, _ samples: UnsafeMutablePointer<Int32>, count: Int
) {
  guard count > 1 else { return }
  var depthLimit = 0
  var size = count
  while size > 1 {
    depthLimit += 2
    size >>= 1
  }
  introSort(values, samples, count, depthLimit)
}

@inline(__always)
private func swapPair(
  _ values: UnsafeMutablePointer<Float>, _ samples: UnsafeMutablePointer<Int32>, _ i: Int,
  _ j: Int
) {
  (values[i], values[j]) = (values[j], values[i])
  (samples[i], samples[j]) = (samples[j], samples[i])
}

/// The median of the first, middle and last values.
@inline(__always)
private func medianOfThree(_ values: UnsafeMutablePointer<Float>, _ count: Int) -> Float {
  let a = values[0]
  let b = values[count / 2]
  let c = values[count - 1]
  if a < b {
    if b < c { return b }
    return a < c ? c : a
  }
  if b < c { return a < c ? a : c }
  return b
}

private func introSort(
  _ values: UnsafeMutablePointer<Float>, _ samples: UnsafeMutablePointer<Int32>, _ count: Int,
  _ depthLimit: Int
) {
  var values = values
  var samples = samples
  var count = count
  var depthLimit = depthLimit
  while count > 1 {
    if count <= 16 {
      insertionSort(values, samples, count)
      return
    }
    if depthLimit <= 0 {
      heapSort(values, samples, count)
      return
    }
    depthLimit -= 1
    let pivot = medianOfThree(values, count)
    // Three-way partition: [0, lower) < pivot, [lower, upper) == pivot, [upper, count) > pivot.
    var lower = 0
    var i = 0
    var upper = count
    while i < upper {
      if values[i] < pivot {
        swapPair(values, samples, i, lower)
        i += 1
        lower += 1
      } else if values[i] > pivot {
        upper -= 1
        swapPair(values, samples, i, upper)
      } else {
        i += 1
      }
    }
    // Recurse into the smaller side, loop on the larger one.
    if lower < count - upper {
      introSort(values, samples, lower, depthLimit)
      values += upper
      samples += upper
      count -= upper
    } else {
      introSort(values + upper, samples + upper, count - upper, depthLimit)
      count = lower
    }
  }
}

private func insertionSort(
  _ values: UnsafeMutablePointer<Float>, _ samples: UnsafeMutablePointer<Int32>, _ count: Int
) {
  for i in 1..<count {
    let value = values[i]
    let sample = samples[i]
    var j = i
    while j > 0 && values[j - 1] > value {
      values[j] = values[j - 1]
      samples[j] = samples[j - 1]
      j -= 1
    }
    values[j] = value
    samples[j] = sample
  }
}

private func heapSort(
  _ values: UnsafeMutablePointer<Float>, _ samples: UnsafeMutablePointer<Int32>, _ count: Int
) {
  func siftDown(_ start: Int, _ end: Int) {
    var root = start
    while true {
      var child = 2 * root + 1
      if child >= end { return }
      if child + 1 < end && values[child] < values[child + 1] { child += 1 }
      if values[root] >= values[child] { return }
      swapPair(values, samples, root, child)
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
    swapPair(values, samples, 0, end)
    siftDown(0, end)
    end -= 1
  }
}
