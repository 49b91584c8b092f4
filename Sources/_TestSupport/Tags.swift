// Tags: the test tags every test target shares.

import Testing

extension Tag {
  /// A fast backend compared with the reference backend.
  @Tag public static var parity: Self
  /// An analytic gradient compared with finite differences.
  @Tag public static var gradient: Self
  /// A result compared with a golden value from a reference library.
  @Tag public static var golden: Self
  /// A behavioural threshold on real or synthetic data.
  @Tag public static var behaviour: Self
  /// A test that needs a GPU.
  @Tag public static var gpu: Self
  /// A test that takes long; enabled by `DCRL_SLOW_TESTS`.
  @Tag public static var slow: Self
}
