// DistributedError: every failure of a communicator, named with what was asked and why.

/// An error of a ``Communicator``.
public enum DistributedError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The MPI library could not be opened or lacks a symbol; `install` says what provides it.
  case libraryUnavailable(library: String, reason: String, install: String)
  /// An MPI call returned an error code.
  case mpiFailure(function: String, code: Int, message: String)
  /// Another rank failed; this rank stops instead of waiting for it forever.
  case peerFailed(rank: Int, message: String)
  /// A collective was called with arguments that cannot work, such as a root outside the
  /// ranks, buffers of different lengths on different ranks, or more elements than MPI counts.
  case invalidArgument(name: String, value: String, constraint: String)

  /// A readable description.
  public var description: String {
    switch self {
    case .libraryUnavailable(let library, let reason, let install):
      return "\(library) is unavailable: \(reason). \(install)"
    case .mpiFailure(let function, let code, let message):
      return "\(function) failed with MPI error \(code): \(message)"
    case .peerFailed(let rank, let message):
      return "rank \(rank) failed: \(message)"
    case .invalidArgument(let name, let value, let constraint):
      return "invalid \(name) \(value): \(constraint)"
    }
  }
}
