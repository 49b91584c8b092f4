// cuda_emulator.cpp: a CPU stand-in for libcuda.so.1 and libcublas.so so that CUDABackend's
// host code and the CUDA C kernels of CUDAKernels.source run, and are checked against the
// reference backend, on machines without a GPU. Test-only; built by CUDAEmulatorTests with the
// toolchain's clang++:
//
//   clang++ -std=c++17 -O1 -shared -fPIC -D_FORTIFY_SOURCE=0 \
//     -DDCRL_KERNELS_FILE='"kernels.cu"' cuda_emulator.cpp -o libcuda-emulator.so
//
// The kernels are compiled as host C++ (the CUDA built-ins are defined below) and each block's
// threads run as cooperative fibers, switched at __syncthreads. The driver entry points
// validate their arguments (live allocations, launch limits, the current context) and report
// misuse as CUDA error codes, which the backend turns into a stopped process with the message.
// cublasSgemm_v2 is a plain column-major loop with cuBLAS's argument checks.
//
// What it cannot show: races between threads of a block that real hardware would expose (the
// fibers run one at a time between barriers), device-side performance, PTX/driver
// compatibility, and cuBLAS's own numerics.

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// MARK: - CUDA built-ins for host compilation

struct uint3 {
  unsigned int x, y, z;
};
static uint3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(threads)

static inline float __int_as_float(int bits) {
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

static void __syncthreads();

#include DCRL_KERNELS_FILE

// MARK: - Bookkeeping

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
enum {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  INVALID_CONTEXT = 201,
  INVALID_IMAGE = 200,
  NOT_FOUND = 500,
  INVALID_HANDLE = 400,
  LAUNCH_OUT_OF_RESOURCES = 701,
};

static std::map<CUdeviceptr, size_t> allocations;  // live device blocks: start → bytes
// Never destroyed, so the exit report can still read it.
static std::map<std::string, long long> &counters = *new std::map<std::string, long long>;
static int context_token;                            // the primary context is &context_token
static void *current_context = nullptr;
static std::set<void *> streams;  // live streams (each a heap token)
static int module_token;
static std::string module_image;

// DCRL_EMULATOR_SKIP_COMPUTE=1 validates and counts launches but runs no kernel or GEMM, so a
// release build of a benchmark measures the host-side cost per step (Swift, autograd, argument
// packing, the allocator) without any device work.
static bool skip_compute() {
  static const bool skip = getenv("DCRL_EMULATOR_SKIP_COMPUTE") != nullptr;
  return skip;
}

// DCRL_EMULATOR_REPORT=1 prints every counter when the process exits.
__attribute__((destructor)) static void report_counters() {
  if (!getenv("DCRL_EMULATOR_REPORT")) return;
  for (auto &entry : counters) fprintf(stderr, "cuda_emulator: %s = %lld\n", entry.first.c_str(), entry.second);
}

static void fail(const char *message) {
  fprintf(stderr, "cuda_emulator: %s\n", message);
  abort();
}

// Whether [pointer, pointer + bytes) lies inside one live allocation.
static bool inside_allocation(CUdeviceptr pointer, size_t bytes) {
  auto next = allocations.upper_bound(pointer);
  if (next == allocations.begin()) return false;
  --next;
  return pointer >= next->first && pointer + bytes <= next->first + next->second;
}

// MARK: - Fibers: one per thread of a block, switched at __syncthreads

static const size_t fiber_stack_bytes = 64 * 1024;
static const int max_threads = 1024;
static char *fiber_stacks[max_threads];
static ucontext_t fiber_contexts[max_threads];  // not movable: getcontext stores self-pointers
static jmp_buf fiber_resume[max_threads];
static int fiber_state[max_threads];  // 0 not started, 1 waiting at a barrier, 2 finished
static jmp_buf scheduler;
static int current_fiber = -1;
static void (*current_invoke)(void **);
static void **current_parameters;

static void set_thread_index(int t) {
  threadIdx.x = t % blockDim.x;
  threadIdx.y = (t / blockDim.x) % blockDim.y;
  threadIdx.z = t / (blockDim.x * blockDim.y);
}

static void __syncthreads() {
  if (current_fiber < 0) fail("__syncthreads in a kernel registered as barrier-free");
  fiber_state[current_fiber] = 1;
  if (!_setjmp(fiber_resume[current_fiber])) _longjmp(scheduler, 1);
}

static void fiber_main() {
  current_invoke(current_parameters);
  fiber_state[current_fiber] = 2;
  _longjmp(scheduler, 1);
}

static void run_block_with_fibers(int threads) {
  for (int t = 0; t < threads; ++t) {
    if (!fiber_stacks[t]) {
      void *stack = mmap(nullptr, fiber_stack_bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (stack == MAP_FAILED) fail("cannot map a fiber stack");
      fiber_stacks[t] = (char *)stack;
    }
    fiber_state[t] = 0;
    getcontext(&fiber_contexts[t]);
    fiber_contexts[t].uc_stack.ss_sp = fiber_stacks[t];
    fiber_contexts[t].uc_stack.ss_size = fiber_stack_bytes;
    fiber_contexts[t].uc_link = nullptr;
    makecontext(&fiber_contexts[t], fiber_main, 0);
  }
  for (;;) {
    for (int t = 0; t < threads; ++t) {
      if (fiber_state[t] == 2) continue;
      current_fiber = t;
      set_thread_index(t);
      if (!_setjmp(scheduler)) {
        if (fiber_state[t] == 0) setcontext(&fiber_contexts[t]);
        else _longjmp(fiber_resume[t], 1);
      }
    }
    int waiting = 0, finished = 0;
    for (int t = 0; t < threads; ++t) (fiber_state[t] == 1 ? waiting : finished) += 1;
    if (finished == threads) break;
    if (finished > 0) fail("__syncthreads reached by only some threads of a block");
  }
  current_fiber = -1;
}

// MARK: - Kernel registry

template <typename T> static void check_argument(T value, const char *kernel) {
  if constexpr (std::is_pointer_v<T>) {
    if (!inside_allocation((CUdeviceptr)value, 1)) {
      fprintf(stderr, "cuda_emulator: %s got a pointer %p outside every allocation\n", kernel,
              (void *)value);
      abort();
    }
  }
}

template <typename... A, size_t... I>
static void invoke(void (*kernel)(A...), void **parameters, std::index_sequence<I...>) {
  kernel(*static_cast<A *>(parameters[I])...);
}

template <typename... A>
static void check(void (*)(A...), void **parameters, const char *name) {
  size_t index = 0;
  (check_argument(*static_cast<A *>(parameters[index++]), name), ...);
}

template <typename... A> static void invoke_all(void (*kernel)(A...), void **parameters) {
  invoke(kernel, parameters, std::index_sequence_for<A...>{});
}

#define KERNEL(name, barriers)                                                                 \
  {                                                                                            \
    #name, {[](void **p) { invoke_all(name, p); }, [](void **p) { check(name, p, #name); },    \
            barriers}                                                                          \
  }

struct Kernel {
  void (*invoke)(void **);
  void (*check)(void **);
  bool barriers;
};

static const std::map<std::string, Kernel> kernels = {
    KERNEL(dcrl_unary, false),           KERNEL(dcrl_binary_i32, false),
    KERNEL(dcrl_binary_i64, false),      KERNEL(dcrl_reduce_serial, false),
    KERNEL(dcrl_reduce_block, true),     KERNEL(dcrl_reduce_columns, true),
    KERNEL(dcrl_transpose, true),        KERNEL(dcrl_gather_rows_i32, false),
    KERNEL(dcrl_gather_rows_i64, false), KERNEL(dcrl_scatter_add_rows, false),
    KERNEL(dcrl_adam, false),
};

// MARK: - Driver API

extern "C" {

long long dcrl_emulator_counter(const char *name) { return counters[name]; }

CUresult cuInit(unsigned int) { return SUCCESS; }
CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return SUCCESS;
}
CUresult cuGetErrorName(CUresult error, const char **name) {
  static std::string text;
  text = "EMULATED_ERROR_" + std::to_string(error);
  *name = text.c_str();
  return SUCCESS;
}
CUresult cuGetErrorString(CUresult, const char **message) {
  *message = "reported by the CPU emulator";
  return SUCCESS;
}
CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return SUCCESS;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  if (ordinal != 0) return INVALID_VALUE;
  *device = 0;
  return SUCCESS;
}
CUresult cuDeviceGetName(char *name, int length, int) {
  snprintf(name, length, "DCRL CPU emulator");
  return SUCCESS;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  switch (attribute) {
  case 16: *value = 1; return SUCCESS;  // one multiprocessor keeps grids small
  case 75: *value = 8; return SUCCESS;  // compute capability 8.0
  case 76: *value = 0; return SUCCESS;
  default: return INVALID_VALUE;
  }
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int) {
  *bytes = (size_t)1 << 30;
  return SUCCESS;
}
CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  *context = &context_token;
  counters["contexts"] += 1;
  return SUCCESS;
}
CUresult cuDevicePrimaryCtxRelease_v2(int) {
  counters["contexts"] -= 1;
  return SUCCESS;
}
CUresult cuCtxSetCurrent(void *context) {
  current_context = context;
  return SUCCESS;
}
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
  *free_bytes = *total = (size_t)1 << 30;
  return SUCCESS;
}
CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  if (current_context != &context_token) return INVALID_CONTEXT;
  if (bytes == 0) return INVALID_VALUE;
  void *block = aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!block) return OUT_OF_MEMORY;
  *pointer = (CUdeviceptr)block;
  allocations[*pointer] = bytes;
  counters["cuMemAlloc"] += 1;
  counters["live_bytes"] += bytes;
  return SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr pointer) {
  auto found = allocations.find(pointer);
  if (found == allocations.end()) return INVALID_VALUE;
  counters["live_bytes"] -= found->second;
  allocations.erase(found);
  free((void *)pointer);
  counters["cuMemFree"] += 1;
  return SUCCESS;
}
static CUresult check_stream(void *stream) {
  if (current_context != &context_token) return INVALID_CONTEXT;
  return streams.count(stream) ? SUCCESS : INVALID_HANDLE;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void *source, size_t bytes,
                              void *stream) {
  if (CUresult r = check_stream(stream)) return r;
  if (!inside_allocation(destination, bytes)) return INVALID_VALUE;
  memcpy((void *)destination, source, bytes);
  return SUCCESS;
}
CUresult cuMemcpyDtoHAsync_v2(void *destination, CUdeviceptr source, size_t bytes,
                              void *stream) {
  if (CUresult r = check_stream(stream)) return r;
  if (!inside_allocation(source, bytes)) return INVALID_VALUE;
  memcpy(destination, (const void *)source, bytes);
  return SUCCESS;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes,
                              void *stream) {
  if (CUresult r = check_stream(stream)) return r;
  if (!inside_allocation(source, bytes) || !inside_allocation(destination, bytes))
    return INVALID_VALUE;
  memmove((void *)destination, (const void *)source, bytes);
  return SUCCESS;
}
CUresult cuMemsetD32Async(CUdeviceptr destination, unsigned int value, size_t count,
                          void *stream) {
  if (CUresult r = check_stream(stream)) return r;
  if (!inside_allocation(destination, 4 * count)) return INVALID_VALUE;
  for (size_t i = 0; i < count; ++i) ((unsigned int *)destination)[i] = value;
  return SUCCESS;
}
CUresult cuModuleLoadData(void **module, const void *image) {
  if (current_context != &context_token) return INVALID_CONTEXT;
  const char *bytes = (const char *)image;
  bool cubin = memcmp(bytes, "\x7f" "ELF", 4) == 0;
  bool ptx = strstr(bytes, ".entry") != nullptr;
  if (!cubin && !ptx) return INVALID_IMAGE;
  // Keep the image to check that every requested kernel was compiled into it. A CUBIN is an
  // ELF64 file that ends with its section header table.
  size_t size = strlen(bytes);
  if (cubin) {
    uint64_t section_headers;
    uint16_t entry_size, entries;
    memcpy(&section_headers, bytes + 0x28, 8);
    memcpy(&entry_size, bytes + 0x3A, 2);
    memcpy(&entries, bytes + 0x3C, 2);
    size = section_headers + (size_t)entry_size * entries;
  }
  module_image.assign(bytes, size);
  *module = &module_token;
  return SUCCESS;
}
CUresult cuModuleUnload(void *module) { return module == &module_token ? SUCCESS : INVALID_HANDLE; }
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  if (module != &module_token) return INVALID_HANDLE;
  auto found = kernels.find(name);
  if (found == kernels.end()) return NOT_FOUND;
  if (module_image.find(name) == std::string::npos) return NOT_FOUND;
  *function = (void *)&found->second;
  return SUCCESS;
}
CUresult cuLaunchKernel(void *function, unsigned gridX, unsigned gridY, unsigned gridZ,
                        unsigned blockX, unsigned blockY, unsigned blockZ, unsigned sharedBytes,
                        void *stream, void **parameters, void **extra) {
  if (CUresult r = check_stream(stream)) return r;
  bool known = false;
  for (auto &entry : kernels) known |= (void *)&entry.second == function;
  if (!known) return INVALID_HANDLE;
  if (gridX == 0 || gridY == 0 || gridZ == 0 || blockX == 0 || blockY == 0 || blockZ == 0 ||
      gridY > 65535 || gridZ > 65535 || blockX > 1024 || blockY > 1024 || blockZ > 64 ||
      sharedBytes != 0 || extra != nullptr || parameters == nullptr)
    return INVALID_VALUE;
  if (blockX * blockY * blockZ > 1024) return LAUNCH_OUT_OF_RESOURCES;
  const Kernel &kernel = *(const Kernel *)function;
  // DCRL_EMULATOR_FAIL_KERNEL=name makes that kernel's launches fail, to rehearse how the
  // scripts handle a CUDA fault.
  if (const char *failing = getenv("DCRL_EMULATOR_FAIL_KERNEL")) {
    for (auto &entry : kernels)
      if (&entry.second == &kernel && entry.first == failing) return LAUNCH_OUT_OF_RESOURCES;
  }
  kernel.check(parameters);
  counters["launches"] += 1;
  if (skip_compute()) return SUCCESS;
  gridDim = {gridX, gridY, gridZ};
  blockDim = {blockX, blockY, blockZ};
  const int threads = blockX * blockY * blockZ;
  for (unsigned z = 0; z < gridZ; ++z)
    for (unsigned y = 0; y < gridY; ++y)
      for (unsigned x = 0; x < gridX; ++x) {
        blockIdx = {x, y, z};
        if (kernel.barriers) {
          current_invoke = kernel.invoke;
          current_parameters = parameters;
          run_block_with_fibers(threads);
        } else {
          for (int t = 0; t < threads; ++t) {
            set_thread_index(t);
            kernel.invoke(parameters);
          }
        }
      }
  return SUCCESS;
}
CUresult cuStreamCreate(void **stream, unsigned int) {
  if (current_context != &context_token) return INVALID_CONTEXT;
  *stream = new int(0);
  streams.insert(*stream);
  return SUCCESS;
}
CUresult cuStreamDestroy_v2(void *stream) {
  if (!streams.erase(stream)) return INVALID_HANDLE;
  delete (int *)stream;
  return SUCCESS;
}
CUresult cuStreamSynchronize(void *stream) {
  counters["synchronizations"] += 1;
  return check_stream(stream);
}

// MARK: - cuBLAS

int cublasCreate_v2(void **handle) {
  if (current_context != &context_token) return 3;  // CUBLAS_STATUS_NOT_INITIALIZED
  static int handle_token;
  *handle = &handle_token;
  return 0;
}
int cublasDestroy_v2(void *) { return 0; }
int cublasGetVersion_v2(void *, int *version) {
  *version = 130000;
  return 0;
}
int cublasSetStream_v2(void *, void *stream) { return streams.count(stream) ? 0 : 7; }

// Column-major C = alpha op(A) op(B) + beta C, accumulated in double; beta == 0 never reads C.
int cublasSgemm_v2(void *, int transA, int transB, int m, int n, int k, const float *alpha,
                   const float *a, int lda, const float *b, int ldb, const float *beta, float *c,
                   int ldc) {
  const int invalid = 7;  // CUBLAS_STATUS_INVALID_VALUE
  if (m < 0 || n < 0 || k < 0) return invalid;
  if (lda < (transA ? (k > 1 ? k : 1) : (m > 1 ? m : 1))) return invalid;
  if (ldb < (transB ? (n > 1 ? n : 1) : (k > 1 ? k : 1))) return invalid;
  if (ldc < (m > 1 ? m : 1)) return invalid;
  const size_t a_extent = (size_t)lda * (transA ? m : k);
  const size_t b_extent = (size_t)ldb * (transB ? k : n);
  if (!inside_allocation((CUdeviceptr)a, 4 * a_extent) ||
      !inside_allocation((CUdeviceptr)b, 4 * b_extent) ||
      !inside_allocation((CUdeviceptr)c, 4 * (size_t)ldc * n))
    return invalid;
  counters["sgemm"] += 1;
  if (skip_compute()) return 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double total = 0;
      for (int p = 0; p < k; ++p) {
        const float av = transA ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda];
        const float bv = transB ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb];
        total += (double)av * bv;
      }
      float &out = c[i + (size_t)j * ldc];
      out = (float)(*alpha * total + (*beta == 0 ? 0.0 : (double)*beta * out));
    }
  return 0;
}

}  // extern "C"
