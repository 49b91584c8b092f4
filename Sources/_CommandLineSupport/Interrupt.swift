// Interrupt: turns Ctrl-C (SIGINT) and SIGTERM into a flag long-running commands poll, so they
// can finish the current epoch, write a checkpoint and exit cleanly.

import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private let interruptCount = Atomic<Int>(0)

/// A process-wide record of SIGINT/SIGTERM, for commands that stop gracefully.
public enum Interrupt {
  /// Installs handlers for SIGINT and SIGTERM, and unblocks both on the calling thread.
  ///
  /// The first signal sets ``requested``; a second one restores the default action, so pressing
  /// Ctrl-C twice still kills the process. A process inherits its parent's signal mask, and a
  /// parent that spawns it from a worker thread (Foundation's `Process` on a Dispatch thread,
  /// some supervisors) may have both blocked; unblocking them here, before any other thread
  /// starts, makes the signals reach the handler however the process was started.
  public static func install() {
    let handler: @convention(c) (Int32) -> Void = { signalNumber in
      let previous = interruptCount.wrappingAdd(1, ordering: .relaxed).oldValue
      if previous >= 1 { signal(signalNumber, SIG_DFL) }
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
  }

  /// Whether a SIGINT or SIGTERM has arrived since ``install()``.
  public static var requested: Bool { interruptCount.load(ordering: .relaxed) > 0 }
}
