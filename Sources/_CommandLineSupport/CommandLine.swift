// CommandLine: a small hand-written flag parser for the examples, the benchmarks and the CLI.

/// A command-line mistake: the message says what was wrong and what is accepted.
public struct UsageError: Error, CustomStringConvertible {
  /// The one-line explanation.
  public let message: String
  /// Whether the user asked for `--help` (then `message` is the usage text).
  public let isHelp: Bool

  /// Creates a usage error.
  public init(_ message: String, isHelp: Bool = false) {
    self.message = message
    self.isHelp = isHelp
  }

  /// A readable description.
  public var description: String { message }
}

/// One `--name value` option or `--name` switch a command accepts.
public struct Flag: Sendable {
  /// The name without dashes, such as `"epochs"`.
  public let name: String
  /// The value's placeholder in the usage text (`"N"`), or `nil` for a switch.
  public let placeholder: String?
  /// What the flag does, for the usage text.
  public let help: String
  /// The value used when the flag is absent.
  public let defaultValue: String?
  /// The accepted values, if the flag takes one of a fixed set.
  public let choices: [String]?

  /// An option that takes a value.
  public static func option(
    _ name: String, _ placeholder: String, help: String, default defaultValue: String? = nil,
    choices: [String]? = nil
  ) -> Flag {
    Flag(
      name: name, placeholder: placeholder, help: help, defaultValue: defaultValue, choices: choices
    )
  }

  /// A switch that is on when present.
  public static func `switch`(_ name: String, help: String) -> Flag {
    Flag(name: name, placeholder: nil, help: help, defaultValue: nil, choices: nil)
  }
}

/// The flags and positional arguments of one parsed command line.
public struct ParsedArguments: Sendable {
  /// Option values by flag name (defaults included).
  public var values: [String: String]
  /// The switches that were given.
  public var switches: Set<String>
  /// Arguments that are not flags, in order.
  public var positional: [String]

  /// The value of option `name`, or `nil` when absent without a default.
  public func string(_ name: String) -> String? { values[name] }

  /// Whether switch `name` was given.
  public func isSet(_ name: String) -> Bool { switches.contains(name) }

  /// The value of option `name` converted to `T`; `nil` when absent without a default.
  ///
  /// - Throws: ``UsageError`` naming the flag, the value and the expected type.
  public func value<T: LosslessStringConvertible>(_ name: String, as _: T.Type = T.self)
    throws(UsageError) -> T?
  {
    guard let text = values[name] else { return nil }
    guard let value = T(text) else {
      throw UsageError(
        "--\(name): '\(text)' is not a valid \(String(describing: T.self).lowercased())")
    }
    return value
  }

  /// Like ``value(_:as:)`` for an option that must have a value (directly or by default).
  public func required<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self)
    throws(UsageError) -> T
  {
    guard let value = try value(name, as: type) else { throw UsageError("--\(name) is required") }
    return value
  }

  /// A comma-separated list option, such as `--seeds 0,1,2`, converted to `T`.
  public func list<T: LosslessStringConvertible>(_ name: String, as _: T.Type = T.self)
    throws(UsageError) -> [T]?
  {
    guard let text = values[name] else { return nil }
    var result: [T] = []
    for part in text.split(separator: ",") {
      guard let value = T(String(part).trimmingSpaces) else {
        throw UsageError(
          "--\(name): '\(part)' in '\(text)' is not a valid \(String(describing: T.self).lowercased())"
        )
      }
      result.append(value)
    }
    return result
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}

/// A command's name, summary and flags, which parses `--flag value` arguments and prints usage.
public struct CommandSpecification: Sendable {
  /// The command as typed, such as `"dcrl-bench kernels"`.
  public let name: String
  /// One line on what the command does.
  public let summary: String
  /// The accepted flags (`--help` is always accepted).
  public let flags: [Flag]
  /// Whether positional arguments are accepted.
  public let acceptsPositional: Bool

  /// Creates a command specification.
  public init(name: String, summary: String, flags: [Flag], acceptsPositional: Bool = false) {
    self.name = name
    self.summary = summary
    self.flags = flags
    self.acceptsPositional = acceptsPositional
  }

  /// The usage text listing every flag with its default and choices.
  public var usage: String {
    var lines = ["usage: \(name) [flags]", "", summary, "", "flags:"]
    for flag in flags {
      var left = "  --\(flag.name)"
      if let placeholder = flag.placeholder { left += " \(placeholder)" }
      var right = flag.help
      if let choices = flag.choices { right += " (one of: \(choices.joined(separator: ", ")))" }
      if let value = flag.defaultValue { right += " [default: \(value)]" }
      lines.append(left.padding(toLength: max(left.count + 2, 28)) + right)
    }
    lines.append("  --help".padding(toLength: 28) + "show this text")
    return lines.joined(separator: "\n")
  }

  /// Parses `arguments` (without the program name or subcommand).
  ///
  /// Accepts `--name value`, `--name=value` and `--switch`.
  /// - Throws: ``UsageError`` for an unknown flag (listing the valid ones), a missing or empty
  ///   value, a value outside `choices`, an unexpected positional argument, or `--help`.
  public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments(values: [:], switches: [], positional: [])
    for flag in flags { if let value = flag.defaultValue { parsed.values[flag.name] = value } }
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("--") else {
        guard acceptsPositional else {
          throw UsageError("unexpected argument '\(argument)'; see --help")
        }
        parsed.positional.append(argument)
        continue
      }
      var body = String(argument.dropFirst(2))
      var inlineValue: String?
      if let equals = body.firstIndex(of: "=") {
        inlineValue = String(body[body.index(after: equals)...])
        body = String(body[..<equals])
      }
      if body == "help" { throw UsageError(usage, isHelp: true) }
      guard let flag = flags.first(where: { $0.name == body }) else {
        let known = flags.map { "--\($0.name)" }.joined(separator: ", ")
        throw UsageError("unknown flag '--\(body)'; valid flags: \(known), --help")
      }
      if flag.placeholder == nil {
        guard inlineValue == nil else { throw UsageError("--\(body) takes no value") }
        parsed.switches.insert(body)
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else {
        guard index < arguments.count else {
          throw UsageError("--\(body) needs a value (\(flag.placeholder!))")
        }
        value = arguments[index]
        index += 1
      }
      guard !value.isEmpty else {
        throw UsageError("--\(body) needs a value (\(flag.placeholder!)), not an empty one")
      }
      if let choices = flag.choices, !choices.contains(value) {
        throw UsageError("--\(body): '\(value)' is not one of \(choices.joined(separator: ", "))")
      }
      parsed.values[body] = value
    }
    return parsed
  }
}

extension String {
  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}
