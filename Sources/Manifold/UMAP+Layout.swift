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
  /// With `tail == nil` the points are laid out against themselves and both ends of an edge
  /// move (a fit); otherwise only the head points move against the fixed `tail` (a
  /// transform). Edges are processed in fixed chunks with their own random streams (seeded by
  /// `seed`, epoch and chunk); with more than one thread the chunks run concurrently and their
  /// updates race, as umap-learn's parallel mode does.
  func optimize(
    head: inout [Float], tail fixedTail: [Float]?, dimensions dims: Int, epochs: Int,
    curve: UMAPConfiguration.Curve, learningRate: Double, negativeSampleRate: Int,
    repulsion gamma: Double, seed: UInt64, threads: Int
  ) {
    let edges = heads.count
    guard edges > 0 else { return }
    let (a, b) = (Float(curve.a), Float(curve.b))
    let gamma = Float(gamma)
    var nextSample = epochsPerSample
    let perNegative = epochsPerSample.map { $0 / Double(max(negativeSampleRate, 1)) }
    var nextNegative = perNegative
    let vertices = (fixedTail?.count ?? head.count) / dims
    let chunks = chunkRanges(edges, chunkSize: 8192)
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
                      forEachChunk(chunks.count, threads: threads) { chunk in
                        var rng = Xoshiro256(
                          seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(chunk)
                            &* 0xD1B5_4A32_D192_ED03)
                        for e in chunks[chunk] where nextSample[e] <= n {
                          let j = Int(heads[e])
                          let k = Int(tails[e])
                          let y = current + j * dims
                          var z = other + k * dims
                          var d2: Float = 0
                          for c in 0..<dims { d2 += (y[c] - z[c]) * (y[c] - z[c]) }
                          if d2 > 0 {
                            let powered = powf(d2, b - 1)
                            let coefficient = -2 * a * b * powered / (a * powered * d2 + 1)
                            for c in 0..<dims {
                              let g = min(4, max(-4, coefficient * (y[c] - z[c])))
                              y[c] += g * alpha
                              if moveOther { z[c] -= g * alpha }
                            }
                          }
                          nextSample[e] += perSample[e]
                          let negatives =
                            negativeSampleRate == 0
                            ? 0 : Int((n - nextNegative[e]) / perNegative[e])
                          for _ in 0..<max(0, negatives) {
                            let sampled = Int(rng.next(upperBound: UInt64(vertices)))
                            z = other + sampled * dims
                            var d2: Float = 0
                            for c in 0..<dims { d2 += (y[c] - z[c]) * (y[c] - z[c]) }
                            if d2 > 0 {
                              let coefficient =
                                2 * gamma * b / ((0.001 + d2) * (a * powf(d2, b) + 1))
                              for c in 0..<dims {
                                y[c] += min(4, max(-4, coefficient * (y[c] - z[c]))) * alpha
                              }
                            }
                          }
                          nextNegative[e] += Double(max(0, negatives)) * perNegative[e]
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
