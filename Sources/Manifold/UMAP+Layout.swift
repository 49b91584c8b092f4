// UMAP+Layout: the SGD that lays the fuzzy graph out, with negative sampling.

import Foundation
import Tensor

/// The edges of a fuzzy graph scheduled for SGD, and umap-learn's optimisation loop
/// (`optimize_layout_euclidean`).
struct UMAPLayout {
  /// Edge endpoints: `heads` move towards `tails`.
  let heads: [Int32]
  let tails: [Int32]
  /// `epochs / (epochs · w / max w)`: how many epochs pass between two samples of an edge.
  let epochsPerSample: [Double]

  /// Schedules the edges of `graph` for `epochs` epochs after dropping those weaker than
  /// `max w / epochs` (which would never be sampled).
  init(graph: SparseMatrix, epochs: Int) {
    let largest = graph.values.max() ?? 0
    var heads: [Int32] = []
    var tails: [Int32] = []
    var perSample: [Double] = []
    for row in 0..<graph.rowCount {
      for k in graph.rowOffsets[row]..<graph.rowOffsets[row + 1] {
        let w = graph.values[k]
        guard w >= largest / Double(epochs), w > 0 else { continue }
        heads.append(Int32(row))
        tails.append(graph.columnIndices[k])
        perSample.append(Double(epochs) / (Double(epochs) * (w / largest)))
      }
    }
    self.heads = heads
    self.tails = tails
    epochsPerSample = perSample
  }

  /// Runs `epochs` epochs of SGD on `head` positions (row-major, `dims` per point), attracting
  /// along the edges and repelling from `negativeSampleRate` random points of `tail` per
  /// attraction; gradients are clipped to ±4 per coordinate and the step size decays linearly
  /// from `learningRate` to 0, as in umap-learn.
  ///
  /// One difference from umap-learn's loop: the attraction of a sampled edge and its negative
  /// samples are all evaluated at the positions before the step, their clipped steps (at most
  /// ±4·α each, as there) are added, and the head and tail move once at the end (umap-learn
  /// moves the head after each term). The terms are then independent, and
  /// ``EdgeStep/run(edge:dims:schedule:nextSample:nextNegative:scratch:rng:)`` overlaps them
  /// instead of waiting on one `pow` after another. `reference` runs the plain scalar twin of
  /// the same update, ``EdgeStep/runReference(edge:dims:schedule:nextSample:nextNegative:rng:)``.
  ///
  /// With `tail == nil` the points are laid out against themselves and both ends of an edge
  /// move (a fit); otherwise only the head points move against the fixed `tail` (a
  /// transform). Edges are processed in fixed chunks with their own random streams (seeded by
  /// `seed`, epoch and chunk); with more than one thread the chunks run concurrently and their
  /// updates race, as umap-learn's parallel mode does.
  func optimize(
    head: inout [Float], tail fixedTail: [Float]?, dimensions dims: Int, epochs: Int,
    curve: UMAP.Configuration.Curve, learningRate: Double, negativeSampleRate: Int,
    repulsion gamma: Double, seed: UInt64, threads: Int, reference: Bool = false
  ) {
    let edges = heads.count
    guard edges > 0 else { return }
    let (a, b) = (Float(curve.a), Float(curve.b))
    let gamma = Float(gamma)
    var nextSample = epochsPerSample
    let perNegative = epochsPerSample.map { $0 / Double(max(negativeSampleRate, 1)) }
    var nextNegative = perNegative
    let vertices = (fixedTail?.count ?? head.count) / dims
    var tailCopy = fixedTail ?? []
    head.withUnsafeMutableBufferPointer { headBuffer in
      tailCopy.withUnsafeMutableBufferPointer { tailBuffer in
        nextSample.withUnsafeMutableBufferPointer { nextSample in
          nextNegative.withUnsafeMutableBufferPointer { nextNegative in
            heads.withUnsafeBufferPointer { heads in
              tails.withUnsafeBufferPointer { tails in
                epochsPerSample.withUnsafeBufferPointer { perSample in
                  perNegative.withUnsafeBufferPointer { perNegative in
                    let current = headBuffer.baseAddress!
                    let other = fixedTail == nil ? current : tailBuffer.baseAddress!
                    let moveOther = fixedTail == nil
                    let (nextSample, nextNegative) = (nextSample, nextNegative)
                    for epoch in 0..<epochs {
                      let alpha = Float(learningRate * (1 - Double(epoch) / Double(epochs)))
                      let n = Double(epoch)
                      forEachChunk(of: edges, chunkSize: 8192, threads: threads) {
                        chunk, edges in
                        var rng = Xoshiro256(
                          seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(chunk)
                            &* 0xD1B5_4A32_D192_ED03)
                        let step = UMAPLayout.EdgeStep(
                          a: a, b: b, gamma: gamma, alpha: alpha, epoch: n,
                          negativeSampleRate: negativeSampleRate, vertices: vertices,
                          current: current, other: other, moveOther: moveOther)
                        let schedule = Schedule(
                          heads: heads, tails: tails, perSample: perSample,
                          perNegative: perNegative)
                        let scratch = Scratch(dimensions: dims)
                        defer { scratch.deallocate() }
                        if reference {
                          for e in edges where nextSample[e] <= n {
                            step.runReference(
                              edge: e, dims: dims, schedule: schedule, nextSample: nextSample,
                              nextNegative: nextNegative, rng: &rng)
                          }
                        } else if dims == 2 {
                          // A literal lets the compiler unroll every coordinate loop.
                          for e in edges where nextSample[e] <= n {
                            step.run(
                              edge: e, dims: 2, schedule: schedule, nextSample: nextSample,
                              nextNegative: nextNegative, scratch: scratch, rng: &rng)
                          }
                        } else {
                          for e in edges where nextSample[e] <= n {
                            step.run(
                              edge: e, dims: dims, schedule: schedule, nextSample: nextSample,
                              nextNegative: nextNegative, scratch: scratch, rng: &rng)
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The edge arrays the SGD reads.
  struct Schedule {
    let heads: UnsafeBufferPointer<Int32>
    let tails: UnsafeBufferPointer<Int32>
    let perSample: UnsafeBufferPointer<Double>
    let perNegative: UnsafeBufferPointer<Double>
  }

  /// Per-chunk working memory of ``EdgeStep/run(edge:dims:schedule:nextSample:nextNegative:scratch:rng:)``.
  struct Scratch {
    static let capacity = 16
    let offsets: UnsafeMutablePointer<Int>
    let distances: UnsafeMutablePointer<Float>
    let coefficients: UnsafeMutablePointer<Float>
    let step: UnsafeMutablePointer<Float>
    let tailStep: UnsafeMutablePointer<Float>

    init(dimensions: Int) {
      offsets = .allocate(capacity: Scratch.capacity)
      distances = .allocate(capacity: Scratch.capacity)
      coefficients = .allocate(capacity: Scratch.capacity)
      step = .allocate(capacity: dimensions)
      tailStep = .allocate(capacity: dimensions)
    }

    func deallocate() {
      for pointer in [distances, coefficients, step, tailStep] { pointer.deallocate() }
      offsets.deallocate()
    }
  }

  /// One SGD update for one scheduled edge: its attraction and its due negative samples, all
  /// evaluated at the positions before the update.
  struct EdgeStep {
    let a: Float
    let b: Float
    let gamma: Float
    let alpha: Float
    let epoch: Double
    let negativeSampleRate: Int
    let vertices: Int
    let current: UnsafeMutablePointer<Float>
    let other: UnsafeMutablePointer<Float>
    let moveOther: Bool

    /// How many negative samples edge `e` is due this epoch (umap-learn's count).
    @inline(__always)
    func dueNegatives(_ e: Int, _ s: Schedule, _ nextNegative: UnsafeMutableBufferPointer<Double>)
      -> Int
    {
      negativeSampleRate == 0 ? 0 : max(0, Int((epoch - nextNegative[e]) / s.perNegative[e]))
    }

    /// The update with ``fastPower(_:_:)``: the edge's tail (attraction) and its negative
    /// samples (repulsion) are taken in groups of up to 16 terms, each group's distances and
    /// coefficients computed in straight loops over independent terms, which the processor
    /// overlaps (umap-learn's one-term-at-a-time chain waits on every `pow`).
    @inline(__always)
    func run(
      edge e: Int, dims: Int, schedule s: Schedule, nextSample: UnsafeMutableBufferPointer<Double>,
      nextNegative: UnsafeMutableBufferPointer<Double>, scratch: Scratch, rng: inout Xoshiro256
    ) {
      let y = current + Int(s.heads[e]) * dims
      let tailOffset = Int(s.tails[e]) * dims
      let negatives = dueNegatives(e, s, nextNegative)
      for c in 0..<dims { scratch.step[c] = 0 }
      var remaining = negatives
      var first = true
      while first || remaining > 0 {
        var count = 0
        if first {
          scratch.offsets[0] = tailOffset
          count = 1
        }
        while count < Scratch.capacity && remaining > 0 {
          scratch.offsets[count] = Int(rng.next(upperBound: UInt64(vertices))) * dims
          count += 1
          remaining -= 1
        }
        for l in 0..<count {
          let z = other + scratch.offsets[l]
          var d2: Float = 0
          for c in 0..<dims { d2 += (y[c] - z[c]) * (y[c] - z[c]) }
          scratch.distances[l] = d2
        }
        for l in 0..<count {
          let d2 = scratch.distances[l]
          let powered = fastPower(d2, b)
          scratch.coefficients[l] =
            d2 > 0
            ? (first && l == 0
              ? -2 * a * b * (powered / d2) / (a * powered + 1)
              : 2 * gamma * b / ((0.001 + d2) * (a * powered + 1))) : 0
        }
        for l in 0..<count {
          let z = other + scratch.offsets[l]
          let coefficient = scratch.coefficients[l]
          for c in 0..<dims {
            let g = min(4, max(-4, coefficient * (y[c] - z[c])))
            scratch.step[c] += g
            if first && l == 0 { scratch.tailStep[c] = g }
          }
        }
        first = false
      }
      for c in 0..<dims { y[c] += scratch.step[c] * alpha }
      if moveOther {
        let z = other + tailOffset
        for c in 0..<dims { z[c] -= scratch.tailStep[c] * alpha }
      }
      nextSample[e] += s.perSample[e]
      nextNegative[e] += Double(negatives) * s.perNegative[e]
    }

    /// The plain scalar twin of ``run(edge:dims:schedule:nextSample:nextNegative:scratch:rng:)``:
    /// the same update with `powf` and one term at a time.
    func runReference(
      edge e: Int, dims: Int, schedule s: Schedule, nextSample: UnsafeMutableBufferPointer<Double>,
      nextNegative: UnsafeMutableBufferPointer<Double>, rng: inout Xoshiro256
    ) {
      let y = current + Int(s.heads[e]) * dims
      let start = (0..<dims).map { y[$0] }
      var step = [Float](repeating: 0, count: dims)
      var tailStep = [Float](repeating: 0, count: dims)
      let negatives = dueNegatives(e, s, nextNegative)
      var points = [Int(s.tails[e])]
      for _ in 0..<negatives { points.append(Int(rng.next(upperBound: UInt64(vertices)))) }
      for (index, point) in points.enumerated() {
        let z = other + point * dims
        var d2: Float = 0
        for c in 0..<dims { d2 += (start[c] - z[c]) * (start[c] - z[c]) }
        guard d2 > 0 else { continue }
        let powered = referencePower(d2, b)
        let coefficient =
          index == 0
          ? -2 * a * b * (powered / d2) / (a * powered + 1)
          : 2 * gamma * b / ((0.001 + d2) * (a * powered + 1))
        for c in 0..<dims {
          let g = min(4, max(-4, coefficient * (start[c] - z[c])))
          step[c] += g
          if index == 0 { tailStep[c] = g }
        }
      }
      for c in 0..<dims { y[c] += step[c] * alpha }
      if moveOther {
        let z = other + Int(s.tails[e]) * dims
        for c in 0..<dims { z[c] -= tailStep[c] * alpha }
      }
      nextSample[e] += s.perSample[e]
      nextNegative[e] += Double(negatives) * s.perNegative[e]
    }
  }
}
