// CollectiveScalar: the element types a communicator moves and reduces.

/// An element type the collectives of a ``Communicator`` accept.
public protocol CollectiveScalar: Numeric, Comparable, Sendable {
  /// The element's kind, which names its MPI datatype.
  static var collectiveKind: CollectiveKind { get }
}

/// The kinds of elements a collective moves.
public enum CollectiveKind: String, Sendable, Hashable, CaseIterable {
  /// `Float`.
  case float32
  /// `Double`.
  case float64
  /// `Int32`.
  case int32
  /// `Int64`.
  case int64
  /// `UInt8`.
  case uint8

  /// The Open MPI object exported for this datatype (`ompi_mpi_float`, ...).
  var mpiSymbol: String {
    switch self {
    case .float32: return "ompi_mpi_float"
    case .float64: return "ompi_mpi_double"
    case .int32: return "ompi_mpi_int"
    case .int64: return "ompi_mpi_int64_t"
    case .uint8: return "ompi_mpi_byte"
    }
  }
}

extension Float: CollectiveScalar {
  /// `.float32`.
  public static var collectiveKind: CollectiveKind { .float32 }
}
extension Double: CollectiveScalar {
  /// `.float64`.
  public static var collectiveKind: CollectiveKind { .float64 }
}
extension Int32: CollectiveScalar {
  /// `.int32`.
  public static var collectiveKind: CollectiveKind { .int32 }
}
extension Int64: CollectiveScalar {
  /// `.int64`.
  public static var collectiveKind: CollectiveKind { .int64 }
}
extension UInt8: CollectiveScalar {
  /// `.uint8`.
  public static var collectiveKind: CollectiveKind { .uint8 }
}
