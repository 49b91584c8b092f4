// The rows of the project's RELIABILITY.md (../shared/RELIABILITY.md): every bad-input and fault
// case the library handles, with the expected behaviour. Docs/Reliability.md maps each to its tests.

/// One case of RELIABILITY.md.
struct ReliabilityRow: Sendable {
  /// The ID tests start their display name with, such as `"I11"`.
  let id: String
  /// The case.
  let topic: String
  /// The modules it concerns.
  let modules: String
  /// The expected behaviour: E = a typed error, W = handled with a flag or counter, H = handled.
  let expected: String
}

/// Every row, in RELIABILITY.md's order.
let reliabilityRows: [ReliabilityRow] = [
  ReliabilityRow(
    id: "I1", topic: "X has 0 rows", modules: "all `fit`", expected: "E (\"0 samples\")"),
  ReliabilityRow(id: "I2", topic: "X has 0 features", modules: "all", expected: "E"),
  ReliabilityRow(
    id: "I3", topic: "Wrong rank (1-D, 3-D) for a 2-D API", modules: "Tensor, all",
    expected: "E (shape in message)"),
  ReliabilityRow(
    id: "I4", topic: "NaN / ±inf in X", modules: "all `fit` / `predict`",
    expected: "E naming the first bad row/col; optional opt-out flag"),
  ReliabilityRow(
    id: "I5", topic: "All-zero or constant columns", modules: "Datasets, NN",
    expected: "H (no 0/0 in scaling), W once"),
  ReliabilityRow(
    id: "I6", topic: "Duplicate rows / zero distances", modules: "Manifold, Metrics",
    expected:
      "H: deterministic tie-break by index; perplexity search converges; sqrt clamp (GCML uses 1e-8)"
  ),
  ReliabilityRow(
    id: "I7", topic: "Float32 vs Float64 inputs", modules: "Tensor",
    expected: "H, same results within tolerance; output dtype as documented"),
  ReliabilityRow(
    id: "I8", topic: "UInt8 / Int inputs (raw MNIST)", modules: "Datasets",
    expected: "H: explicit conversion API; E if passed where Float is required"),
  ReliabilityRow(
    id: "I9", topic: "Non-contiguous / transposed / sliced tensors", modules: "Tensor, Autograd",
    expected: "H, identical results"),
  ReliabilityRow(
    id: "I10", topic: "Large offset or unscaled values (e.g. 0–255, mean 100)",
    modules: "Manifold distances",
    expected:
      "H: no catastrophic cancellation in ‖a‖²+‖b‖²−2a·b (clamp ≥ 0; test against direct differences)"
  ),
  ReliabilityRow(
    id: "I11", topic: "`n_samples < n_clusters`", modules: "Clustering, DCRL",
    expected: "E (\"n_samples=… should be >= n_clusters=…\")"),
  ReliabilityRow(
    id: "I12", topic: "`n_clusters == 1` or `== n_samples`", modules: "Clustering",
    expected: "H, or E mentioning \"1 sample\" / \"1 cluster\""),
  ReliabilityRow(
    id: "I13", topic: "k (kNN) ≥ n, or a cluster with ≤ k members",
    modules: "Manifold, DCRL isometry loss",
    expected:
      "kNN graph: W + truncate (UMAP behaviour). Per-cluster isometry: H (use min(k, n_c−1); skip clusters with < 2 points)"
  ),
  ReliabilityRow(
    id: "I14", topic: "t-SNE perplexity ≥ n (or 3·perplexity ≥ n)", modules: "Manifold",
    expected: "E"),
  ReliabilityRow(
    id: "I15", topic: "`batch_size > n`, `batch_size = 1`, last partial batch", modules: "NN, DCRL",
    expected: "H"),
  ReliabilityRow(
    id: "I16", topic: "Feature-count mismatch at `predict` / `transform` / `load`", modules: "all",
    expected: "E (\"X has N features, expected M\")"),
  ReliabilityRow(
    id: "I17", topic: "y length ≠ n; y missing", modules: "Metrics, DCRL",
    expected: "E for a mismatch; H for missing (labels only for evaluation)"),
  ReliabilityRow(
    id: "I18", topic: "Non-contiguous or string labels; more predicted clusters than classes",
    modules: "Metrics (ACC)", expected: "H: relabel, rectangular Hungarian (pad)"),
  ReliabilityRow(
    id: "I19", topic: "`predict` / `transform` before `fit`", modules: "all",
    expected: "E (not fitted)"),
  ReliabilityRow(
    id: "I20",
    topic:
      "Invalid hyper-parameters (lr ≤ 0, epochs < 0, α ≤ 0, latent dim ≤ 0, empty layer list, k ≤ 0, n_clusters ≤ 0, schedule end < start)",
    modules: "config structs", expected: "E at construction/validation, not mid-run"),
  ReliabilityRow(
    id: "D1", topic: "NaN / inf in a loss or gradient mid-training", modules: "DCRL, NN",
    expected:
      "E with epoch, batch and loss term; keep the last good checkpoint; optional \"skip batch\" policy"
  ),
  ReliabilityRow(
    id: "D2", topic: "q → 0 underflow ⇒ log(0)", modules: "Clustering (Student-t, KL)",
    expected: "H: compute in log space / clamp; 0·log 0 := 0"),
  ReliabilityRow(
    id: "D3", topic: "Empty cluster after argmax Q (centre mean over ∅)",
    modules: "DCRL centres, k-means",
    expected: "H + W counter: keep the previous centre (or re-seed for k-means); never NaN"),
  ReliabilityRow(
    id: "D4", topic: "Collapse: one cluster holds (almost) all points", modules: "DCRL",
    expected: "W (log cluster-size entropy each epoch); metrics still computed"),
  ReliabilityRow(
    id: "D5", topic: "KL reduction semantics (`mean` over elements vs `batchmean`)",
    modules: "NN losses", expected: "H, explicit parameter, unit-tested against the formula"),
  ReliabilityRow(
    id: "D6", topic: "Gradient explosion", modules: "NN optimisers",
    expected: "H (optional clipping); D1 catches non-finite values"),
  ReliabilityRow(
    id: "D7",
    topic: "Two optimisers over the same parameters (GCML: `optimizer` + `optimizer_iso`)",
    modules: "NN optimisers",
    expected: "H: independent moment states; test equality with a reference"),
  ReliabilityRow(
    id: "D8", topic: "Backward through a shared subgraph twice (`retain_graph=True` in GCML)",
    modules: "Autograd", expected: "H, or a clear E if the graph was freed"),
  ReliabilityRow(
    id: "D9", topic: "Target P on the full data vs per batch", modules: "DCRL",
    expected: "H: full data (paper); per-batch only as an explicit option"),
  ReliabilityRow(
    id: "D10", topic: "Stopping rule: label-change `tol`", modules: "DCRL / DEC",
    expected: "H: implemented and tested"),
  ReliabilityRow(
    id: "D11", topic: "Seeds: same seed, CPU, 1 thread", modules: "all",
    expected: "H: bit-identical"),
  ReliabilityRow(
    id: "D12", topic: "Same seed, multi-thread CPU", modules: "all",
    expected: "H: identical if reductions are ordered; otherwise document a tolerance"),
  ReliabilityRow(
    id: "D13", topic: "Same seed on GPU", modules: "CUDABackend",
    expected: "H within a documented tolerance (cuBLAS reduction order)"),
  ReliabilityRow(
    id: "D14", topic: "`fit` twice from the same seed", modules: "all",
    expected: "H: identical; refit fully resets state"),
  ReliabilityRow(
    id: "D15", topic: "Batched vs full predict / transform", modules: "all",
    expected: "H: equal within 1e-7 (f64) / a documented f32 tolerance"),
  ReliabilityRow(
    id: "D16", topic: "Sample-order permutation", modules: "predict / metrics",
    expected: "H: outputs permute accordingly"),
  ReliabilityRow(
    id: "G1",
    topic:
      "Every op: analytical vs finite-difference gradient in Float64 (eps 1e-6, atol 1e-5, rtol 1e-3)",
    modules: "Autograd", expected: "Test"),
  ReliabilityRow(
    id: "G2", topic: "Second derivatives where used", modules: "Autograd", expected: "Test"),
  ReliabilityRow(
    id: "G3",
    topic:
      "Broadcasting backward (reduce to input shape), accumulation over repeated use, views / aliasing",
    modules: "Autograd", expected: "Test"),
  ReliabilityRow(
    id: "G4", topic: "Non-differentiable points (ReLU at 0, sqrt at 0, norm at 0)",
    modules: "Autograd", expected: "H: documented subgradient; clamp as GCML does (1e-8)"),
  ReliabilityRow(
    id: "G5", topic: "Errors: shape mismatch in matmul / broadcast", modules: "Tensor",
    expected: "E with both shapes"),
  ReliabilityRow(
    id: "G6", topic: "CPU (OpenBLAS) vs GPU (cuBLAS) vs reference backend parity",
    modules: "Backends", expected: "Test within tolerance"),
  ReliabilityRow(
    id: "R1",
    topic: "cuBLAS / CUDA library not loadable (dlopen fails), no device, driver mismatch",
    modules: "CUDABackend",
    expected: "E (typed, with the library path tried); the CPU path is unaffected"),
  ReliabilityRow(
    id: "R2", topic: "GPU OOM (full-data forward for P, evaluation)", modules: "CUDABackend, DCRL",
    expected: "E with the requested bytes + hint. Full-data passes chunked by default"),
  ReliabilityRow(
    id: "R3", topic: "Thread oversubscription (OpenBLAS threads × library threads)",
    modules: "CPUBackend", expected: "H: one knob; default avoids nesting"),
  ReliabilityRow(
    id: "R4", topic: "N² memory in metrics (trust/continuity/RRE at N = 70k)", modules: "Metrics",
    expected:
      "H: block-wise computation with O(N·k + block·N) memory; W / E if a requested dense path exceeds a memory budget"
  ),
  ReliabilityRow(
    id: "M1", topic: "ACC with #pred ≠ #true clusters", modules: "Metrics",
    expected: "H (rectangular Hungarian)"),
  ReliabilityRow(
    id: "M2", topic: "NMI normaliser", modules: "Metrics",
    expected:
      "H: explicit parameter; default documented; report both geometric and arithmetic for paper comparisons"
  ),
  ReliabilityRow(
    id: "M3", topic: "NMI tiny negatives / degenerate labellings (1 cluster)", modules: "Metrics",
    expected: "H: clamp to [0, 1]; defined value, no NaN"),
  ReliabilityRow(
    id: "M4", topic: "Trust / continuity with k ≥ n/2", modules: "Metrics", expected: "E"),
  ReliabilityRow(
    id: "M5", topic: "Ties in rank computation", modules: "Metrics",
    expected: "H: deterministic rule documented; golden tests vs sklearn"),
  ReliabilityRow(
    id: "M6", topic: "Trust / cont / MRRE goldens for k = 3..7 (the DCRL averages)",
    modules: "Metrics",
    expected:
      "Test against sklearn `trustworthiness` and against (GCML code eval) formulas on small fixtures"
  ),
  ReliabilityRow(
    id: "P1", topic: "Save → load → identical predictions (incl. optimiser state to resume)",
    modules: "all models", expected: "Test"),
  ReliabilityRow(
    id: "P2", topic: "Load a file from another library version / architecture", modules: "all",
    expected: "E or W naming both versions"),
  ReliabilityRow(
    id: "P3", topic: "Truncated / corrupt file, wrong magic (IDX)",
    modules: "Datasets, persistence", expected: "E, never a crash"),
  ReliabilityRow(
    id: "P4", topic: "Missing pretrained-weights file", modules: "DCRL",
    expected: "E naming the path and how to pretrain (or run pretraining)"),
  ReliabilityRow(
    id: "P5", topic: "Dataset missing or checksum mismatch", modules: "Datasets",
    expected: "E with the expected path and checksum"),
  ReliabilityRow(
    id: "P6", topic: "Output dir unwritable / disk full during checkpoint",
    modules: "Examples, Benchmarks",
    expected: "E at start (probe) or at checkpoint; training state not lost"),
  ReliabilityRow(
    id: "C1", topic: "Unknown dataset or flag", modules: "CLI",
    expected: "E: usage listing the choices"),
  ReliabilityRow(
    id: "C2", topic: "SIGINT / SIGTERM", modules: "Examples, Benchmarks",
    expected: "H: flush logs, write a checkpoint"),
  ReliabilityRow(
    id: "C3", topic: "Progress / log", modules: "Examples, Benchmarks",
    expected:
      "H: per-epoch machine-readable log (CSV/JSON: epoch, losses, ACC, NMI, time) + human line with ETA"
  ),
  ReliabilityRow(
    id: "C4", topic: "An output folder or file that exists, or an output onto an input",
    modules: "CLI",
    expected:
      "E unless --force (a run folder may also be new or empty); never onto an input; files "
      + "written under a temporary name and renamed; a failed fit leaves no folder behind"),
  ReliabilityRow(
    id: "C5",
    topic: "Flags the input cannot satisfy (clusters vs rows, one row, layer sizes that cannot "
      + "be allocated, --max-points < 1, --expect-acc without labels)",
    modules: "CLI",
    expected: "E before any folder or training, naming the flag and the limit; never a crash"),
  ReliabilityRow(
    id: "C6", topic: "CSV input as spreadsheets write it (CRLF, UTF-8 BOM, quotes, header row)",
    modules: "CLI",
    expected:
      "H; a header only when every field of the first row is text (or --header); other bad "
      + "values E with row and column"),
  ReliabilityRow(
    id: "C7",
    topic: "Resuming elsewhere or with other data; a model folder without its scaling",
    modules: "CLI",
    expected:
      "H: scaling, configuration and input fingerprint saved with checkpoint and model; E for "
      + "another input or a missing scaling file"),
  ReliabilityRow(
    id: "C8", topic: "Exit status and file-system errors", modules: "CLI",
    expected:
      "0 success, 1 failure, 2 usage, 130 interrupted, stated in --help; system errors one line "
      + "naming the path and what to do"),
  ReliabilityRow(
    id: "C9", topic: "Resume after SIGKILL: epoch log and temporary files", modules: "CLI",
    expected: "H: each epoch logged once; leftover temporary files removed"),
]
