// ClassifierError: every way fitting or applying a downstream classifier can fail.

import Tensor

/// Errors from the Classifiers module, each naming the offending value and the constraint it
/// broke, in the manner of scikit-learn's messages.
public enum ClassifierError: Error, Equatable, CustomStringConvertible {
  /// Bad data, labels that do not match it, or a configuration field out of range; see each
  /// configuration's `validate()` (RELIABILITY I1–I4, I16, I17, I20).
  case input(InputError)
  /// Every training label is the same, so there is nothing to discriminate.
  case singleClass(label: Int)
  /// The training loss became NaN or infinite (an MLP with too large a learning rate); training
  /// stopped at that epoch.
  case trainingDiverged(epoch: Int, loss: Double)

  /// A readable description.
  public var description: String {
    switch self {
    case .input(let error): return error.description
    case .singleClass(let label):
      return "the data contains only one class (\(label)); at least 2 are needed"
    case .trainingDiverged(let epoch, let loss):
      return "training stopped: the loss became \(loss) in epoch \(epoch); "
        + "lower the learning rate or scale the features"
    }
  }
}

extension ClassifierError: InputErrorWrapping {}
