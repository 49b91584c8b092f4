#!/usr/bin/env bash
# Builds a self-contained release `dcrl-bench` for GPU machines that have no Swift toolchain:
# the Swift runtime and Foundation linked statically (--static-swift-stdlib), and OpenBLAS,
# LAPACKE, gfortran and quadmath linked from their .a archives. What stays dynamic is the C
# library (glibc, libm, libstdc++, libgcc_s); CUDA itself is opened with dlopen at run time.
#
# Usage: Scripts/gpu/build-static.sh [OUTPUT_DIR]      (default: .gpu)
#
# Writes OUTPUT_DIR/dcrl-bench (stripped) and OUTPUT_DIR/dcrl-bench.xz (what travels: the device
# tool carries at most 64 MiB). Needs: libopenblas-dev liblapacke-dev zlib1g-dev
# libgfortran-12-dev (for libgfortran.a; the gcc version must match the system compiler).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-.gpu}
ARCH=$(uname -m)
MULTIARCH=/usr/lib/${ARCH}-linux-gnu
GCC_DIR=$(dirname "$(gcc -print-libgcc-file-name)")

find_archive() {  # name, directories...
  local name=$1
  shift
  for dir in "$@"; do
    if [ -e "$dir/$name" ]; then
      readlink -f "$dir/$name"
      return 0
    fi
  done
  echo "build-static.sh: $name not found in $* (install the -dev package named above)" >&2
  return 1
}

STATIC=.build/static-libs
rm -rf "$STATIC"
mkdir -p "$STATIC/pkgconfig" "$OUT"
# Only archives in this directory, searched first, so -lopenblas etc. cannot pick a .so.
ln -s "$(find_archive libopenblas.a "$MULTIARCH/openblas-pthread" "$MULTIARCH")" "$STATIC/libopenblas.a"
ln -s "$(find_archive liblapacke.a "$MULTIARCH")" "$STATIC/liblapacke.a"
ln -s "$(find_archive libgfortran.a "$GCC_DIR")" "$STATIC/libgfortran.a"
ln -s "$(find_archive libquadmath.a "$GCC_DIR")" "$STATIC/libquadmath.a"
ln -s "$(find_archive libz.a "$MULTIARCH")" "$STATIC/libz.a"
STATIC_ABS=$(cd "$STATIC" && pwd)
# COpenBLAS's module map asks pkg-config for openblas; answer with the archive directory.
cat >"$STATIC/pkgconfig/openblas.pc" <<EOF
Name: openblas
Description: OpenBLAS archive for the self-contained dcrl-bench
Version: static
Libs: -L$STATIC_ABS -lopenblas
Cflags: $(pkg-config --cflags openblas)
EOF

PKG_CONFIG_PATH="$STATIC_ABS/pkgconfig" swift build -c release --product dcrl-bench \
  --static-swift-stdlib --scratch-path .build/static \
  -Xlinker -L"$STATIC_ABS" -Xlinker -lopenblas -Xlinker -lgfortran -Xlinker -lquadmath

BINARY=.build/static/release/dcrl-bench
strip -o "$OUT/dcrl-bench" "$BINARY"
xz -T0 -6 -c "$OUT/dcrl-bench" >"$OUT/dcrl-bench.xz"

{
  echo "commit: $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- Sources Benchmarks Package.swift || echo -dirty)"
  echo "built: $(date -u +%FT%TZ) on $(uname -srm)"
  echo "toolchain: $(swift --version 2>/dev/null | head -1)"
} >"$OUT/BUILD_INFO"
cat "$OUT/BUILD_INFO"
echo "== ldd $OUT/dcrl-bench"
ldd "$OUT/dcrl-bench"
if ldd "$OUT/dcrl-bench" | grep -E 'libopenblas|liblapack|libgfortran|libquadmath|libswift|libFoundation|libdispatch|libBlocksRuntime|lib_Foundation'; then
  echo "build-static.sh: the binary still links a library that should be static" >&2
  exit 1
fi
GLIBC=$(objdump -T "$OUT/dcrl-bench" | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -1)
echo "== needs $GLIBC or newer; $(du -h "$OUT/dcrl-bench" | cut -f1) stripped," \
  "$(du -h "$OUT/dcrl-bench.xz" | cut -f1) as $OUT/dcrl-bench.xz"

echo "== smoke: gpu-check (must exit non-zero with 'CUDA unavailable' where there is no GPU)"
set +e
"$OUT/dcrl-bench" gpu-check --no-peer --no-epoch >"$STATIC/gpu-check.log" 2>&1
status=$?
set -e
tail -n 3 "$STATIC/gpu-check.log"
if [ "$status" -eq 0 ]; then
  echo "== gpu-check passed: this machine has a GPU"
elif grep -q '^CUDA unavailable: ' "$STATIC/gpu-check.log"; then
  echo "== gpu-check reported CUDA unavailable and exited $status, as it must without a GPU"
else
  echo "build-static.sh: gpu-check failed without reporting CUDA unavailable" >&2
  exit 1
fi
echo "== smoke: kernels --no-peer --threads 1 --time 0.2"
"$OUT/dcrl-bench" kernels --no-peer --threads 1 --time 0.2 | tail -n 4
