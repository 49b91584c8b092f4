// COpenBLAS shim: the CBLAS and LAPACKE declarations the Tensor module calls.
#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H

#include <cblas.h>
#include <lapacke.h>

typedef lapack_int LapackInt;

#endif
