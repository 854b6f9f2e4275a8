#!/usr/bin/env bash
# Builds the fuzz targets for libFuzzer on the stable toolchain and prints the directory that
# holds them. The coverage instrumentation is LLVM's SanitizerCoverage, asked for with stable
# `-C` options (the flags cargo-fuzz passes, without its nightly-only sanitizer); no
# AddressSanitizer, which safe Rust does not need, but debug assertions and overflow checks are
# on (Cargo.toml's release profile). The explicit `--target` keeps the flags off build scripts
# and proc macros, which are not linked with libFuzzer.
set -euo pipefail
cd "$(dirname "$0")"
host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/fuzz}"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth"
cargo build --locked --release --target "$host" --bins ${FUZZ_BUILD_ARGS:-} >&2
echo "$CARGO_TARGET_DIR/$host/release"
