// dcrl-bench digits: trustworthiness of our t-SNE and UMAP on scikit-learn's digits next to the
// values scikit-learn, openTSNE and umap-learn reach with the same settings (recorded by
// Scripts/golden/manifold_umap_digits.py; the slow DigitsTests assert the 0.01 tolerance).

import Foundation
import Manifold
import Tensor
import _CommandLineSupport

enum DigitsBenchmark: BenchmarkCommand {
  static let specification = CommandSpecification(
    name: "dcrl-bench digits",
    summary: "t-SNE/UMAP trustworthiness on sklearn digits vs the reference libraries",
    flags: [
      .option(
        "fixture", "FILE", help: "digits reference",
        default: "Tests/ManifoldTests/Fixtures/digits_reference.json"),
      .option("seeds", "LIST", help: "our seeds", default: "0,1,2"),
      .option("out", "FILE", help: "also write the Markdown report to FILE"),
    ])

  static func run(_ arguments: ParsedArguments) throws {
    let object = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: arguments.string("fixture")!)))
    guard let root = object as? [String: Any], let data = root["data"] as? [String: Any],
      let rows = data["x"] as? [[NSNumber]],
      let references = data["references"] as? [String: [String: Any]]
    else { throw BenchmarkFailure("unreadable digits fixture") }
    let x = Tensor(rows.flatMap { $0.map(\.doubleValue) }, shape: [rows.count, rows[0].count])
    let seeds: [UInt64] = try arguments.list("seeds") ?? [0, 1, 2]
    func reference(_ name: String) -> Double {
      Double(references[name]?["mean"] as? String ?? "") ?? .nan
    }
    var sklearnModernBH = TSNE.Configuration()
    sklearnModernBH.gradientMethod = .barnesHut()
    var sklearnModernFFT = TSNE.Configuration()
    sklearnModernFFT.gradientMethod = .fftInterpolation()
    var umapDefaults = UMAP.Configuration()
    umapDefaults.threads = 1
    var umapFigures = UMAP.Configuration.dcrlFigures
    umapFigures.threads = 1
    let cases: [(String, String, (UInt64) throws -> Tensor)] = [
      (
        "TSNE .sklearn021 (Barnes-Hut)", "sklearn_tsne_021",
        { seed in
          var c = TSNE.Configuration.sklearn021
          c.seed = seed
          return try TSNE(configuration: c).fit(x).embedding
        }
      ),
      (
        "TSNE modern, Barnes-Hut", "sklearn_tsne_modern",
        { seed in
          var c = sklearnModernBH
          c.seed = seed
          return try TSNE(configuration: c).fit(x).embedding
        }
      ),
      (
        "TSNE modern, FFT", "sklearn_tsne_modern",
        { seed in
          var c = sklearnModernFFT
          c.seed = seed
          return try TSNE(configuration: c).fit(x).embedding
        }
      ),
      (
        "TSNE .openTSNE", "opentsne_default",
        { seed in
          var c = TSNE.Configuration.openTSNE
          c.seed = seed
          return try TSNE(configuration: c).fit(x).embedding
        }
      ),
      (
        "UMAP defaults", "umap_default",
        { seed in
          var c = umapDefaults
          c.seed = seed
          return try UMAP(configuration: c).fit(x).embedding
        }
      ),
      (
        "UMAP .dcrlFigures", "umap_dcrl_figures",
        { seed in
          var c = umapFigures
          c.seed = seed
          return try UMAP(configuration: c).fit(x).embedding
        }
      ),
    ]
    var report = [
      "# dcrl-bench digits (1797 × 64)", "", RunMetadata.current().markdown, "",
      "Trustworthiness (k = 5), mean over seeds \(seeds); references: mean over seeds 0–2 (\(arguments.string("fixture")!)).",
      "",
    ]
    var table: [[String]] = []
    for (name, key, run) in cases {
      let values = try seeds.map { seed in
        ManifoldBenchmarkSupport.trustworthiness(x, try run(seed), neighbors: 5)
      }
      let mean = values.reduce(0, +) / Double(values.count)
      table.append([
        name, formatted(mean, decimals: 4), key, formatted(reference(key), decimals: 4),
        formatted(mean - reference(key), decimals: 4),
      ])
      print(table.last!.joined(separator: " | "))
    }
    report.append(
      markdownTable(
        ["ours", "trust", "reference", "reference trust", "difference (|·| ≤ 0.01)"], table))
    print(report.joined(separator: "\n"))
    if let out = arguments.string("out") {
      try report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
  }
}
