// Optimizer: the protocol optimisers conform to.

import Autograd

/// Updates parameters in place from their current gradients.
///
/// Optimisers are values that own their state (moment buffers, momentum), keyed by parameter
/// identity. Two optimisers over the same parameters are therefore fully independent, as DCRL's
/// mini-batch and full-batch Adam instances must be.
public protocol Optimizer {
  /// Applies one step to each parameter that has a `Parameter.gradient`.
  mutating func update(_ parameters: [Parameter])
}
