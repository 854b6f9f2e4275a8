#!/usr/bin/env bash
# Mermaid's own parser reads every Mermaid text threatls writes: the export fixtures' snapshots
# (tests/export/*.mmd, hostile labels included), the example shop's diagram, and the README's
# copy of it. Needs Node.js 20 or later with npm (this project's machines have them); installs
# npm's `mermaid` and `jsdom`, at the versions tested, under target/mermaid/ when missing. Run
# after `cargo test` (it builds and runs the debug binary).
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
if [ -z "$major" ] || [ "$major" -lt 20 ] || ! command -v npm >/dev/null; then
  echo "tests/mermaid/check.sh needs Node.js 20 or later and npm (jsdom 29 does not run on older ones)" >&2
  exit 1
fi
prefix=target/mermaid
if [ ! -d "$prefix/node_modules/mermaid" ] || [ ! -d "$prefix/node_modules/jsdom" ]; then
  mkdir -p "$prefix"
  [ -f "$prefix/package.json" ] || echo '{"private": true}' > "$prefix/package.json"
  npm install --prefix "$prefix" --no-audit --no-fund --silent mermaid@11.17.2 jsdom@29.1.1
fi

cargo build --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/debug/threatls export --format mermaid examples/shop --today 2026-11-22 > "$work/shop.mmd"
awk '/^```mermaid$/ { inside = 1; next } /^```$/ { inside = 0 } inside' README.md > "$work/readme.mmd"
[ -s "$work/readme.mmd" ] || { echo "README.md has no mermaid block"; exit 1; }
# Bare specifiers resolve from the script's folder: run it from the install.
cp tests/mermaid/parse.mjs "$prefix/parse.mjs"
node "$prefix/parse.mjs" tests/export/*.mmd "$work/shop.mmd" "$work/readme.mmd"
