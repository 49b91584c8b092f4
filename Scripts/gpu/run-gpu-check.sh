#!/usr/bin/env bash
# The one command a session with a GPU machine runs: unpacks the static dcrl-bench, finds the
# CUDA libraries that PyTorch's wheels (or a toolkit) installed, prints the machine, and runs
# `dcrl-bench gpu-check` (CUDA parity suite, cuBLAS GEMM table, autoencoder step against the
# PyTorch CUDA peer, DCRL epoch proxy on MNIST-full), writing everything under OUT.
#
# Usage (from the repository root, on the GPU machine):
#   Scripts/gpu/run-gpu-check.sh [BINARY] [DATA] [OUT]
#     BINARY  dcrl-bench or dcrl-bench.xz from Scripts/gpu/build-static.sh (default .gpu/dcrl-bench.xz)
#     DATA    directory holding mnist/*.gz (default .gpu/data; the epoch proxy skips without it)
#     OUT     result directory (default $OUT, else /tmp/dcrl-gpu-check)
#
# Preparing a device session (on the build machine, in the checkout the device tool sends):
#   echo /.gpu/ >> .git/info/exclude
#   Scripts/gpu/build-static.sh .gpu && rm .gpu/dcrl-bench
#   mkdir -p .gpu/data/mnist && cp ../shared/data/mnist/*-images-idx3-ubyte.gz .gpu/data/mnist/
# then one device call: command `Scripts/gpu/run-gpu-check.sh`, carry [".gpu"], timeout_s 420.
# gpu-check itself is capped at 300 s here; the files under OUT come back.
#
# Rehearsal without a GPU: DCRL_EXTRA_CUDA_LIBRARY_PATH is searched first (a directory holding
# the test emulator as libcuda.so.1 and libcublas.so.13), and GPU_CHECK_ARGS adds gpu-check
# flags (e.g. "--batch 8 --time 0.05 --epoch-samples 600" keeps the emulated run short).
set -uo pipefail
cd "$(dirname "$0")/../.."
BINARY=${1:-.gpu/dcrl-bench.xz}
DATA=${2:-.gpu/data}
RESULTS=${3:-${OUT:-/tmp/dcrl-gpu-check}}
mkdir -p "$RESULTS"
LOG="$RESULTS/run-gpu-check.log"
exec > >(tee "$LOG") 2>&1

echo "== $(date -u +%FT%TZ) $(uname -srm)"
BUILD_INFO="$(dirname "$BINARY")/BUILD_INFO"
[ -f "$BUILD_INFO" ] && sed 's/^/== binary /' "$BUILD_INFO"
if [[ "$BINARY" == *.xz ]]; then
  xz -dc "$BINARY" >/tmp/dcrl-bench && chmod +x /tmp/dcrl-bench || exit 1
  BINARY=/tmp/dcrl-bench
fi
ldd "$BINARY" | sed 's/^/   /'
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true

# CUDA libraries: the nvidia-* wheels next to PyTorch (cuBLAS, NVRTC), then a toolkit.
LIBS=$(python3 - <<'EOF'
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
dirs = []
for root in roots:
    for lib in sorted(glob.glob(os.path.join(root, "nvidia", "*", "lib"))):
        if glob.glob(lib + "/libcublas.so.*") or glob.glob(lib + "/libnvrtc.so.*"):
            dirs.append(lib)
print(":".join(dirs))
EOF
)
for toolkit in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$toolkit" ] && LIBS="$LIBS${LIBS:+:}$toolkit"
done
if [ -n "${DCRL_EXTRA_CUDA_LIBRARY_PATH:-}" ]; then
  LIBS="$DCRL_EXTRA_CUDA_LIBRARY_PATH${LIBS:+:}$LIBS"
fi
export DCRL_CUDA_LIBRARY_PATH="$LIBS"
echo "== DCRL_CUDA_LIBRARY_PATH=$DCRL_CUDA_LIBRARY_PATH"
python3 -c 'import torch; print("== torch", torch.__version__, "cuda", torch.version.cuda)' || true

# shellcheck disable=SC2086  # GPU_CHECK_ARGS is a list of flags
timeout 300 "$BINARY" gpu-check --data "$DATA" --out "$RESULTS/gpu-check.md" ${GPU_CHECK_ARGS:-}
status=$?
echo "== gpu-check exit status $status (0: all parity checks pass; 124: timed out)"
exit $status
