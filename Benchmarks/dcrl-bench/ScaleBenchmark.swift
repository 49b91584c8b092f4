// dcrl-bench scale: one process with T BLAS threads against R MPI ranks with one thread each, on
// a pretraining epoch and DCRL fine-tuning epochs of MNIST-full, with the ranks' time split
// into compute and communication.

import DCRL
import Datasets
import Distributed
import Foundation
import Tensor
import _CommandLineSupport

enum ScaleBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench scale",
    summary: "1 process × T threads against R MPI ranks × 1 thread (pretraining, fine-tuning)",
    flags: [
      .option("data", "DIR", help: "data root [DCRL_DATA, then the cache]"),
      .option("rows", "N", help: "the first N rows of MNIST-full (0: all 70000)", default: "0"),
      .option("ranks", "R", help: "MPI ranks of the data-parallel run", default: "2"),
      .option("threads", "T", help: "OpenBLAS threads of the single process", default: "2"),
      .option("out", "DIR", help: "where scale-<date>.md/.json go", default: "runs"),
      .switch("worker", help: "internal: run as one rank under mpirun and print its timings"),
    ])

  /// The timings of one run (one process, or rank 0 of the group with every rank's
  /// communication seconds).
  struct Timings: Codable {
    var ranks: Int
    var threads: Int
    var rows: Int
    /// One pretraining epoch.
    var pretraining: Double
    var pretrainingCommunication: [Double]
    /// Each fine-tuning epoch: epoch 0 is a warm-up epoch (mini-batches on L_C and L_rec),
    /// epoch 1 a structure epoch (mini-batches with L_rank, then the full-data step).
    var fineTuning: [Double]
    var fineTuningCommunication: [[Double]]
    var communicatedMegabytes: Double
  }

  static func run(_ arguments: ParsedArguments) throws {
    lineBufferStandardOutput()
    let rows: Int = try arguments.required("rows")
    let data = try LabeledDataset.load(.mnistFull, store: datasetStore(arguments.string("data")))
    let x = rows > 0 ? data.features.rows(0..<min(rows, data.count)) : data.features
    if arguments.isSet("worker") {
      let timings = try measure(x, communicator: try DistributedLaunch.communicator(), threads: 1)
      if let timings {
        let json = try JSONEncoder().encode(timings)
        print("SCALE-RESULT " + String(decoding: json, as: UTF8.self))
      }
      return
    }
    let threads: Int = try arguments.required("threads")
    let ranks: Int = try arguments.required("ranks")
    let metadata = RunMetadata.current()
    print("# dcrl-bench scale\n\n\(metadata.markdown)\n")
    print("one process, \(threads) OpenBLAS threads, \(x.shape[0]) rows:")
    guard let single = try measure(x, communicator: SingleProcessCommunicator(), threads: threads)
    else { return }
    print("\(ranks) MPI ranks, 1 OpenBLAS thread each:")
    let group = try launchRanks(ranks, arguments: arguments)
    let out = URL(fileURLWithPath: arguments.string("out")!, isDirectory: true)
    try write(single: single, group: group, metadata: metadata, to: out)
  }

  /// Pretrains one epoch and fine-tunes two epochs on this rank's rows; returns the timings on
  /// rank 0 (`nil` on the others).
  static func measure(_ all: Tensor, communicator base: any Communicator, threads: Int) throws
    -> Timings?
  {
    CPUBackend.setBLASThreads(threads)
    let communicator = TimedCommunicator(base)
    let shard = try RowShard.balanced(
      rows: all.shape[0], ranks: communicator.size, rank: communicator.rank)
    let x = all.rows(shard.range)
    var configuration = DCRLConfiguration.paper(for: .mnistFull)
    configuration.pretraining.epochs = 1
    configuration.epochs = 2
    configuration.warmUpEpochs = 1
    let say = { (line: String) in if communicator.rank == 0 { print("  " + line) } }
    var pretraining = 0.0
    let autoencoder = try AutoencoderPretrainer(configuration: configuration.pretraining).fit(
      shard: x, communicator: communicator, hiddenSizes: configuration.hiddenSizes,
      latentDimension: configuration.latentDimension
    ) { epoch in
      pretraining = epoch.seconds
      return .continue
    }
    let pretrainingCommunication = try communicator.base.allGather([communicator.seconds])
      .map { $0[0] }
    say("pretraining epoch: \(formatted(pretraining, decimals: 2)) s")
    communicator.reset()
    var fineTuning: [Double] = []
    var fineTuningCommunication: [[Double]] = []
    var pending: [Double] = []
    var bytes = 0
    _ = try DCRLTrainer(configuration: configuration).fit(
      shard: x, communicator: communicator, autoencoder: autoencoder
    ) { report in
      fineTuning.append(report.seconds)
      // The start (t-SNE of 3000 codes on rank 0) ends in broadcasts, where the other ranks
      // wait for it; an epoch itself broadcasts nothing, so its communication is the rest.
      let totals = communicator.byOperation
      pending.append(communicator.seconds - (totals["broadcast"]?.seconds ?? 0))
      bytes += communicator.bytes - (totals["broadcast"]?.bytes ?? 0)
      communicator.reset()
      say("fine-tuning epoch \(report.epoch): \(formatted(report.seconds, decimals: 2)) s")
      return .continue
    }
    for value in pending {
      fineTuningCommunication.append(try communicator.base.allGather([value]).map { $0[0] })
    }
    let megabytes = Double(bytes) / 1e6
    guard communicator.rank == 0 else { return nil }
    return Timings(
      ranks: communicator.size, threads: threads, rows: all.shape[0], pretraining: pretraining,
      pretrainingCommunication: pretrainingCommunication, fineTuning: fineTuning,
      fineTuningCommunication: fineTuningCommunication, communicatedMegabytes: megabytes)
  }

  /// Runs this executable as `ranks` MPI ranks and reads rank 0's timings.
  static func launchRanks(_ ranks: Int, arguments: ParsedArguments) throws -> Timings {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    var worker = [
      "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "core", "-np", "\(ranks)",
      "-x", "OPENBLAS_NUM_THREADS=1",
      URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path, "scale",
      "--worker", "--rows", arguments.string("rows")!,
    ]
    if let data = arguments.string("data") { worker += ["--data", data] }
    process.arguments = worker
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    var result: Timings?
    for line in String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .split(separator: "\n")
    {
      if line.hasPrefix("SCALE-RESULT ") {
        result = try JSONDecoder().decode(
          Timings.self, from: Data(line.dropFirst("SCALE-RESULT ".count).utf8))
      } else {
        print(line)
      }
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0, let result else {
      throw UsageError("mpirun -np \(ranks) exited with status \(process.terminationStatus)")
    }
    return result
  }

  /// Writes the comparison as Markdown and JSON.
  static func write(single: Timings, group: Timings, metadata: RunMetadata, to out: URL) throws {
    func row(_ name: String, _ one: Double, _ many: Double, _ communication: [Double]) -> String {
      let share = communication.max() ?? 0
      return
        "| \(name) | \(formatted(one, decimals: 2)) s | \(formatted(many, decimals: 2)) s | "
        + "\(formatted(many / one, decimals: 3)) | \(formatted(share, decimals: 2)) s "
        + "(\(formatted(100 * share / many, decimals: 1)) %) | \(formatted(many - share, decimals: 2)) s |"
    }
    var lines = [
      "# dcrl-bench scale (\(single.rows) MNIST-full rows)", "", metadata.markdown, "",
      "One process with \(single.threads) OpenBLAS threads against \(group.ranks) MPI ranks with "
        + "one thread each, on the same machine, in one command. Communication is the time inside "
        + "collectives (the slowest rank's), which includes waiting for the other ranks.", "",
      "| epoch | 1 process | \(group.ranks) ranks | ratio | communication | compute |",
      "|---|---|---|---|---|---|",
      row(
        "pretraining", single.pretraining, group.pretraining, group.pretrainingCommunication),
    ]
    for (epoch, (one, many)) in zip(single.fineTuning, group.fineTuning).enumerated() {
      let name = epoch == 0 ? "fine-tuning (warm-up)" : "fine-tuning (structure)"
      lines.append(row(name, one, many, group.fineTuningCommunication[epoch]))
    }
    lines.append("")
    lines.append(
      "Rank 0 handed \(formatted(group.communicatedMegabytes, decimals: 1)) MB to collectives "
        + "during the fine-tuning epochs.")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let date = String(metadata.date.prefix(10))
    let markdown = out.appendingPathComponent("scale-\(date).md")
    try (lines.joined(separator: "\n") + "\n").write(
      to: markdown, atomically: true, encoding: .utf8)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    struct Report: Codable {
      var metadata: RunMetadata
      var single: Timings
      var group: Timings
    }
    try encoder.encode(Report(metadata: metadata, single: single, group: group)).write(
      to: out.appendingPathComponent("scale-\(date).json"))
    print(lines.joined(separator: "\n"))
    print("wrote \(markdown.path)")
  }
}
