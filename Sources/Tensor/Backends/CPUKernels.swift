// CPUKernels: the CPU backend's element-wise, reduction, row and Adam loops.
//
// Each operation is a small functor type, and each loop is generic over the functor, so the
// optimiser emits one specialised, vectorised loop per (operation, layout) instead of a switch
// inside the loop.

/// One element-wise operation on one operand.
protocol UnaryFunctor<Element> {
  associatedtype Element: HostFloat
  func callAsFunction(_ x: Element) -> Element
}

/// One element-wise operation on two operands.
protocol BinaryFunctor<Element> {
  associatedtype Element: HostFloat
  func callAsFunction(_ a: Element, _ b: Element) -> Element
}

/// Any ``UnaryOp`` as a functor; used for the operations that call libm anyway.
struct GenericUnary<Element: HostFloat>: UnaryFunctor {
  let op: UnaryOp
  @inline(__always) func callAsFunction(_ x: Element) -> Element { op.apply(x) }
}

struct AffineUnary<Element: HostFloat>: UnaryFunctor {
  let scale: Element
  let shift: Element
  @inline(__always) func callAsFunction(_ x: Element) -> Element { x * scale + shift }
}

struct NegateUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { -x }
}

struct SquareUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { x * x }
}

struct SqrtUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { x.squareRoot() }
}

struct ReciprocalUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { 1 / x }
}

struct AbsUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { Swift.abs(x) }
}

struct ReLUUnary<Element: HostFloat>: UnaryFunctor {
  @inline(__always) func callAsFunction(_ x: Element) -> Element { x > 0 ? x : 0 }
}

struct ClampUnary<Element: HostFloat>: UnaryFunctor {
  let lower: Element
  let upper: Element
  @inline(__always) func callAsFunction(_ x: Element) -> Element {
    Swift.min(Swift.max(x, lower), upper)
  }
}

struct AddBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element { a + b }
}

struct SubtractBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element { a - b }
}

struct MultiplyBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element { a * b }
}

struct DivideBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element { a / b }
}

struct MaximumBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element {
    Swift.max(a, b)
  }
}

struct MinimumBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element {
    Swift.min(a, b)
  }
}

struct ReLUGradientBinary<Element: HostFloat>: BinaryFunctor {
  @inline(__always) func callAsFunction(_ a: Element, _ b: Element) -> Element { b > 0 ? a : 0 }
}

/// The CPU loops for one element type.
enum CPUKernels<T: HostFloat> {
  typealias Pointer = UnsafeMutablePointer<T>

  // MARK: Unary

  static func unary(_ op: UnaryOp, _ x: Pointer, _ out: Pointer, _ count: Int) {
    switch op {
    case .negate: map(NegateUnary<T>(), x, out, count)
    case .square: map(SquareUnary<T>(), x, out, count)
    case .sqrt: map(SqrtUnary<T>(), x, out, count)
    case .reciprocal: map(ReciprocalUnary<T>(), x, out, count)
    case .abs: map(AbsUnary<T>(), x, out, count)
    case .relu: map(ReLUUnary<T>(), x, out, count)
    case .addScalar(let value): map(AffineUnary<T>(scale: 1, shift: T(value)), x, out, count)
    case .multiplyScalar(let value): map(AffineUnary<T>(scale: T(value), shift: 0), x, out, count)
    case .clamp(let lower, let upper):
      map(ClampUnary<T>(lower: T(lower), upper: T(upper)), x, out, count)
    case .powScalar(2): map(SquareUnary<T>(), x, out, count)
    case .powScalar(0.5): map(SqrtUnary<T>(), x, out, count)
    case .powScalar(-1): map(ReciprocalUnary<T>(), x, out, count)
    default: map(GenericUnary<T>(op: op), x, out, count)
    }
  }

  @inline(__always)
  static func map<F: UnaryFunctor>(_ f: F, _ x: Pointer, _ out: Pointer, _ count: Int)
  where F.Element == T {
    for i in 0..<count { out[i] = f(x[i]) }
  }

  // MARK: Binary

  static func binary(
    _ op: BinaryOp, _ a: Pointer, _ aLayout: Broadcast, _ b: Pointer, _ bLayout: Broadcast,
    _ out: Pointer, _ rows: Int, _ columns: Int
  ) {
    switch op {
    case .add: zip(AddBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .subtract: zip(SubtractBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .multiply: zip(MultiplyBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .divide: zip(DivideBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .maximum: zip(MaximumBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .minimum: zip(MinimumBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    case .reluGradient:
      zip(ReLUGradientBinary<T>(), a, aLayout, b, bLayout, out, rows, columns)
    }
  }

  /// Applies `f` with the loop shape that suits the two layouts; every branch is a unit-stride
  /// inner loop over columns, except the rare broadcast pairs that fall through to indexing.
  static func zip<F: BinaryFunctor>(
    _ f: F, _ a: Pointer, _ aLayout: Broadcast, _ b: Pointer, _ bLayout: Broadcast,
    _ out: Pointer, _ rows: Int, _ columns: Int
  ) where F.Element == T {
    switch (aLayout, bLayout) {
    case (.full, .full):
      for i in 0..<rows * columns { out[i] = f(a[i], b[i]) }
    case (.full, .scalar):
      let s = b[0]
      for i in 0..<rows * columns { out[i] = f(a[i], s) }
    case (.scalar, .full):
      let s = a[0]
      for i in 0..<rows * columns { out[i] = f(s, b[i]) }
    case (.full, .row), (.scalar, .row):
      for r in 0..<rows {
        let o = out + r * columns
        if aLayout == .full {
          let x = a + r * columns
          for c in 0..<columns { o[c] = f(x[c], b[c]) }
        } else {
          let s = a[0]
          for c in 0..<columns { o[c] = f(s, b[c]) }
        }
      }
    case (.row, .full), (.row, .scalar):
      for r in 0..<rows {
        let o = out + r * columns
        if bLayout == .full {
          let y = b + r * columns
          for c in 0..<columns { o[c] = f(a[c], y[c]) }
        } else {
          let s = b[0]
          for c in 0..<columns { o[c] = f(a[c], s) }
        }
      }
    case (.full, .column):
      for r in 0..<rows {
        let o = out + r * columns
        let x = a + r * columns
        let s = b[r]
        for c in 0..<columns { o[c] = f(x[c], s) }
      }
    case (.column, .full):
      for r in 0..<rows {
        let o = out + r * columns
        let y = b + r * columns
        let s = a[r]
        for c in 0..<columns { o[c] = f(s, y[c]) }
      }
    default:
      for r in 0..<rows {
        for c in 0..<columns {
          out[r * columns + c] = f(
            a[aLayout.index(row: r, column: c, columns: columns)],
            b[bLayout.index(row: r, column: c, columns: columns)])
        }
      }
    }
  }

  // MARK: Reductions

  static func reduce(
    _ op: ReduceOp, _ x: Pointer, _ outer: Int, _ length: Int, _ inner: Int, _ out: Pointer
  ) {
    if op != .sum { precondition(length > 0, "reduce(\(op)): cannot reduce an empty axis") }
    for o in 0..<outer {
      let block = x + o * length * inner
      let result = out + o * inner
      if inner == 1 {
        result[0] = reduceContiguous(op, block, length)
        continue
      }
      switch op {
      case .sum:
        result.update(repeating: 0, count: inner)
        for l in 0..<length {
          let row = block + l * inner
          for i in 0..<inner { result[i] += row[i] }
        }
      case .max, .min:
        result.update(from: block, count: inner)
        for l in 1..<length {
          let row = block + l * inner
          if op == .max {
            for i in 0..<inner where row[i] > result[i] || result[i].isNaN { result[i] = row[i] }
          } else {
            for i in 0..<inner where row[i] < result[i] || result[i].isNaN { result[i] = row[i] }
          }
        }
      case .argmax, .argmin:
        for i in 0..<inner {
          var best = block[i]
          var bestIndex = 0
          for l in 1..<length {
            let value = block[l * inner + i]
            let better = op == .argmax ? value > best : value < best
            if better || (best.isNaN && !value.isNaN) {
              best = value
              bestIndex = l
            }
          }
          result[i] = T(bestIndex)
        }
      }
    }
  }

  /// Reduces `count` contiguous elements; sums use 16 lanes so the loop vectorises.
  static func reduceContiguous(_ op: ReduceOp, _ x: Pointer, _ count: Int) -> T {
    switch op {
    case .sum:
      var lanes = SIMD16<T>()
      var i = 0
      let raw = UnsafeRawPointer(x)
      while i + 16 <= count {
        lanes += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD16<T>.self)
        i += 16
      }
      var total = lanes.sum()
      while i < count {
        total += x[i]
        i += 1
      }
      return total
    case .max, .min, .argmax, .argmin:
      var best = x[0]
      var bestIndex = 0
      let wantsMax = op == .max || op == .argmax
      for l in 1..<Swift.max(count, 1) {
        let value = x[l]
        if (wantsMax ? value > best : value < best) || (best.isNaN && !value.isNaN) {
          best = value
          bestIndex = l
        }
      }
      return op == .max || op == .min ? best : T(bestIndex)
    }
  }

  // MARK: Rows

  static func scatterAdd(_ source: Pointer, _ indices: [Int], _ rowLength: Int, _ out: Pointer) {
    for (row, index) in indices.enumerated() {
      let s = source + row * rowLength
      let o = out + index * rowLength
      for c in 0..<rowLength { o[c] += s[c] }
    }
  }

  // MARK: Adam

  /// `torch.optim.Adam`'s update (see ``AdamStep``) fused into one pass over the four buffers.
  static func adam(
    _ p: Pointer, _ g: Pointer, _ m: Pointer, _ v: Pointer, _ count: Int, _ h: AdamStep
  ) {
    let beta1 = T(h.beta1)
    let beta2 = T(h.beta2)
    let oneMinusBeta1 = 1 - beta1
    let oneMinusBeta2 = 1 - beta2
    let biasCorrection1 = 1 - T.power(beta1, T(h.step))
    let biasCorrection2 = 1 - T.power(beta2, T(h.step))
    let stepSize = T(h.learningRate) / biasCorrection1
    let inverseRoot = 1 / biasCorrection2.squareRoot()
    let epsilon = T(h.epsilon)
    let decay = T(h.weightDecay)
    if decay == 0 {
      for i in 0..<count {
        let grad = g[i]
        let mi = m[i] * beta1 + oneMinusBeta1 * grad
        let vi = v[i] * beta2 + oneMinusBeta2 * grad * grad
        m[i] = mi
        v[i] = vi
        p[i] -= stepSize * (mi / (vi.squareRoot() * inverseRoot + epsilon))
      }
    } else {
      for i in 0..<count {
        let grad = g[i] + decay * p[i]
        let mi = m[i] * beta1 + oneMinusBeta1 * grad
        let vi = v[i] * beta2 + oneMinusBeta2 * grad * grad
        m[i] = mi
        v[i] = vi
        p[i] -= stepSize * (mi / (vi.squareRoot() * inverseRoot + epsilon))
      }
    }
  }
}
