// TableRunners: run every cell of one table (or reuse it from the store) and lay out the report.

import DCRL
import Datasets
import Foundation
import _CommandLineSupport

/// The display name of a method key.
func displayName(_ key: String) -> String {
  [
    "kmeans": "K-Means", "sc": "SC-Ncut", "ae-kmeans": "AE+K-Means", "dec": "DEC", "idec": "IDEC",
    "n2d": "N2D", "n2d-starts10": "N2D (10 mixture starts)",
    "n2d-published": "N2D (published recipe)",
    "n2d-published-starts10": "N2D (published recipe, 10 mixture starts)", "dcrl": "DCRL (paper)",
    "dcrl-recommended": "DCRL (recommended)", "ae": "AE",
  ][key] ?? key
}

/// The name of a method key in the papers' tables: both DCRL presets are compared with DCRL's
/// published numbers, and every N2D variant with N2D's.
func publishedName(_ key: String) -> String {
  key.hasPrefix("dcrl") ? "DCRL" : key.hasPrefix("n2d") ? "N2D" : displayName(key)
}

/// Table 1: ACC/NMI of every method on every dataset, mean ± sd over seeds.
func table1(_ e: Experiment, datasets: [String], methods: [String], seeds: [Int]) throws
  -> TableReport
{
  var report = TableReport(
    number: 1, title: "clustering ACC / NMI (mean ± sd over seeds)",
    columns: datasets.flatMap { ["\($0) ACC", "\($0) NMI", "\($0) published ACC (Δ)"] })
  var cells: [String: [String: [CellResult]]] = [:]
  for dataset in datasets {
    let data = try e.load(dataset)
    for key in methods {
      for seed in seeds {
        let cell = try e.clusteringCell(key, dataset: dataset, data: data, seed: seed)
        cells[key, default: [:]][dataset, default: []].append(cell)
        report.cells["\(dataset)/\(key)/seed\(seed)"] = cell
      }
    }
  }
  for key in methods {
    var row: [String] = []
    for dataset in datasets {
      let results = cells[key]?[dataset] ?? []
      let accuracy = results.compactMap { $0.values["acc"] }
      row += [summary(accuracy), summary(results.compactMap { $0.values["nmi_geometric"] })]
      let published = PaperValues.published[dataset]?[publishedName(key)]
      row.append(published.map { paperCell(accuracy, $0.accuracy) + " [\($0.source)]" } ?? "n/a")
    }
    report.rows.append((displayName(key), row))
  }
  for name in ["JULE", "DSC"] {
    report.rows.append(
      (name + " (published only)", datasets.flatMap { _ in ["n/a", "n/a", "not recovered"] }))
  }
  report.notes = PaperValues.table1Notes
  let changes = datasets.flatMap { dataset in
    methods.flatMap { key in
      zip(seeds, cells[key]?[dataset] ?? []).compactMap { seed, cell in
        cell.values["max_label_change_after_warm_up"].map {
          "\(dataset)/\(key)/seed\(seed) \(formatted(100 * $0, decimals: 2)) %"
        }
      }
    }
  }
  if !changes.isEmpty {
    report.notes.append(
      "Largest label change of a DCRL epoch after the warm-up: " + changes.joined(separator: ", "))
  }
  if datasets.contains("reuters-r8") {
    report.notes.append(
      "reuters-r8 is the Reuters-21578 R8 substitute for REUTERS-10K (8 classes, 7,674 documents).")
  }
  return report
}

/// Table 2: generalisation — fit on the first 50,000 images of MNIST-full (the paper's table) or
/// Fashion-MNIST, test on the last 20,000.
func table2(_ e: Experiment, dataset: String, methods: [String], seeds: [Int]) throws
  -> TableReport
{
  let split = try e.generalisationSplit(dataset)
  let paperValues = split.isPapers ? PaperValues.table2 : [:]
  var report = TableReport(
    number: 2,
    title:
      "generalisation on \(split.title): train first 50,000 / test last 20,000 (ACC / NMI)",
    columns: [
      "train ACC", "paper (Δ)", "train NMI", "paper (Δ)", "test ACC", "paper (Δ)", "test NMI",
      "paper (Δ)",
    ],
    fileStem: split.fileStem(table: 2))
  for key in methods {
    var results: [CellResult] = []
    for seed in seeds {
      let cell = try e.generalisationCell(key, split: split, seed: seed)
      results.append(cell)
      report.cells["\(key)/seed\(seed)"] = cell
    }
    let paper = paperValues[publishedName(key)]
    func values(_ name: String) -> [Double] { results.compactMap { $0.values[name] } }
    report.rows.append(
      (
        displayName(key),
        [
          summary(values("train_acc")), paperCell(values("train_acc"), paper?.0),
          summary(values("train_nmi_geometric")),
          paperCell(values("train_nmi_geometric"), paper?.1),
          summary(values("test_acc")), paperCell(values("test_acc"), paper?.2),
          summary(values("test_nmi_geometric")), paperCell(values("test_nmi_geometric"), paper?.3),
        ]
      ))
  }
  for name in ["JULE", "DSC"] {
    guard let p = paperValues[name] else { continue }
    report.rows.append(
      (
        name + " (published only)",
        [
          "—", formatted(p.0), "—", formatted(p.1), "—", formatted(p.2), "—", formatted(p.3),
        ]
      ))
  }
  report.notes = [
    "Protocol of Docs/Algorithm.md#presets: every model (and the shared autoencoder) sees only the first 50,000 images;",
    "test predictions use the frozen model (argmax Q for DEC, IDEC and DCRL; the mixture for N2D).",
    split.isPapers
      ? "'paper' is the DCRL paper's Table 2."
      : "The DCRL paper has no Table 2 on \(split.title); 'paper' shows n/a.",
  ]
  return report
}

/// Table 3: the six structure metrics of each method's embedding of a whole dataset.
func table3(_ e: Experiment, datasets: [String], methods: [String], seed: Int) throws -> TableReport
{
  let metrics = ["rre", "trust", "cont", "rmre", "lgd", "cra", "cra_internal"]
  var report = TableReport(
    number: 3, title: "representation metrics (k = 3…7 averaged; RRE, RMRE, LGD lower is better)",
    columns: datasets.flatMap { d in
      ["RRE", "Trust", "Cont", "RMRE", "LGD", "CRA", "CRA (v, μ)"].map { "\(d) \($0)" }
    })
  var rows: [String: [String]] = [:]
  for dataset in datasets {
    let data = try e.load(dataset)
    for key in methods {
      let cell = try e.structureCell(key, dataset: dataset, data: data, seed: seed)
      rows[key, default: []] += metrics.map { name in
        cell?.values[name].map { formatted($0) } ?? "—"
      }
      if let cell { report.cells["\(dataset)/\(key)"] = cell }
    }
  }
  report.rows = methods.map { (displayName($0), rows[$0] ?? []) }
  report.notes =
    PaperValues.otherNotes[3]! + [
      "CRA compares the true class means in X and in Z (Docs/Algorithm.md#presets); CRA (v, μ) compares DCRL's predicted",
      "clusters' input means with its learned centres, the quantity L_rank optimises.",
      "Embeddings: latent codes for the autoencoder methods, the UMAP embedding for N2D, the spectral",
      "embedding for SC-Ncut; raw K-Means has none.",
    ]
  return report
}

/// Table 4: downstream classification accuracy on frozen embeddings (train 50k / test 20k).
func table4(_ e: Experiment, dataset: String, methods: [String], seed: Int) throws
  -> TableReport
{
  let split = try e.generalisationSplit(dataset)
  var report = TableReport(
    number: 4,
    title:
      "downstream test accuracy on frozen embeddings (\(split.title) 50k train / 20k test)",
    columns: ["LR", "MLP", "SVM", "RFC"],
    fileStem: split.fileStem(table: 4))
  for key in ["ae"] + methods {
    let cell = try e.downstreamCell(key, split: split, seed: seed)
    report.rows.append(
      (
        displayName(key),
        ["LR", "MLP", "SVM", "RFC"].map { name in cell?.values[name].map { formatted($0) } ?? "—" }
      ))
    if let cell { report.cells[key] = cell }
  }
  report.notes =
    PaperValues.otherNotes[4]! + [
      "Classifiers use scikit-learn 0.21.3's defaults (Docs/Algorithm.md#presets): LR liblinear one-vs-rest, SVC RBF γ = 1/d,",
      "random forest of 10 trees, MLP of 100 ReLU units. Split per Docs/Algorithm.md#presets; 'AE' is the pretrained codes.",
    ]
  return report
}

/// Table 5: ablations of DCRL (Docs/Algorithm.md#presets recipes).
///
/// Only the chosen ablations are run and shown (`nil`: all five rows, in the paper's order).
func table5(
  _ e: Experiment, datasets: [String], ablations: [DCRLConfiguration.Ablation]?, seed: Int
) throws -> TableReport {
  let names = ["acc", "nmi_geometric", "rre", "trust", "cont", "rmre", "lgd", "cra"]
  var report = TableReport(
    number: 5, title: "ablation study",
    columns: datasets.flatMap { d in
      ["ACC", "NMI", "RRE", "Trust", "Cont", "RMRE", "LGD", "CRA"].map { "\(d) \($0)" }
    })
  let variants: [(String, DCRLConfiguration.Ablation)] = [
    ("(A) w/o structure losses", .withoutStructureLosses), ("(B) w/o L_C", .withoutClusteringLoss),
    ("(C) w/o weight graduality", .withoutWeightGraduality),
    ("(D) w/o alternating training", .withoutAlternatingTraining),
    ("(E) full DCRL", .none),
  ].filter { ablations?.contains($0.1) ?? true }
  var rows: [String: [String]] = [:]
  for dataset in datasets {
    let data = try e.load(dataset)
    for (label, ablation) in variants {
      let cell = try e.ablationCell(ablation, dataset: dataset, data: data, seed: seed)
      rows[label, default: []] += names.map { cell.values[$0].map { formatted($0) } ?? "—" }
      report.cells["\(dataset)/\(ablation.rawValue)"] = cell
    }
  }
  report.rows = variants.map { ($0.0, rows[$0.0] ?? []) }
  report.notes = PaperValues.otherNotes[5]!
  return report
}
