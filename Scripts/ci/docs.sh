#!/usr/bin/env bash
# Builds the DocC documentation of every library module with warnings as errors, so broken
# symbol links fail CI. Uses the toolchain's docc without the SwiftPM plugin.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Test modules have no symbol graph until the tests are built, and the command then exits
# non-zero; only the library modules matter, and each catalogue's graph is checked below.
swift package dump-symbol-graph >/dev/null 2>&1 ||
  echo "docs: dump-symbol-graph reported errors (test modules not built); checking the libraries"
graphs=.build/x86_64-unknown-linux-gnu/symbolgraph
[ -d "$graphs" ] || graphs=$(dirname "$(find .build -name 'Tensor.symbols.json' | head -1)")
mkdir -p .build/docs
for catalog in Sources/*/*.docc; do
  module=$(basename "$catalog" .docc)
  if [ ! -e "$graphs/$module.symbols.json" ]; then
    echo "docs: no symbol graph for $module in $graphs" >&2
    exit 1
  fi
  work=$(mktemp -d)
  cp "$graphs/$module.symbols.json" "$work/"
  cp "$graphs/$module"@*.symbols.json "$work/" 2>/dev/null || true
  echo "docc: $module"
  docc convert "$catalog" --additional-symbol-graph-dir "$work" --analyze --warnings-as-errors \
    --fallback-display-name "$module" --fallback-bundle-identifier "dcrl.$module" \
    --output-path ".build/docs/$module.doccarchive"
  rm -rf "$work"
done
echo "docs: all catalogues built"
