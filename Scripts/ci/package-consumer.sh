#!/usr/bin/env bash
# "Import as a Swift package" check: a fresh package outside the repository depends on this one
# by path, takes README's quick-start snippet as its main.swift, builds it and runs it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
identity=$(basename "$repo" | tr '[:upper:]' '[:lower:]')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Consumer/Sources/Consumer"
cat > "$work/Consumer/Package.swift" <<PKG
// swift-tools-version: 6.0
import PackageDescription
let package = Package(
  name: "Consumer",
  dependencies: [.package(path: "$repo")],
  targets: [
    .executableTarget(
      name: "Consumer",
      dependencies: [
        .product(name: "DCRL", package: "$identity"), .product(name: "Metrics", package: "$identity"),
        .product(name: "Tensor", package: "$identity"),
      ])
  ])
PKG
# The first swift block after "## Quick start" in README.md.
awk '/^## Quick start/{q=1} q&&/^```swift/{f=1;next} f&&/^```/{exit} f{print}' "$repo/README.md" \
  > "$work/Consumer/Sources/Consumer/main.swift"
test -s "$work/Consumer/Sources/Consumer/main.swift"
cd "$work/Consumer"
swift build -c release 2>&1 | tail -3
./.build/release/Consumer | tee output.txt
grep -q "^ACC " output.txt
echo "package-consumer: README's snippet builds and runs in a fresh package"
