// InputValidation: the checks every DCRL entry point runs on user data (RELIABILITY I1–I4, I16).

import Tensor

/// Checks that `x` is a non-empty `[n, d]` matrix, with `d == features` when given, whose
/// elements are finite in float32 (the precision training uses).
package func validateFeatures(_ x: Tensor, expectedFeatures features: Int? = nil) throws(DCRLError)
{
  _ = try DCRLError.requireFloatMatrix(x, "x", expectedFeatures: features)
}

/// Checks that `labels`, when given, has one entry per sample (RELIABILITY I17).
func validateLabels(_ labels: [Int]?, samples: Int) throws(DCRLError) {
  if let labels, labels.count != samples {
    throw .input(
      .lengthMismatch(parameter: "labels", count: labels.count, other: "x", otherCount: samples))
  }
}

extension DCRLTrainer {
  /// Checks that `autoencoder` takes `features` inputs and codes them in the configured latent
  /// dimension.
  func checkAutoencoder(_ autoencoder: Autoencoder, features: Int) throws(DCRLError) {
    guard autoencoder.inputDimension == features else {
      throw .input(
        .featureMismatch(parameter: "x", features: features, expected: autoencoder.inputDimension))
    }
    let latent = configuration.latentDimension
    try DCRLError.require(
      autoencoder.latentDimension == latent, "autoencoder.latentDimension",
      autoencoder.latentDimension, "must equal the configuration's latentDimension (\(latent))")
  }
}
