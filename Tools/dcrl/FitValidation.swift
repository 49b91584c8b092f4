// FitValidation: every flag of `dcrl fit` checked against the input's shape before any folder is
// created or any training starts, so that a run that cannot succeed fails in seconds, not after
// its pretraining, with a message naming the flag and the limit.

import DCRL
import _CommandLineSupport

/// The widest layer `--hidden` and `--latent` accept: ten times the paper's widest, and a
/// full-data pass over 8192 rows of it stays within 700 MB.
let maximumLayerWidth = 20_000
/// The most weights and biases the autoencoder may have (256 MiB of float32, about 1 GiB with
/// gradients and Adam's two moments; the paper's MNIST network has 3.3 million).
let maximumParameterCount = 1 << 26
/// The most OpenBLAS threads `--threads` accepts.
let maximumThreads = 1024

/// Throws the first flag of `c` that cannot work on a `rows × features` input named `name`
/// (with `labels` when given).
func validateFit(
  _ c: DCRLConfiguration, rows: Int, features: Int, name: String, labels: [Int]?
) throws(UsageError) {
  guard rows > 0, features > 0 else {
    throw UsageError("--input: \(name) has \(rows) rows and \(features) features; it needs both")
  }
  guard rows >= 2 else {
    throw UsageError("--input: \(name) has 1 row; clustering needs at least 2")
  }
  if let labels, labels.count != rows {
    throw UsageError("--labels: \(labels.count) labels for the \(rows) rows of \(name)")
  }
  guard c.clusters >= 2 else {
    throw UsageError(
      "--clusters: \(c.clusters) must be at least 2 (one cluster would hold every row)")
  }
  let initializationRows = min(rows, c.initializationSubsetSize)
  guard c.clusters <= initializationRows else {
    let which =
      initializationRows == rows
      ? "the \(rows) rows of \(name)"
      : "the \(initializationRows) rows used to initialise the centres"
    throw UsageError(
      "--clusters: \(c.clusters) is more than \(which); at most \(initializationRows)")
  }
  guard c.isometryNeighbors >= 1, c.isometryNeighbors < rows else {
    throw UsageError(
      "--neighbors: \(c.isometryNeighbors) must be between 1 and \(rows - 1) (fewer than the "
        + "\(rows) rows)")
  }
  guard c.epochs >= 0 else { throw UsageError("--epochs: \(c.epochs) must be at least 0") }
  guard c.pretraining.epochs >= 0 else {
    throw UsageError("--pretrain-epochs: \(c.pretraining.epochs) must be at least 0")
  }
  try checkWidths(c.hiddenSizes, flag: "hidden")
  try checkWidths([c.latentDimension], flag: "latent")
  let sizes = [features] + c.hiddenSizes + [c.latentDimension]
  // Encoder and mirrored decoder: weights and biases of every layer, in both directions.
  var parameters = 0
  for (a, b) in zip(sizes, sizes.dropFirst()) {
    let (weights, overflow) = a.multipliedReportingOverflow(by: b)
    parameters += overflow ? Int.max / 4 : weights * 2 + a + b
    guard parameters <= maximumParameterCount else {
      throw UsageError(
        "--hidden/--latent: a \(sizes.map(String.init).joined(separator: "-")) autoencoder has "
          + "more than \(maximumParameterCount) weights, the limit; choose smaller layers")
    }
  }
}

/// Throws unless every width is in 1...``maximumLayerWidth``.
private func checkWidths(_ widths: [Int], flag: String) throws(UsageError) {
  for width in widths where !(1...maximumLayerWidth).contains(width) {
    throw UsageError("--\(flag): \(width) must be between 1 and \(maximumLayerWidth)")
  }
}

/// `--expect-acc`, checked before training: a finite number in 0...1, with ground truth to
/// compare against.
func expectedAccuracy(_ arguments: ParsedArguments, labels: [Int]?) throws(UsageError) -> Double? {
  guard let text = arguments.string("expect-acc") else { return nil }
  guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
    throw UsageError("--expect-acc: '\(text)' must be a number between 0 and 1")
  }
  guard labels != nil else {
    throw UsageError(
      "--expect-acc needs ground truth to compute ACC: pass --labels (or a dataset name as --input)"
    )
  }
  return value
}

/// `--checkpoint-every`, at least 1.
func checkpointInterval(_ arguments: ParsedArguments) throws(UsageError) -> Int {
  let interval = try arguments.required("checkpoint-every", as: Int.self)
  guard interval >= 1 else {
    throw UsageError("--checkpoint-every: \(interval) must be at least 1")
  }
  return interval
}
