// DCRLError: every way fitting, predicting, saving or loading a DCRL model can fail.

import Clustering
import Distributed
import Manifold
import Tensor

/// Errors from the DCRL module, each naming the offending value and the constraint it broke.
public enum DCRLError: Error, CustomStringConvertible, Equatable {
  /// The data cannot be used (empty, non-finite, wrong feature count) or a configuration field
  /// is out of range; see ``DCRLConfiguration/validate()``.
  case input(InputError)
  /// k-means or the Gaussian mixture of a step (the centre initialisation, a baseline) rejected
  /// its data, such as fewer samples than clusters.
  case clustering(ClusteringError)
  /// t-SNE, UMAP or a neighbour search of a step rejected its data, such as a perplexity above
  /// the sample count.
  case manifold(ManifoldError)
  /// A loss term became NaN or infinite; training stopped (after the last good checkpoint).
  case nonFinite(epoch: Int, step: Int, term: String)
  /// A file could not be read or written.
  case io(path: String, reason: String)
  /// A saved model or checkpoint was written by another format version.
  case formatVersion(path: String, found: Int, expected: Int)
  /// The method cannot do this, such as predicting new samples with a transductive method.
  case unsupported(String)
  /// A collective of data-parallel training failed (another rank failed, or MPI did).
  case distributed(DistributedError)

  /// A readable description.
  public var description: String {
    switch self {
    case .input(let error): return error.description
    case .clustering(let error): return "clustering: \(error)"
    case .manifold(let error): return "manifold learning: \(error)"
    case .nonFinite(let epoch, let step, let term):
      return "training stopped: \(term) became non-finite at epoch \(epoch), step \(step)"
    case .io(let path, let reason): return "\(path): \(reason)"
    case .formatVersion(let path, let found, let expected):
      return "\(path) has format version \(found); this library reads version \(expected)"
    case .unsupported(let message): return "unsupported: \(message)"
    case .distributed(let error): return "data-parallel training: \(error)"
    }
  }
}

extension DCRLError: InputErrorWrapping {}

/// Runs `body`, turning its error into a ``DCRLError`` with `wrap`.
private func wrapping<T, Failure>(
  _ body: () throws(Failure) -> T, _ wrap: (Failure) -> DCRLError
) throws(DCRLError) -> T {
  do {
    return try body()
  } catch {
    throw wrap(error)
  }
}

/// Runs `body`, turning a ``ClusteringError`` into ``DCRLError/clustering(_:)``.
package func clustering<T>(_ body: () throws(ClusteringError) -> T) throws(DCRLError) -> T {
  try wrapping(body, DCRLError.clustering)
}

/// Runs `body`, turning a ``ManifoldError`` into ``DCRLError/manifold(_:)``.
package func manifold<T>(_ body: () throws(ManifoldError) -> T) throws(DCRLError) -> T {
  try wrapping(body, DCRLError.manifold)
}

/// Runs `body`, turning a ``DistributedError`` into ``DCRLError/distributed(_:)``.
func collective<T>(_ body: () throws(DistributedError) -> T) throws(DCRLError) -> T {
  try wrapping(body, DCRLError.distributed)
}
