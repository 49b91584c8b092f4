// CZlib shim: zlib's inflate/deflate and crc32, used for gzip datasets, .npz and PNG.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

#endif
