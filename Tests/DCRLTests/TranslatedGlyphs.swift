// A synthetic mixture on which raw k-means fails the way it fails on digits: ten classes of
// small images that differ in shape, each drawn at a random translation.

import Foundation
import Tensor

/// Ten classes of `side × side` images: each class is three Gaussian blobs at fixed random
/// positions, and each sample draws the class's pattern shifted by up to `shift` pixels in each
/// direction, with a random blob width in [1, 1.6), clipped to 1, plus N(0, 0.05²) pixel noise.
///
/// Translation moves most of an image's mass, so in pixel space two shifted copies of one class
/// are often farther apart than images of different classes at the same place; k-means on the
/// pixels then groups by position more than by class, while methods that learn codes (or a
/// neighbour graph) recover more of the classes. Labels cycle `0, 1, …, 9, 0, …`.
func translatedGlyphs(perCluster: Int, seed: UInt64, shift: Double = 2.5, side: Int = 16) -> (
  x: Tensor, labels: [Int]
) {
  var rng = Xoshiro256(seed: seed)
  let clusters = 10
  var prototypes: [[(y: Double, x: Double)]] = []
  for _ in 0..<clusters {
    prototypes.append(
      (0..<3).map { _ in (4 + 8 * rng.nextUnitDouble(), 4 + 8 * rng.nextUnitDouble()) })
  }
  let n = clusters * perCluster
  let pixels = side * side
  var values = [Float](repeating: 0, count: n * pixels)
  var labels: [Int] = []
  for index in 0..<n {
    let c = index % clusters
    labels.append(c)
    let dy = shift * (2 * rng.nextUnitDouble() - 1)
    let dx = shift * (2 * rng.nextUnitDouble() - 1)
    let width = 1.0 + 0.6 * rng.nextUnitDouble()
    for y in 0..<side {
      for x in 0..<side {
        var v = 0.0
        for blob in prototypes[c] {
          let (ey, ex) = (Double(y) - blob.y - dy, Double(x) - blob.x - dx)
          v += exp(-(ey * ey + ex * ex) / (2 * width * width))
        }
        values[index * pixels + y * side + x] = Float(min(v, 1) + 0.05 * rng.nextStandardNormal())
      }
    }
  }
  return (Tensor(values, shape: [n, pixels]), labels)
}
