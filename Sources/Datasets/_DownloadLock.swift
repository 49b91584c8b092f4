// _DownloadLock: an advisory lock beside a file being downloaded, so that two processes (or
// threads) filling the same cache never write the same partial file.

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive `flock` on `<file>.lock`, removed on release.
///
/// A waiter that obtains the lock after its holder removed the file has locked a file nobody
/// else can see, so it compares the locked file with the one at the path and starts again when
/// they differ.
struct DownloadLock {
  private let descriptor: Int32
  private let path: String

  /// Waits for the lock of `destination`; `nil` when the lock file cannot be created (the
  /// download then goes ahead unlocked).
  init?(for destination: URL) {
    path = destination.path + ".lock"
    while true {
      let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else { return nil }
      var result: Int32
      repeat { result = flock(descriptor, LOCK_EX) } while result != 0 && errno == EINTR
      guard result == 0 else {
        close(descriptor)
        return nil
      }
      var locked = stat()
      var current = stat()
      if fstat(descriptor, &locked) == 0, stat(path, &current) == 0,
        locked.st_ino == current.st_ino, locked.st_dev == current.st_dev
      {
        self.descriptor = descriptor
        return
      }
      close(descriptor)
    }
  }

  /// Removes the lock file and releases the lock.
  func release() {
    unlink(path)
    close(descriptor)
  }
}
