// GeneralisationSplit: the train/test protocol of Tables 2 and 4 on a 70,000-image dataset.

import Datasets
import _CommandLineSupport

/// The generalisation protocol of Docs/Algorithm.md#presets on a 70,000-image dataset.
///
/// Every model (and its pretrained autoencoder) sees the first 50,000 rows only, and the frozen
/// model is scored on the last 20,000. For MNIST-full that is the paper's Table 2
/// split; Fashion-MNIST (60,000 training then 10,000 test images, the same order) gets the same
/// protocol so that its Table 4 row is measured as MNIST's is. Quick mode: the first 800 rows,
/// split 640 / 160.
struct GeneralisationSplit {
  /// The datasets the protocol applies to, in `--datasets` spelling.
  static let datasets = ["mnist-full", "fashion-mnist"]
  /// Rows of the training part (the rest is the test part).
  static let trainingRows = 50_000

  /// The whole dataset's key (`mnist-full` or `fashion-mnist`).
  let dataset: String
  let training: LabeledDataset
  let test: LabeledDataset

  /// Whether this is the DCRL paper's own split (MNIST-full), the one its Table 2 reports.
  var isPapers: Bool { dataset == "mnist-full" }

  /// The key of the split's cells and pretrained autoencoder in the run store: `mnist-50k` for
  /// MNIST-full (the name every earlier store uses), `<dataset>-50k` otherwise.
  var key: String { isPapers ? "mnist-50k" : "\(dataset)-50k" }

  /// The dataset's name as the reports print it.
  var title: String { isPapers ? "MNIST-full" : "Fashion-MNIST" }

  /// The start of a report's file names: `table<N>` on MNIST-full (the paper's table),
  /// `table<N>-<dataset>` otherwise, so that both can be written to one folder.
  func fileStem(table: Int) -> String {
    isPapers ? "table\(table)" : "table\(table)-\(dataset)"
  }

  /// The whole dataset a split key belongs to (`mnist-50k` → `mnist-full`); other keys are
  /// returned as they are.
  static func dataset(ofKey key: String) -> String {
    switch key {
    case "mnist-50k": return "mnist-full"
    case let k where k.hasSuffix("-50k"): return String(k.dropLast(4))
    default: return key
    }
  }
}

extension Experiment {
  /// The generalisation split of `dataset` (one of ``GeneralisationSplit/datasets``).
  func generalisationSplit(_ dataset: String) throws -> GeneralisationSplit {
    guard GeneralisationSplit.datasets.contains(dataset) else {
      throw UsageError(
        "tables 2 and 4 take --datasets \(GeneralisationSplit.datasets.joined(separator: " or ")), not '\(dataset)'"
      )
    }
    let data = try load(dataset)
    let trainingRows = quick ? 640 : GeneralisationSplit.trainingRows
    let (training, test) = try data.split(trainingCount: trainingRows)
    return GeneralisationSplit(dataset: dataset, training: training, test: test)
  }
}
