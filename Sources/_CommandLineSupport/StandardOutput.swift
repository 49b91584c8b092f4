// StandardOutput: line-buffered standard output, so log files follow long runs as they go.

#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  @preconcurrency import Darwin
#endif

/// Makes standard output line-buffered even when it is a file or a pipe.
///
/// Call it once at the start of a command, before other threads write.
public func lineBufferStandardOutput() {
  setvbuf(stdout, nil, _IOLBF, 0)
}
