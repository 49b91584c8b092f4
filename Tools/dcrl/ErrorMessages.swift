// ErrorMessages: how a command ends when it fails — one line on standard error, and an exit
// status that says what kind of failure it was (0 success, 1 failure, 2 usage, 130 interrupted).

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The exit statuses `dcrl` returns, as `--help` states them.
let exitStatusHelp = """
  exit status: 0 success; 1 failure (unreadable or invalid data, files that cannot be written,
  a training error, ACC below --expect-acc); 2 usage error (a flag or its value; outputs that
  exist without --force); 130 interrupted (the checkpoint is written; resume continues it)
  """

/// A command that failed for a reason its message states completely (exit status 1).
struct CommandFailure: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }
}

/// The system's reason for a file error, in a few words ("permission denied", "read-only file
/// system"), without Foundation's wording around it.
func systemReason(_ error: any Error) -> String {
  let error = error as NSError
  if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
  if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
    underlying.domain == NSPOSIXErrorDomain
  {
    return String(cString: strerror(Int32(underlying.code)))
  }
  guard error.domain == NSCocoaErrorDomain else { return oneLine("\(error)") }
  switch CocoaError.Code(rawValue: error.code) {
  case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
  case .fileWriteVolumeReadOnly: return "read-only file system"
  case .fileWriteOutOfSpace: return "no space left on the device"
  case .fileWriteFileExists: return "a file is in the way"
  case .fileWriteInvalidFileName, .fileReadInvalidFileName: return "the name is not valid"
  case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
  default: return oneLine(error.localizedDescription)
  }
}

/// What to do about a file error, by its reason.
private func advice(_ reason: String) -> String {
  let lowered = reason.lowercased()
  if lowered.contains("permission") || lowered.contains("read-only") {
    return "choose a folder you can write to"
  }
  if lowered.contains("space") || lowered.contains("quota") { return "free some space" }
  if lowered.contains("too long") || lowered.contains("not valid") {
    return "choose a shorter name"
  }
  return "check the path"
}

/// The one line a failed command prints: a Foundation or system file error names its path, the
/// reason and what to do; any other error its description, with line breaks joined.
func failureMessage(_ error: any Error) -> String {
  let bridged = error as NSError
  guard bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain else {
    return oneLine("\(error)")
  }
  let path =
    (bridged.userInfo[NSFilePathErrorKey] as? String)
    ?? (bridged.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
  let reason = systemReason(error)
  return "\(path): \(reason); \(advice(reason))"
}

/// `text` on one line: line breaks become "; ".
func oneLine(_ text: String) -> String {
  text.split(whereSeparator: \.isNewline).joined(separator: "; ")
}
