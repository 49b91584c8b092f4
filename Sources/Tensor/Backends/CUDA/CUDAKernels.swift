// CUDAKernels: the CUDA C source of every non-GEMM primitive of CUDABackend, compiled at run
// time by NVRTC, and the op codes that select a case inside a kernel.

/// The CUDA C kernels behind ``CUDABackend``'s element-wise, reduction, row and Adam
/// primitives (matrix products go to cuBLAS).
///
/// The source needs no headers, so NVRTC compiles it without a CUDA toolkit; see
/// ``compile(architecture:format:configuration:)``. Every kernel is `extern "C"`, so its PTX
/// entry carries the plain name listed in ``names``.
///
/// Each kernel follows ``ReferenceBackend``'s loop for its primitive, operation for operation:
/// `max`/`min` use Swift's comparison order (a NaN in the first operand propagates), arg-reductions
/// skip NaN unless every element is NaN and keep the first position on ties, and scatter-add adds
/// source rows in index order. The kernels are compiled with `--fmad=false`, so no multiply-add is
/// contracted that the reference rounds twice. Results are therefore bitwise equal to the
/// reference for everything except `exp`, `log`, `tanh`, `pow` and `sigmoid` (CUDA's libdevice
/// versus the host libm, within a few ulp) and block-parallel sums (a tree order instead of a
/// sequential one).
public enum CUDAKernels {
  /// The name of every kernel in ``source``, as the backend's kernel table lists them.
  public static let names = CUDAKernel.allCases.map(\.rawValue)

  /// The threads per block of the one-dimensional kernels and of `dcrl_reduce_block`, whose
  /// shared-memory tree assumes exactly this many.
  static let blockSize = 256

  /// The CUDA C source of every kernel.
  public static let source = #"""
    // DCRL CUDABackend kernels (float32). Compiled by NVRTC; includes no headers.
    typedef long long i64;

    // Threads per block of every kernel but dcrl_reduce_columns (32x32); the launch bounds let
    // the compiler budget registers for it.
    #define DCRL_BLOCK 256

    __device__ __forceinline__ float nan_value() { return __int_as_float(0x7fc00000); }

    // Swift's max(x, y) is `y >= x ? y : x` and min(x, y) is `y < x ? y : x`.
    __device__ __forceinline__ float swift_max(float x, float y) { return y >= x ? y : x; }
    __device__ __forceinline__ float swift_min(float x, float y) { return y < x ? y : x; }

    // UnaryOp, in declaration order; p0/p1 are the case's constants.
    __device__ __forceinline__ float unary_op(int op, float x, float p0, float p1) {
      switch (op) {
      case 0: return -x;
      case 1: return expf(x);
      case 2: return logf(x);
      case 3: return sqrtf(x);
      case 4: return x * x;
      case 5: return 1.0f / x;
      case 6: return fabsf(x);
      case 7: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
      case 8: return x > 0.0f ? x : 0.0f;
      case 9: return 1.0f / (1.0f + expf(-x));
      case 10: return tanhf(x);
      case 11: return x + p0;
      case 12: return x * p0;
      case 13: return powf(x, p0);
      case 14: return swift_min(swift_max(x, p0), p1);
      default: return (x >= p0 && x <= p1) ? 1.0f : 0.0f;
      }
    }

    // BinaryOp, in declaration order.
    __device__ __forceinline__ float binary_op(int op, float a, float b) {
      switch (op) {
      case 0: return a + b;
      case 1: return a - b;
      case 2: return a * b;
      case 3: return a / b;
      case 4: return swift_max(a, b);
      case 5: return swift_min(a, b);
      default: return b > 0.0f ? a : 0.0f;
      }
    }

    // Broadcast: 0 full, 1 row (index by column), 2 column (index by row), 3 scalar.
    template <typename I>
    __device__ __forceinline__ I operand_index(int layout, I i, I columns) {
      switch (layout) {
      case 0: return i;
      case 1: return i % columns;
      case 2: return i / columns;
      default: return 0;
      }
    }

    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_unary(int op, i64 n, const float *x, float *out, float p0, float p1) {
      for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < n;
           i += (i64)gridDim.x * blockDim.x)
        out[i] = unary_op(op, x[i], p0, p1);
    }

    template <typename I>
    __device__ void binary(int op, int a_layout, int b_layout, I n, I columns, const float *a,
                           const float *b, float *out) {
      for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x)
        out[i] = binary_op(op, a[operand_index(a_layout, i, columns)],
                           b[operand_index(b_layout, i, columns)]);
    }

    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_binary_i32(int op, int a_layout, int b_layout, unsigned int n, unsigned int columns,
                    const float *a, const float *b, float *out) {
      binary<unsigned int>(op, a_layout, b_layout, n, columns, a, b, out);
    }

    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_binary_i64(int op, int a_layout, int b_layout, i64 n, i64 columns, const float *a,
                    const float *b, float *out) {
      binary<i64>(op, a_layout, b_layout, n, columns, a, b, out);
    }

    // ReduceOp: 0 sum, 1 max, 2 min, 3 argmax, 4 argmin.
    // Whether candidate (c at ci) replaces best (b at bi): NaN loses to any number, ties and
    // NaN-against-NaN keep the lower position. Sequentially this is the reference's loop.
    __device__ __forceinline__ bool prefer(bool want_max, float c, i64 ci, float b, i64 bi) {
      if (c != c) return b != b && ci < bi;
      if (b != b) return true;
      if (c == b) return ci < bi;
      return want_max ? c > b : c < b;
    }

    // Folds value (at position l) into the running result (best, best_index): added for a sum,
    // else kept when preferred.
    __device__ __forceinline__ void accumulate(int op, bool want_max, float value, i64 l,
                                               float &best, i64 &best_index) {
      if (op == 0) {
        best += value;
      } else if (prefer(want_max, value, l, best, best_index)) {
        best = value;
        best_index = l;
      }
    }

    // One thread per output (o, i), looping over the reduced axis in order.
    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_reduce_serial(int op, i64 outer, i64 length, i64 inner, const float *x, float *out) {
      const i64 outputs = outer * inner;
      const bool want_max = op == 1 || op == 3;
      for (i64 j = blockIdx.x * (i64)blockDim.x + threadIdx.x; j < outputs;
           j += (i64)gridDim.x * blockDim.x) {
        const i64 o = j / inner;
        const float *p = x + o * length * inner + (j - o * inner);
        // A sum starts from 0, the other reductions from the first element.
        float best = op == 0 ? 0.0f : p[0];
        i64 best_index = 0;
        for (i64 l = op == 0 ? 0 : 1; l < length; ++l) {
          accumulate(op, want_max, p[l * inner], l, best, best_index);
        }
        out[j] = (op <= 2) ? best : (float)best_index;
      }
    }

    // One block of DCRL_BLOCK threads per output, for inner == 1 (contiguous rows): strided
    // partial results, then a fixed tree.
    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_reduce_block(int op, i64 outer, i64 length, i64 inner, const float *x, float *out) {
      __shared__ float values[DCRL_BLOCK];
      __shared__ i64 positions[DCRL_BLOCK];
      const i64 outputs = outer * inner;
      const bool want_max = op == 1 || op == 3;
      const int t = threadIdx.x;
      for (i64 j = blockIdx.x; j < outputs; j += gridDim.x) {
        const i64 o = j / inner;
        const float *p = x + o * length * inner + (j - o * inner);
        float best = op == 0 ? 0.0f : nan_value();
        i64 best_index = 0x7fffffffffffffffLL;
        for (i64 l = t; l < length; l += DCRL_BLOCK) {
          accumulate(op, want_max, p[l * inner], l, best, best_index);
        }
        values[t] = best;
        positions[t] = best_index;
        __syncthreads();
        for (int s = DCRL_BLOCK / 2; s > 0; s >>= 1) {
          if (t < s) {
            accumulate(op, want_max, values[t + s], positions[t + s], values[t], positions[t]);
          }
          __syncthreads();
        }
        if (t == 0) {
          // An all-NaN axis keeps position 0, as the reference does.
          const i64 position = positions[0] == 0x7fffffffffffffffLL ? 0 : positions[0];
          out[j] = (op <= 2) ? values[0] : (float)position;
        }
        __syncthreads();
      }
    }

    // Blocks of 32x32 threads for inner > 1: x walks 32 consecutive inner positions (coalesced
    // loads), y splits the reduced axis; the 32 partial results of a position meet in a tree.
    extern "C" __global__ void __launch_bounds__(1024)
    dcrl_reduce_columns(int op, i64 outer, i64 length, i64 inner, const float *x, float *out) {
      __shared__ float values[32][33];
      __shared__ i64 positions[32][33];
      const bool want_max = op == 1 || op == 3;
      const int tx = threadIdx.x;
      const int ty = threadIdx.y;
      const i64 tiles = (inner + 31) / 32;
      for (i64 job = blockIdx.x; job < outer * tiles; job += gridDim.x) {
        const i64 o = job / tiles;
        const i64 i = (job - o * tiles) * 32 + tx;
        float best = op == 0 ? 0.0f : nan_value();
        i64 best_index = 0x7fffffffffffffffLL;
        if (i < inner) {
          const float *p = x + o * length * inner + i;
          for (i64 l = ty; l < length; l += 32) {
            accumulate(op, want_max, p[l * inner], l, best, best_index);
          }
        }
        values[ty][tx] = best;
        positions[ty][tx] = best_index;
        __syncthreads();
        for (int s = 16; s > 0; s >>= 1) {
          if (ty < s) {
            accumulate(op, want_max, values[ty + s][tx], positions[ty + s][tx], values[ty][tx],
                       positions[ty][tx]);
          }
          __syncthreads();
        }
        if (ty == 0 && i < inner) {
          const i64 position = positions[0][tx] == 0x7fffffffffffffffLL ? 0 : positions[0][tx];
          out[o * inner + i] = (op <= 2) ? values[0][tx] : (float)position;
        }
        __syncthreads();
      }
    }

    // 32x32 tiles through shared memory (padded against bank conflicts); blocks of 32x8.
    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_transpose(i64 rows, i64 columns, const float *x, float *out) {
      __shared__ float tile[32][33];
      const i64 tile_rows = (rows + 31) / 32;
      const i64 column = blockIdx.x * (i64)32 + threadIdx.x;
      for (i64 by = blockIdx.y; by < tile_rows; by += gridDim.y) {
        for (int k = threadIdx.y; k < 32; k += 8) {
          const i64 row = by * 32 + k;
          if (row < rows && column < columns) tile[k][threadIdx.x] = x[row * columns + column];
        }
        __syncthreads();
        const i64 row = by * 32 + threadIdx.x;
        for (int k = threadIdx.y; k < 32; k += 8) {
          const i64 out_row = blockIdx.x * (i64)32 + k;
          if (out_row < columns && row < rows) out[out_row * rows + row] = tile[threadIdx.x][k];
        }
        __syncthreads();
      }
    }

    template <typename I>
    __device__ void gather_rows(I n, I row_length, const int *indices, const float *x,
                                float *out) {
      for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {
        const I r = i / row_length;
        out[i] = x[(I)indices[r] * row_length + (i - r * row_length)];
      }
    }

    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_gather_rows_i32(unsigned int n, unsigned int row_length, const int *indices,
                         const float *x, float *out) {
      gather_rows<unsigned int>(n, row_length, indices, x, out);
    }

    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_gather_rows_i64(i64 n, i64 row_length, const int *indices, const float *x, float *out) {
      gather_rows<i64>(n, row_length, indices, x, out);
    }

    // targets[t] receives source rows sources[offsets[t] ..< offsets[t + 1]], added in that
    // (ascending) order: each output element is owned by one thread, so the result is
    // deterministic and equals the reference's sequential loop.
    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_scatter_add_rows(i64 target_count, i64 row_length, const int *targets, const int *offsets,
                          const int *sources, const float *source, float *out) {
      for (i64 t = blockIdx.y; t < target_count; t += gridDim.y) {
        float *row = out + (i64)targets[t] * row_length;
        const int first = offsets[t];
        const int last = offsets[t + 1];
        for (i64 c = blockIdx.x * (i64)blockDim.x + threadIdx.x; c < row_length;
             c += (i64)gridDim.x * blockDim.x) {
          float total = row[c];
          for (int s = first; s < last; ++s) total += source[(i64)sources[s] * row_length + c];
          row[c] = total;
        }
      }
    }

    // torch.optim.Adam's single-tensor step; the bias corrections come from the host.
    extern "C" __global__ void __launch_bounds__(DCRL_BLOCK)
    dcrl_adam(i64 n, float *p, const float *g, float *m, float *v, float beta1,
              float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon,
              float weight_decay, float step_size, float bias_correction2_root) {
      for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < n;
           i += (i64)gridDim.x * blockDim.x) {
        float grad = g[i];
        if (weight_decay != 0.0f) grad += weight_decay * p[i];
        const float m_i = m[i] * beta1 + one_minus_beta1 * grad;
        const float v_i = v[i] * beta2 + one_minus_beta2 * grad * grad;
        m[i] = m_i;
        v[i] = v_i;
        const float denominator = sqrtf(v_i) / bias_correction2_root + epsilon;
        p[i] -= step_size * (m_i / denominator);
      }
    }
    """#

  /// The NVRTC options every compilation uses besides the architecture.
  static let compileOptions = ["--fmad=false", "--std=c++17", "-default-device"]
}

extension UnaryOp {
  /// The case number in the `unary_op` switch and its constants.
  var kernelCode: (op: Int32, p0: Float, p1: Float) {
    switch self {
    case .negate: return (0, 0, 0)
    case .exp: return (1, 0, 0)
    case .log: return (2, 0, 0)
    case .sqrt: return (3, 0, 0)
    case .square: return (4, 0, 0)
    case .reciprocal: return (5, 0, 0)
    case .abs: return (6, 0, 0)
    case .sign: return (7, 0, 0)
    case .relu: return (8, 0, 0)
    case .sigmoid: return (9, 0, 0)
    case .tanh: return (10, 0, 0)
    case .addScalar(let value): return (11, Float(value), 0)
    case .multiplyScalar(let value): return (12, Float(value), 0)
    case .powScalar(let p): return (13, Float(p), 0)
    case .clamp(let lower, let upper): return (14, Float(lower), Float(upper))
    case .indicatorInRange(let lower, let upper): return (15, Float(lower), Float(upper))
    }
  }
}

extension BinaryOp {
  /// The case number in the `binary_op` switch.
  var kernelCode: Int32 {
    switch self {
    case .add: return 0
    case .subtract: return 1
    case .multiply: return 2
    case .divide: return 3
    case .maximum: return 4
    case .minimum: return 5
    case .reluGradient: return 6
    }
  }
}

extension Broadcast {
  /// The layout number in `operand_index`.
  var kernelCode: Int32 {
    switch self {
    case .full: return 0
    case .row: return 1
    case .column: return 2
    case .scalar: return 3
    }
  }
}

extension ReduceOp {
  /// The op number of the reduction kernels.
  var kernelCode: Int32 {
    switch self {
    case .sum: return 0
    case .max: return 1
    case .min: return 2
    case .argmax: return 3
    case .argmin: return 4
    }
  }
}
