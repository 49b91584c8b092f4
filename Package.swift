// swift-tools-version: 6.0
// DCRL: deep clustering and structure-preserving representation learning in Swift.
import PackageDescription

/// `-fno-math-errno` lets `sqrt`/`exp` loops vectorise; every Swift target gets it.
let swiftFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

let package = Package(
  name: "DCRL",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "Tensor", targets: ["Tensor"]),
    .library(name: "Autograd", targets: ["Autograd"]),
    .library(name: "NN", targets: ["NN"]),
    .library(name: "Datasets", targets: ["Datasets"]),
    .library(name: "Clustering", targets: ["Clustering"]),
    .library(name: "Metrics", targets: ["Metrics"]),
    .library(name: "Manifold", targets: ["Manifold"]),
    .library(name: "Plotting", targets: ["Plotting"]),
    .library(name: "DCRL", targets: ["DCRL"]),
    .library(name: "Baselines", targets: ["Baselines"]),
    .library(name: "Classifiers", targets: ["Classifiers"]),
    .library(name: "Distributed", targets: ["Distributed"]),
    .executable(name: "dcrl", targets: ["dcrl"]),
    .executable(name: "dcrl-bench", targets: ["dcrl-bench"]),
    .executable(name: "QuickStart", targets: ["QuickStart"]),
    .executable(name: "DCRLMNIST", targets: ["DCRLMNIST"]),
    .executable(name: "DCRLQuickStart", targets: ["DCRLQuickStart"]),
  ],
  targets: [
    // MARK: C shims
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    .systemLibrary(name: "CCUDA"),
    // Open MPI, opened with dlopen by Distributed (nothing links against it).
    .systemLibrary(name: "CMPI"),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

    // MARK: Library modules
    .target(
      name: "Tensor", dependencies: ["COpenBLAS", "CCUDA", "CZlib"], swiftSettings: swiftFlags),
    .target(name: "Autograd", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "NN", dependencies: ["Autograd"], swiftSettings: swiftFlags),
    .target(name: "Datasets", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "Clustering", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "Metrics", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "Manifold", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "Plotting", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(
      name: "DCRL", dependencies: ["NN", "Clustering", "Manifold", "Metrics", "Distributed"],
      swiftSettings: swiftFlags),
    .target(name: "Classifiers", dependencies: ["Tensor"], swiftSettings: swiftFlags),
    .target(name: "Distributed", dependencies: ["CMPI"], swiftSettings: swiftFlags),
    // The methods DCRL is compared with (K-Means, SC-Ncut, AE+K-Means, DEC, IDEC, N2D) and DCRL
    // itself behind one ClusteringMethod interface, for dcrl-bench's tables.
    .target(
      name: "Baselines", dependencies: ["DCRL", "NN", "Autograd", "Clustering", "Manifold"],
      swiftSettings: swiftFlags),

    // MARK: Support targets
    .target(name: "_TestSupport", dependencies: ["Tensor", "Autograd"], swiftSettings: swiftFlags),
    .target(name: "_CommandLineSupport", swiftSettings: swiftFlags),
    // The byte mutator of the parser-fuzz tests and `loaders-fuzz` (no Testing import).
    .target(name: "_FuzzSupport", swiftSettings: swiftFlags),
    // Backend parity checks shared by the tests and `dcrl-bench gpu-check` (no Testing import).
    .target(name: "_ParitySupport", dependencies: ["Tensor"], swiftSettings: swiftFlags),

    // MARK: Tests
    .testTarget(
      name: "TensorTests", dependencies: ["Tensor", "_TestSupport", "_ParitySupport"],
      resources: [.copy("CUDAEmulator")], swiftSettings: swiftFlags),
    .testTarget(
      name: "AutogradTests", dependencies: ["Autograd", "_TestSupport"],
      swiftSettings: swiftFlags),
    .testTarget(
      name: "ManifoldTests", dependencies: ["Manifold", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftFlags),
    .testTarget(
      name: "PlottingTests", dependencies: ["Plotting", "CZlib", "_TestSupport"],
      swiftSettings: swiftFlags),
    .testTarget(
      name: "ClassifiersTests", dependencies: ["Classifiers", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftFlags),
    .testTarget(
      name: "NNTests", dependencies: ["NN", "_TestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: swiftFlags),
    .testTarget(
      name: "DatasetsTests", dependencies: ["Datasets", "_FuzzSupport", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftFlags),
    .testTarget(
      name: "ClusteringTests", dependencies: ["Clustering", "Metrics", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftFlags),
    .testTarget(
      name: "DistributedTests", dependencies: ["Distributed", "distributed-check", "_TestSupport"],
      swiftSettings: swiftFlags),
    .testTarget(
      name: "MetricsTests", dependencies: ["Metrics", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftFlags),
    .testTarget(
      name: "CLITests", dependencies: ["dcrl", "Datasets", "Tensor", "_TestSupport"],
      swiftSettings: swiftFlags),
    .testTarget(
      name: "DCRLTests",
      dependencies: ["DCRL", "Baselines", "Datasets", "Distributed", "Metrics", "_TestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftFlags),
    // Cross-cutting: the RELIABILITY coverage table (Docs/Reliability.md) and the estimator
    // conformance suite over every estimator.
    .testTarget(
      name: "ReliabilityTests",
      dependencies: [
        "DCRL", "Baselines", "Clustering", "Manifold", "Metrics", "NN", "Tensor", "_TestSupport",
      ],
      swiftSettings: swiftFlags),

    // MARK: Executables
    // The command line lives in Tools/ so that its folder cannot collide with Sources/DCRL on a
    // case-insensitive volume (the default on macOS).
    .executableTarget(
      name: "dcrl",
      dependencies: [
        "DCRL", "Datasets", "Distributed", "Manifold", "Metrics", "Plotting", "_CommandLineSupport",
      ],
      path: "Tools/dcrl", swiftSettings: swiftFlags),
    .executableTarget(
      name: "dcrl-bench",
      dependencies: [
        "NN", "DCRL", "Baselines", "Datasets", "Clustering", "Metrics", "Manifold", "Plotting",
        "Classifiers", "Distributed", "COpenBLAS", "CZlib", "_CommandLineSupport", "_ParitySupport",
      ],
      path: "Benchmarks/dcrl-bench", swiftSettings: swiftFlags),
    // Run under mpirun: the MPI collectives and data-parallel pretraining against one process.
    .executableTarget(
      name: "distributed-check", dependencies: ["DCRL", "Distributed", "Tensor"],
      path: "Tools/distributed-check", swiftSettings: swiftFlags),
    // Built normally it replays a seeded mutation loop; Scripts/fuzz/loaders.sh builds it with
    // -sanitize=fuzzer for libFuzzer.
    .executableTarget(
      name: "loaders-fuzz", dependencies: ["DCRL", "Datasets", "Tensor", "_FuzzSupport"],
      path: "Fuzz/loaders-fuzz",
      swiftSettings: swiftFlags),
    .executableTarget(
      name: "DCRLMNIST",
      dependencies: ["DCRL", "Datasets", "Manifold", "Metrics", "Plotting", "_CommandLineSupport"],
      path: "Examples/DCRLMNIST", swiftSettings: swiftFlags),
    .executableTarget(
      name: "DCRLQuickStart", dependencies: ["DCRL", "Metrics", "Tensor"],
      path: "Examples/DCRLQuickStart", swiftSettings: swiftFlags),
    .executableTarget(
      name: "QuickStart", dependencies: ["NN"], path: "Examples/QuickStart",
      swiftSettings: swiftFlags),
  ]
)
