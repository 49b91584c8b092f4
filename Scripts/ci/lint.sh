#!/usr/bin/env bash
# Formatting and documentation lint: the toolchain's swift-format with the repository's
# .swift-format (2-space indent, 100 columns, documented public declarations).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift format lint --strict --recursive Sources Tests Tools Examples Benchmarks
