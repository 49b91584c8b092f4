// ProgressAction: what a long run does after its progress callback returns.

/// What a long run does after a progress report: go on, or stop and return what it has.
///
/// Every long run of the library takes a `progress:` callback that returns one: t-SNE after
/// each check of its KL divergence, the autoencoder pretraining and DCRL's fine-tuning after
/// each epoch. It lives in this module, the lowest layer, so that every estimator shares it.
public enum ProgressAction: Sendable, Hashable {
  /// Keep going.
  case `continue`
  /// Stop now and return the current state (after an epoch: the model as it is).
  case stop
}
