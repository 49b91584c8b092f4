#!/usr/bin/env bash
# Fuzzes every file loader: the Datasets parsers (IDX, .npy, .npz, CSV, gzip, USPS text,
# Orange .tab), safetensors, and a DCRL model directory.
#
#   Scripts/fuzz/loaders.sh [RUNS] [TARGETS...]     (defaults: 100000 runs; every target)
#
# 1. libFuzzer with AddressSanitizer (coverage-guided; optimised build), starting from Fuzz/corpus/<target>
#    (copied, so the committed corpus is not modified); any crash, leak or sanitizer report
#    stops it and leaves crash-* files in the working folder.
# 2. The plain seeded mutation loop of the same harness in a release build (no sanitizer).
# Prints one line per target and engine with the number of inputs tried; exits non-zero on
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-100000}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx npy npz csv gzip usps tab safetensors model)
work="$(mktemp -d /tmp/dcrl-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT

swift build --product loaders-fuzz --scratch-path .build/fuzz -c release \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DDCRL_LIBFUZZER >/dev/null
swift build --product loaders-fuzz -c release >/dev/null
fuzzer=.build/fuzz/release/loaders-fuzz
plain="$(swift build --product loaders-fuzz -c release --show-bin-path)/loaders-fuzz"

for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  cp Fuzz/corpus/"$target"/* "$work/$target/"
  log="$work/$target.log"
  if ! (cd "$work" && DCRL_FUZZ_TARGET="$target" "$OLDPWD/$fuzzer" -runs="$runs" -seed=1 \
      -max_len=4096 -rss_limit_mb=4096 -print_final_stats=1 "$target" >"$log" 2>&1); then
    tail -40 "$log"
    echo "libFuzzer $target: FAILED (crash files in $work are removed on exit; rerun to keep them)"
    trap - EXIT
    exit 1
  fi
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  echo "libFuzzer $target: $(echo "$done_line" | awk '{print substr($1, 2)}') inputs, no crash ($(echo "$done_line" | grep -oE 'cov: [0-9]+'))"
  "$plain" "$target" "$runs" 1 "Fuzz/corpus/$target"
done
