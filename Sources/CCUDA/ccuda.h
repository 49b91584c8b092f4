// CCUDA: hand-written declarations of the few CUDA driver, cuBLAS and NVRTC entry points the
// CUDA backend uses. Nothing here is linked: the backend resolves each symbol with dlopen/dlsym
// at run time, so the package builds and runs on machines without CUDA.
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

enum { CCUDA_SUCCESS = 0 };

typedef CUresult (*PFN_cuInit)(unsigned int flags);
typedef CUresult (*PFN_cuDriverGetVersion)(int *version);
typedef CUresult (*PFN_cuDeviceGetCount)(int *count);
typedef CUresult (*PFN_cuDeviceGet)(CUdevice *device, int ordinal);
typedef CUresult (*PFN_cuDeviceGetName)(char *name, int length, CUdevice device);
typedef CUresult (*PFN_cuDeviceTotalMem)(size_t *bytes, CUdevice device);
typedef CUresult (*PFN_cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
typedef CUresult (*PFN_cuDevicePrimaryCtxRelease)(CUdevice device);
typedef CUresult (*PFN_cuCtxSetCurrent)(CUcontext context);
typedef CUresult (*PFN_cuCtxSynchronize)(void);
typedef CUresult (*PFN_cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);
typedef CUresult (*PFN_cuMemFree)(CUdeviceptr pointer);
typedef CUresult (*PFN_cuMemcpyHtoD)(CUdeviceptr destination, const void *source, size_t bytes);
typedef CUresult (*PFN_cuMemcpyDtoH)(void *destination, CUdeviceptr source, size_t bytes);
typedef CUresult (*PFN_cuMemcpyDtoD)(CUdeviceptr destination, CUdeviceptr source, size_t bytes);
typedef CUresult (*PFN_cuMemsetD32)(CUdeviceptr destination, unsigned int value, size_t count);
typedef CUresult (*PFN_cuModuleLoadData)(CUmodule *module, const void *image);
typedef CUresult (*PFN_cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                            const char *name);
typedef CUresult (*PFN_cuLaunchKernel)(CUfunction function, unsigned int gridX, unsigned int gridY,
                                       unsigned int gridZ, unsigned int blockX,
                                       unsigned int blockY, unsigned int blockZ,
                                       unsigned int sharedBytes, CUstream stream,
                                       void **parameters, void **extra);
typedef CUresult (*PFN_cuStreamCreate)(CUstream *stream, unsigned int flags);
typedef CUresult (*PFN_cuStreamDestroy)(CUstream stream);
typedef CUresult (*PFN_cuStreamSynchronize)(CUstream stream);
typedef CUresult (*PFN_cuGetErrorString)(CUresult error, const char **message);

// MARK: - cuBLAS (libcublas.so.13 / .12)

typedef int cublasStatus_t;      // CUBLAS_STATUS_SUCCESS == 0
typedef struct cublasContext *cublasHandle_t;
typedef enum { CCUDA_CUBLAS_OP_N = 0, CCUDA_CUBLAS_OP_T = 1 } cublasOperation_t;

typedef cublasStatus_t (*PFN_cublasCreate_v2)(cublasHandle_t *handle);
typedef cublasStatus_t (*PFN_cublasDestroy_v2)(cublasHandle_t handle);
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
typedef nvrtcResult (*PFN_nvrtcCreateProgram)(nvrtcProgram *program, const char *source,
                                              const char *name, int headerCount,
                                              const char *const *headers,
                                              const char *const *includeNames);
typedef nvrtcResult (*PFN_nvrtcCompileProgram)(nvrtcProgram program, int optionCount,
                                               const char *const *options);
typedef nvrtcResult (*PFN_nvrtcGetPTXSize)(nvrtcProgram program, size_t *size);
typedef nvrtcResult (*PFN_nvrtcGetPTX)(nvrtcProgram program, char *ptx);
typedef nvrtcResult (*PFN_nvrtcGetProgramLogSize)(nvrtcProgram program, size_t *size);
typedef nvrtcResult (*PFN_nvrtcGetProgramLog)(nvrtcProgram program, char *log);
typedef nvrtcResult (*PFN_nvrtcDestroyProgram)(nvrtcProgram *program);
typedef const char *(*PFN_nvrtcGetErrorString)(nvrtcResult result);

#endif
