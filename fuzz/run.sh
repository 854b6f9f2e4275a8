#!/usr/bin/env bash
# Fuzzes one target for a while: fuzz/run.sh <model|annotations|positions|lsp> [seconds] [libFuzzer flags]
# Builds the targets (build.sh), writes the seeds (seeds.py), and runs libFuzzer on the target's
# corpus, target/fuzz/corpus/<target>/, which grows from run to run. A crash stops the run with
# its input under target/fuzz/artifacts/<target>/: keep it under fuzz/regressions/<target>/,
# where `cargo test --test fuzz_regressions` replays it, and fix it.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh <model|annotations|positions|lsp> [seconds] [libFuzzer flags]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
bin=$(./build.sh)/$target
work=${CARGO_TARGET_DIR:-$PWD/../target/fuzz}
python3 seeds.py "$work/seeds" >/dev/null
mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
# -timeout: an input that takes this long is a hang; -rss_limit_mb: one that takes this much
# memory is unbounded memory. Both are crashes.
exec "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$target/" "$@" "$work/corpus/$target" "$work/seeds/$target"
