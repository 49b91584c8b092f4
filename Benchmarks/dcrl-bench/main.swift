// dcrl-bench: kernel speed against raw BLAS and PyTorch, and the paper-table reproductions.

import Foundation
import _CommandLineSupport

/// A `dcrl-bench` subcommand.
protocol BenchmarkCommand {
  /// The subcommand's name, flags and summary.
  static var specification: CommandSpecification { get }
  /// Runs the subcommand with its parsed flags.
  static func run(_ arguments: ParsedArguments) throws
}

let commands: [any BenchmarkCommand.Type] = [
  KernelsBenchmark.self, DatasetsBenchmark.self, KMeansBenchmark.self, MetricsBenchmark.self,
  SpectralBenchmark.self,
  TSNEBenchmark.self, KNNBenchmark.self, UMAPBenchmark.self, GPUCheckBenchmark.self,
  DCRLEpochBenchmark.self, ClassifiersBenchmark.self, TableBenchmark.self, SweepBenchmark.self,
  ReplayBenchmark.self,
  DigitsBenchmark.self, ScaleBenchmark.self,
]

@MainActor func printTopLevelUsage() {
  print("usage: dcrl-bench <command> [flags]\n\ncommands:")
  for command in commands {
    let name = command.specification.name.split(separator: " ").last.map(String.init) ?? ""
    print(
      "  \(name.padding(toLength: 12, withPad: " ", startingAt: 0))\(command.specification.summary)"
    )
  }
  print("\nRun 'dcrl-bench <command> --help' for a command's flags.")
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "--help" else {
  printTopLevelUsage()
  exit(arguments.isEmpty ? 1 : 0)
}
guard let command = commands.first(where: { $0.specification.name.hasSuffix(" " + name) }) else {
  FileHandle.standardError.write(Data("dcrl-bench: unknown command '\(name)'\n".utf8))
  printTopLevelUsage()
  exit(1)
}
do {
  try command.run(try command.specification.parse(Array(arguments.dropFirst())))
} catch let error as UsageError {
  if error.isHelp {
    print(error.message)
    exit(0)
  }
  FileHandle.standardError.write(Data("dcrl-bench \(name): \(error.message)\n".utf8))
  exit(2)
} catch {
  FileHandle.standardError.write(Data("dcrl-bench \(name): \(error)\n".utf8))
  exit(1)
}
