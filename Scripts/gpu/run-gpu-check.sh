#!/usr/bin/env bash
# The one command a session with a GPU machine runs: unpacks the static dcrl-bench, finds the
# CUDA libraries that PyTorch's wheels (or a toolkit) installed, prints the machine, and runs
# `dcrl-bench gpu-check` (CUDA parity suite, cuBLAS GEMM table, autoencoder step against the
# PyTorch CUDA peer, DCRLTrainer's epoch on MNIST-full), writing everything under OUT.
#
# Usage (from the repository root, on the GPU machine):
#   Scripts/gpu/run-gpu-check.sh [BINARY] [DATA] [OUT]
#     BINARY  dcrl-bench or dcrl-bench.xz from Scripts/gpu/build-static.sh (default .gpu/dcrl-bench.xz)
#     DATA    directory holding mnist/*.gz (default .gpu/data; the DCRL epoch skips without it)
#     OUT     result directory (default $OUT, else /tmp/dcrl-gpu-check)
#
# Preparing a device session (on the build machine, in the checkout the device tool sends;
# /.gpu/ is git-ignored, so it travels only because the call names it in carry):
#   Scripts/gpu/build-static.sh .gpu && rm .gpu/dcrl-bench
#   mkdir -p .gpu/data/mnist && cp ../shared/data/mnist/*.gz .gpu/data/mnist/
# then one device call: command `Scripts/gpu/run-gpu-check.sh`, carry [".gpu"], timeout_s 580.
# Expected: about 1.5 min for gpu-check and up to 2 min for the memcheck pass; the caps below
# (240 + 120 + 180 s) keep the worst case under 10 minutes. The files under OUT come back.
#
# Steps: (1) gpu-check: thorough parity, GEMM table, AE step vs PyTorch CUDA, DCRL epoch
# (OUT/gpu-check.md); (2) where compute-sanitizer exists, memcheck over the quick parity suite
# (OUT/memcheck.log: out-of-bounds or misaligned device accesses that parity may not see);
# (3) only if (1) crashed (a CUDA fault stops the process): the timings without parity
# (OUT/gpu-check-timings.md).
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
  # xz, else Python's lzma (the GPU image has Python; xz-utils is likely but not promised).
  xz -dc "$BINARY" >/tmp/dcrl-bench 2>/dev/null ||
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$BINARY" /tmp/dcrl-bench || exit 1
  chmod +x /tmp/dcrl-bench
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

echo "== (1) gpu-check"
# shellcheck disable=SC2086  # GPU_CHECK_ARGS is a list of flags
timeout 240 "$BINARY" gpu-check --data "$DATA" --out "$RESULTS/gpu-check.md" ${GPU_CHECK_ARGS:-}
status=$?
echo "== gpu-check exit status $status (0: all parity checks pass; 1: a check failed or no CUDA;" \
  "124: timed out; 132/134: a CUDA fault stopped it)"

SANITIZER=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
if [ -n "$SANITIZER" ] && [ "$status" -ne 124 ]; then
  echo "== (2) compute-sanitizer memcheck over the quick parity suite"
  timeout 120 "$SANITIZER" --tool memcheck --print-limit 20 --error-exitcode 99 \
    "$BINARY" gpu-check --parity quick --no-timing >"$RESULTS/memcheck.log" 2>&1
  echo "== memcheck exit status $? (0: clean; 99: errors, see memcheck.log; 124: timed out)"
  grep -E "ERROR SUMMARY|Invalid|of [0-9]+ primitives pass" "$RESULTS/memcheck.log" | head -20
fi

if [ "$status" -ge 128 ]; then
  echo "== (3) gpu-check crashed: timings without parity"
  # shellcheck disable=SC2086
  timeout 180 "$BINARY" gpu-check --parity none --data "$DATA" \
    --out "$RESULTS/gpu-check-timings.md" ${GPU_CHECK_ARGS:-}
  echo "== timings-only exit status $?"
fi
exit $status
