// dcrl: cluster and embed your own data with DCRL from the command line — fit, predict, embed,
// metrics, plot, resume, data.

import DCRL
import Distributed
import Foundation
import _CommandLineSupport

/// One `dcrl` subcommand.
protocol Subcommand {
  /// The subcommand's name, flags and summary.
  static var specification: CommandSpecification { get }
  /// Runs it with its parsed flags.
  static func run(_ arguments: ParsedArguments) throws
}

let subcommands: [any Subcommand.Type] = [
  FitCommand.self, PredictCommand.self, EmbedCommand.self, MetricsCommand.self, PlotCommand.self,
  ResumeCommand.self, DataCommand.self,
]

@MainActor func printUsage() {
  print("usage: dcrl <command> [flags]\n\ncommands:")
  for command in subcommands {
    let name = command.specification.name.split(separator: " ").last.map(String.init) ?? ""
    print(
      "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.specification.summary
    )
  }
  print("\nRun 'dcrl <command> --help' for a command's flags; 'dcrl --version' for the version.")
  print("\n" + exitStatusHelp)
}

/// The command's version.
let dcrlVersion = "0.1.0"

/// The version `dcrl --version` prints, with the file formats it reads and writes.
let versionText =
  "dcrl \(dcrlVersion) (model format \(DCRLModel.formatVersion), checkpoint format "
  + "\(DCRLCheckpoint.formatVersion), pretraining checkpoint format "
  + "\(PretrainingCheckpoint.formatVersion))"

lineBufferStandardOutput()
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--version" || arguments.first == "version" {
  print(versionText)
  exit(0)
}
guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
  printUsage()
  exit(arguments.isEmpty ? 2 : 0)
}
guard let command = subcommands.first(where: { $0.specification.name == "dcrl " + name }) else {
  let known = subcommands.map { $0.specification.name.dropFirst(5) }.joined(separator: ", ")
  FileHandle.standardError.write(Data("dcrl: unknown command '\(name)'; commands: \(known)\n".utf8))
  exit(2)
}
Interrupt.install()
if name != "fit", let ranks = DistributedLaunch.launchedRanks, ranks > 1 {
  // Every rank would run the command alone and write the same files.
  FileHandle.standardError.write(
    Data(
      ("dcrl \(name): only 'dcrl fit' runs on several ranks; run '\(name)' as one process "
        + "(without mpirun or srun)\n").utf8))
  exit(2)
}
do {
  try command.run(try command.specification.parse(Array(arguments.dropFirst())))
} catch let error as InterruptedError {
  FileHandle.standardError.write(Data("dcrl \(name): \(error.description)\n".utf8))
  exit(interruptedStatus)
} catch let error as UsageError {
  if error.isHelp {
    print(error.message + "\n\n" + exitStatusHelp)
    exit(0)
  }
  FileHandle.standardError.write(Data("dcrl \(name): \(error.message)\n".utf8))
  exit(2)
} catch {
  FileHandle.standardError.write(Data("dcrl \(name): \(failureMessage(error))\n".utf8))
  exit(1)
}
