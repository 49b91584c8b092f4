// CCUDA: hand-written declarations of the few CUDA driver, cuBLAS and NVRTC entry points the
// CUDA backend uses. Nothing here is linked: the backend resolves each symbol with dlopen/dlsym
// at run time, so the package builds and runs on machines without CUDA.
//
// Each typedef is named after the *exported* symbol the backend looks up. Several driver entry
// points are exported under a versioned name (cuda.h maps `cuMemAlloc` to `cuMemAlloc_v2`, and
// so on); the unversioned symbols are legacy 32-bit variants and must not be used. The versioned
// names are noted beside the typedefs.
#ifndef CCUDA_H
#define CCUDA_H

#include <stddef.h>
#include <stdint.h>

// MARK: - Driver API (libcuda.so.1)

typedef int CUresult;            // CUDA_SUCCESS == 0
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;

enum {
  CCUDA_SUCCESS = 0,
  CCUDA_ERROR_OUT_OF_MEMORY = 2,
  CCUDA_ERROR_NO_DEVICE = 100,
  CCUDA_STREAM_NON_BLOCKING = 1,
  CCUDA_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

typedef CUresult (*PFN_cuInit)(unsigned int flags);
typedef CUresult (*PFN_cuDriverGetVersion)(int *version);
typedef CUresult (*PFN_cuGetErrorName)(CUresult error, const char **name);
typedef CUresult (*PFN_cuGetErrorString)(CUresult error, const char **message);
typedef CUresult (*PFN_cuDeviceGetCount)(int *count);
typedef CUresult (*PFN_cuDeviceGet)(CUdevice *device, int ordinal);
typedef CUresult (*PFN_cuDeviceGetName)(char *name, int length, CUdevice device);
typedef CUresult (*PFN_cuDeviceGetAttribute)(int *value, int attribute, CUdevice device);
/// Exported as `cuDeviceTotalMem_v2`.
typedef CUresult (*PFN_cuDeviceTotalMem)(size_t *bytes, CUdevice device);
typedef CUresult (*PFN_cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
/// Exported as `cuDevicePrimaryCtxRelease_v2`.
typedef CUresult (*PFN_cuDevicePrimaryCtxRelease)(CUdevice device);
typedef CUresult (*PFN_cuCtxSetCurrent)(CUcontext context);
/// Exported as `cuMemAlloc_v2`.
typedef CUresult (*PFN_cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);
/// Exported as `cuMemFree_v2`.
typedef CUresult (*PFN_cuMemFree)(CUdeviceptr pointer);
/// Exported as `cuMemcpyHtoDAsync_v2`.
typedef CUresult (*PFN_cuMemcpyHtoDAsync)(CUdeviceptr destination, const void *source,
                                          size_t bytes, CUstream stream);
/// Exported as `cuMemcpyDtoHAsync_v2`.
typedef CUresult (*PFN_cuMemcpyDtoHAsync)(void *destination, CUdeviceptr source, size_t bytes,
                                          CUstream stream);
/// Exported as `cuMemcpyDtoDAsync_v2`.
typedef CUresult (*PFN_cuMemcpyDtoDAsync)(CUdeviceptr destination, CUdeviceptr source,
                                          size_t bytes, CUstream stream);
typedef CUresult (*PFN_cuMemsetD32Async)(CUdeviceptr destination, unsigned int value,
                                         size_t count, CUstream stream);
typedef CUresult (*PFN_cuModuleLoadData)(CUmodule *module, const void *image);
typedef CUresult (*PFN_cuModuleUnload)(CUmodule module);
typedef CUresult (*PFN_cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                            const char *name);
typedef CUresult (*PFN_cuLaunchKernel)(CUfunction function, unsigned int gridX, unsigned int gridY,
                                       unsigned int gridZ, unsigned int blockX,
                                       unsigned int blockY, unsigned int blockZ,
                                       unsigned int sharedBytes, CUstream stream,
                                       void **parameters, void **extra);
typedef CUresult (*PFN_cuStreamCreate)(CUstream *stream, unsigned int flags);
/// Exported as `cuStreamDestroy_v2`.
typedef CUresult (*PFN_cuStreamDestroy)(CUstream stream);
typedef CUresult (*PFN_cuStreamSynchronize)(CUstream stream);

// MARK: - cuBLAS (libcublas.so.13 / .12)

typedef int cublasStatus_t;      // CUBLAS_STATUS_SUCCESS == 0
typedef struct cublasContext *cublasHandle_t;
typedef enum { CCUDA_CUBLAS_OP_N = 0, CCUDA_CUBLAS_OP_T = 1 } cublasOperation_t;

typedef cublasStatus_t (*PFN_cublasCreate_v2)(cublasHandle_t *handle);
typedef cublasStatus_t (*PFN_cublasDestroy_v2)(cublasHandle_t handle);
typedef cublasStatus_t (*PFN_cublasGetVersion_v2)(cublasHandle_t handle, int *version);
typedef cublasStatus_t (*PFN_cublasSetStream_v2)(cublasHandle_t handle, CUstream stream);
typedef cublasStatus_t (*PFN_cublasSgemm_v2)(cublasHandle_t handle, cublasOperation_t transA,
                                             cublasOperation_t transB, int m, int n, int k,
                                             const float *alpha, const float *a, int lda,
                                             const float *b, int ldb, const float *beta,
                                             float *c, int ldc);

// MARK: - NVRTC (libnvrtc.so.13 / .12)

typedef int nvrtcResult;         // NVRTC_SUCCESS == 0
typedef struct _nvrtcProgram *nvrtcProgram;

typedef nvrtcResult (*PFN_nvrtcVersion)(int *major, int *minor);
typedef nvrtcResult (*PFN_nvrtcGetNumSupportedArchs)(int *count);
typedef nvrtcResult (*PFN_nvrtcGetSupportedArchs)(int *architectures);
typedef nvrtcResult (*PFN_nvrtcCreateProgram)(nvrtcProgram *program, const char *source,
                                              const char *name, int headerCount,
                                              const char *const *headers,
                                              const char *const *includeNames);
typedef nvrtcResult (*PFN_nvrtcCompileProgram)(nvrtcProgram program, int optionCount,
                                               const char *const *options);
typedef nvrtcResult (*PFN_nvrtcGetPTXSize)(nvrtcProgram program, size_t *size);
typedef nvrtcResult (*PFN_nvrtcGetPTX)(nvrtcProgram program, char *ptx);
typedef nvrtcResult (*PFN_nvrtcGetCUBINSize)(nvrtcProgram program, size_t *size);
typedef nvrtcResult (*PFN_nvrtcGetCUBIN)(nvrtcProgram program, char *cubin);
typedef nvrtcResult (*PFN_nvrtcGetProgramLogSize)(nvrtcProgram program, size_t *size);
typedef nvrtcResult (*PFN_nvrtcGetProgramLog)(nvrtcProgram program, char *log);
typedef nvrtcResult (*PFN_nvrtcDestroyProgram)(nvrtcProgram *program);
typedef const char *(*PFN_nvrtcGetErrorString)(nvrtcResult result);

// MARK: - dladdr (libc)

// glibc declares dladdr only under _GNU_SOURCE, which Swift's Glibc module does not define. The
// backend uses it to report the file a library was loaded from. The layout is glibc's Dl_info;
// the asm label binds the call to libc's dladdr.
typedef struct {
  const char *fileName;
  void *fileBase;
  const char *symbolName;
  void *symbolAddress;
} CCUDASymbolInfo;

int ccuda_dladdr(const void *address, CCUDASymbolInfo *info) __asm__("dladdr");

#endif
