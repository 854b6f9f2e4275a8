#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need when it is missing, from
# the package registries only: Graphviz (apt-get) for tests/graphviz.rs,
# GNU time and strace (apt-get) for tests/bombs.rs and tests/sandbox.rs, Mermaid's parser (npm,
# under target/mermaid/) for tests/mermaid/check.sh, and the editors (see editors/test.sh).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tests/install.sh
. tests/install.sh

command -v dot >/dev/null || apt_install graphviz
# GNU time measures the input bombs' peak memory (tests/bombs.rs); strace watches the system
# calls of the server and the CLI (tests/sandbox.rs).
[ -x /usr/bin/time ] || apt_install time
command -v strace >/dev/null || apt_install strace
cargo test --locked
command -v c++ >/dev/null || apt_install g++ # fuzz/: libFuzzer is C++, built by libfuzzer-sys
fuzz/smoke.sh # every fuzz target for FUZZ_SECONDS (30) s; see CONTRIBUTING.md
tests/mermaid/check.sh
editors/test.sh
