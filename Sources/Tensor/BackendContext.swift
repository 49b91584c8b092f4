// BackendContext: the scoped default backend that tensor constructors use when given none.

/// The backend that tensor constructors use when no backend is passed.
///
/// It is ``CPUBackend/shared`` unless a caller scopes another one with ``withBackend(_:_:)``.
/// The default is task-local, not a mutable global: it applies to the closure (and the tasks
/// it starts) only.
public enum BackendContext {
  /// The backend for tensors created in the current scope.
  @TaskLocal public static var current: any Backend = CPUBackend.shared
}

/// Runs `body` with `backend` as the default for every tensor created inside it.
///
/// ```swift
/// let y = withBackend(ReferenceBackend.shared) { Tensor.ones([2, 3]) * 2 }
/// ```
public func withBackend<R>(_ backend: any Backend, _ body: () throws -> R) rethrows -> R {
  try BackendContext.$current.withValue(backend, operation: body)
}

/// Errors raised when a backend cannot be created.
public enum BackendError: Error, CustomStringConvertible, Equatable {
  /// The backend cannot run here; `library` is the shared library that was tried, if any.
  case unavailable(library: String?, reason: String)

  /// A readable description.
  public var description: String {
    switch self {
    case .unavailable(let library, let reason):
      if let library { return "backend unavailable: \(reason) (tried \(library))" }
      return "backend unavailable: \(reason)"
    }
  }
}
