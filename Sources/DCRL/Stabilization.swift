// Stabilization: label-free changes to DCRL's fine-tuning that keep the clusters it has found
// once the graduated schedule switches the clustering and reconstruction losses off.

/// Changes to the fine-tuning loop that keep DCRL from losing its clusters after the schedule's
/// end; `nil` in ``DCRLConfiguration/stabilization`` runs the loop exactly as the paper does.
///
/// With the paper's schedule, a(e) reaches 0 at ``DCRLConfiguration/scheduleEnd``: L_C and L_rec
/// leave the mini-batch loss, nothing anchors the encoder to its clusters any more, and the
/// once-per-epoch structure step (β·L_iso + L_align) together with ⌈N/B⌉ ranking steps per epoch
/// on the centres can move points across cluster borders within a few epochs. Each field below
/// addresses one part of that; none of them reads a ground-truth label.
public struct DCRLStabilization: Sendable, Codable, Hashable {
  /// A lower bound on a(e) after the warm-up, so that `0.1·L_C + L_rec` keeps a weight of at
  /// least this much instead of reaching 0 (as IDEC keeps its reconstruction term); 0 leaves
  /// the schedule as published.
  public var weightFloor: Double
  /// Whether L_rank is trained once per epoch in the full-data step, beside L_align (weight 1),
  /// instead of in every mini-batch (weight 1/⌊N/B⌋), so the centres move at the same cadence
  /// as the step that ties them to the data.
  public var rankingWithAlignment: Bool
  /// A rule that undoes the last epoch and ends fine-tuning when its label change jumps far
  /// above the recent ones; `nil` for none.
  public var labelChangeGuard: LabelChangeGuard?

  /// Creates a stabilisation; the defaults change nothing.
  public init(
    weightFloor: Double = 0, rankingWithAlignment: Bool = false,
    labelChangeGuard: LabelChangeGuard? = nil
  ) {
    self.weightFloor = weightFloor
    self.rankingWithAlignment = rankingWithAlignment
    self.labelChangeGuard = labelChangeGuard
  }

  /// Checks every field.
  func validate() throws(DCRLError) {
    try DCRLError.require(
      weightFloor >= 0 && weightFloor <= 1, "stabilization.weightFloor", weightFloor,
      "must be in 0...1")
    try labelChangeGuard?.validate()
  }
}

/// Ends fine-tuning, undoing the epoch that caused it, when the fraction of points whose
/// predicted cluster changed jumps far above its recent level.
///
/// The label change of epoch e compares the start-of-epoch labels of e with those of e − 1, so
/// it measures what epoch e − 1's updates did. The guard watches epochs after the warm-up once
/// `window` of them are recorded; it fires at epoch e when
/// `change(e) > max(minimumChange, factor · median(change(e − window) … change(e − 1)))`.
/// Training then returns to the state at the start of epoch e − 1 and stops there (at the first
/// epoch after a resume there is no earlier state in memory, and it stops at the start of e).
/// Only the model's own predictions enter the rule; ``DCRLModel/labelChangeGuardStop`` says
/// where it fired.
public struct LabelChangeGuard: Sendable, Codable, Hashable {
  /// How many earlier post-warm-up epochs form the reference median.
  public var window: Int
  /// How many times the median a change must exceed.
  public var factor: Double
  /// A change at or below this fraction never fires the guard.
  public var minimumChange: Double

  /// Creates a guard: by default a change above 1 % and above five times the median of the
  /// last 10 epochs.
  public init(window: Int = 10, factor: Double = 5, minimumChange: Double = 0.01) {
    self.window = window
    self.factor = factor
    self.minimumChange = minimumChange
  }

  func validate() throws(DCRLError) {
    let check = DCRLError.require
    let prefix = "stabilization.labelChangeGuard."
    try check(window > 0, prefix + "window", window, "must be positive")
    try check(factor >= 1 && factor.isFinite, prefix + "factor", factor, "must be at least 1")
    try check(
      minimumChange >= 0 && minimumChange < 1, prefix + "minimumChange", minimumChange,
      "must be in 0..<1")
  }

  /// The change above which epoch `epoch` fires the guard, or `nil` while the guard is not yet
  /// watching (inside the warm-up or its first `window` epochs after it).
  ///
  /// - Parameters:
  ///   - epoch: The epoch whose start-of-epoch label change is to be judged.
  ///   - warmUpEpochs: The run's warm-up T0; the guard watches only later epochs.
  ///   - changes: The label change of every epoch before `epoch`, in order (index = epoch).
  public func threshold(epoch: Int, warmUpEpochs: Int, changes: [Double]) -> Double? {
    let first = epoch - window
    guard first > warmUpEpochs, epoch <= changes.count else { return nil }
    var recent = Array(changes[first..<epoch])
    recent.sort()
    let middle = recent.count / 2
    let median =
      recent.count % 2 == 1 ? recent[middle] : (recent[middle - 1] + recent[middle]) / 2
    return max(minimumChange, factor * median)
  }

  /// The first epoch at which the guard fires on a recorded series of label changes, or `nil`;
  /// replays a finished run's log without training.
  ///
  /// - Parameters:
  ///   - changes: The label change of every epoch, in order (index = epoch).
  ///   - warmUpEpochs: The run's warm-up T0.
  public func firstFiring(changes: [Double], warmUpEpochs: Int) -> Int? {
    for epoch in changes.indices {
      if let limit = threshold(
        epoch: epoch, warmUpEpochs: warmUpEpochs, changes: Array(changes[..<epoch])),
        changes[epoch] > limit
      {
        return epoch
      }
    }
    return nil
  }
}

/// Why and where a fine-tuning run was ended by its ``LabelChangeGuard``.
public struct LabelChangeGuardStop: Sendable, Codable, Hashable {
  /// The epoch whose start-of-epoch labels changed too much.
  public var detectedAt: Int
  /// That epoch's label change.
  public var change: Double
  /// The threshold it exceeded.
  public var threshold: Double
  /// The number of epochs the returned model has completed (the state at the start of this
  /// epoch was restored).
  public var completedEpochs: Int
}
