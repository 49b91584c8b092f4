// DistributedLaunch: the communicator a process was started for, read from what mpirun and
// srun put in the environment.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How this process was started: alone, or as one rank of an `mpirun` / `srun` job.
public enum DistributedLaunch {
  /// The number of ranks the launcher started, from `OMPI_COMM_WORLD_SIZE` (Open MPI's
  /// `mpirun`), `PMI_SIZE` / `PMIX_SIZE`, or `SLURM_NTASKS` inside a Slurm job step; `nil` when
  /// none is set.
  public static var launchedRanks: Int? {
    func value(_ name: String) -> Int? { getenv(name).flatMap { Int(String(cString: $0)) } }
    if let size = value("OMPI_COMM_WORLD_SIZE") ?? value("PMI_SIZE") ?? value("PMIX_SIZE") {
      return size
    }
    if getenv("SLURM_STEP_ID") != nil, let size = value("SLURM_NTASKS") { return size }
    return nil
  }

  /// A ``SingleProcessCommunicator`` for a process started alone (or as a job of one rank), and
  /// ``MPICommunicator/shared(libraryPath:)`` for one rank of several.
  ///
  /// - Throws: ``DistributedError/libraryUnavailable(library:reason:install:)`` naming libmpi
  ///   and the packages to install when several ranks were launched and MPI cannot be opened.
  public static func communicator() throws(DistributedError) -> any Communicator {
    guard let ranks = launchedRanks, ranks > 1 else { return SingleProcessCommunicator() }
    return try MPICommunicator.shared()
  }
}
