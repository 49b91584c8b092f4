// Tensor+Optimization: the in-place fused Adam update optimisers call.

extension Tensor {
  /// Applies one fused Adam step to this tensor in place (see ``AdamStep``).
  ///
  /// The moment buffers are updated in place too. Storage shared with other tensors is copied
  /// first, so no other tensor observes the update.
  ///
  /// - Precondition: all four tensors have the same shape, dtype and backend.
  public mutating func adamUpdate(
    gradient: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor,
    hyperparameters: AdamStep
  ) {
    for other in [gradient, firstMoment, secondMoment] {
      checkCompatible(other, "adamUpdate")
      precondition(
        other.shape == shape, "adamUpdate: shapes \(shape) and \(other.shape) differ")
    }
    precondition(hyperparameters.step >= 1, "adamUpdate: step must be 1-based")
    makeUnique()
    firstMoment.makeUnique()
    secondMoment.makeUnique()
    if count > 0 {
      backend.adamStep(
        parameter: storage, gradient: gradient.storage, firstMoment: firstMoment.storage,
        secondMoment: secondMoment.storage, hyperparameters: hyperparameters)
    }
  }

  /// Adds `scale · other` to this tensor in place, copying shared storage first.
  ///
  /// - Precondition: same shape, dtype and backend.
  public mutating func add(_ other: Tensor, scaledBy scale: Double = 1) {
    checkCompatible(other, "add(_:scaledBy:)")
    precondition(
      other.shape == shape, "add(_:scaledBy:): shapes \(shape) and \(other.shape) differ")
    makeUnique()
    guard count > 0 else { return }
    if scale == 1 {
      backend.binary(
        .add, storage, .full, other.storage, .full, into: storage, rows: 1, columns: count)
    } else {
      let scaled = other * scale
      backend.binary(
        .add, storage, .full, scaled.storage, .full, into: storage, rows: 1, columns: count)
    }
  }
}
