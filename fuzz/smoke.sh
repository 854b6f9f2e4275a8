#!/usr/bin/env bash
# CI's fuzzing: builds the targets, then runs each for FUZZ_SECONDS (default 30) from the seeds
# and the corpus so far. Fails on the first crash, hang or memory blow-up, whose input is left
# under target/fuzz/artifacts/<target>/ (the log says which file).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in model annotations positions lsp; do
    echo "fuzz/smoke.sh: $target for ${FUZZ_SECONDS:-30} s"
    if ! ./run.sh "$target" "${FUZZ_SECONDS:-30}" >"$log" 2>&1; then
        tail -n 60 "$log"
        exit 1
    fi
    grep -E '^#[0-9]+\s+DONE|^stat::(number_of_executed_units|average_exec_per_sec)' "$log" || true
done
