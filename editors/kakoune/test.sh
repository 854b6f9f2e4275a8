#!/usr/bin/env bash
# threatls.kak against the real server, in a headless Kakoune (`-ui dummy`, driven with
# `kak -p`) with kakoune-lsp. It checks that
#   1. threatls.kak composes lsp_servers as documented: threatls alone for model files, added
#      once after the language's default server for source files;
#   2. the diagnostics Kakoune shows for a model file and an annotated Go file of
#      examples/broken-shop (the ranges and faces kakoune-lsp highlights, and the lines of
#      `lsp-diagnostics`) are what `threatls check --format json` reports for them;
#   3. lsp-definition from `#invoice-idor` in the Go file lands on its id in the model.
# Usage: editors/kakoune/test.sh THREATLS_BIN [KAK_LSP] (default: kak-lsp on PATH, else the
# one editors/test.sh installs under target/editors/cargo/bin).
set -euo pipefail
bin=$(realpath "$1")
[ -x "$bin" ] || { echo "FAIL $1 is not an executable"; exit 1; }
kak_lsp=${2:-$(command -v kak-lsp || echo "$(dirname "$0")/../../target/editors/cargo/bin/kak-lsp")}
if [ ! -x "$kak_lsp" ]; then
  echo "FAIL no kak-lsp: cargo install --locked kak-lsp --version 22.0.0"; exit 1
fi
kak_lsp=$(realpath "$kak_lsp")
cd "$(dirname "$0")/../.."
repo=$PWD
today=2026-11-22
version=$(dpkg-query -W -f '${Version}' kakoune 2>/dev/null || kak -version)
echo "--- Kakoune $version with $("$kak_lsp" --version | sed 's/^/kak-lsp /')"

work=$(mktemp -d "${TMPDIR:-/tmp}/threatls-kak.XXXXXX")
session=threatls-test-$$
check_pid=
kak_pid=
lsp_pids=()

# Everything stays in $work: the kakrc, Kakoune's socket and kakoune-lsp's session directory.
export XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run TMPDIR=$work/tmp
export PATH=$(dirname "$kak_lsp"):$PATH
mkdir -p "$XDG_CONFIG_HOME/kak" "$XDG_RUNTIME_DIR" "$TMPDIR"
chmod 700 "$XDG_RUNTIME_DIR"
export THREATLS_TEST_PUBLISHED=$work/published

send() {
  printf '%s\n' "$1" | kak -p "$session" 2>/dev/null
}

# kakoune-lsp daemonizes, so neither it nor the servers it starts are in our process group:
# cleanup ends them by id, kakoune-lsp's from its pid file and the servers as its children.
cleanup() {
  local status=$?
  if [ ${#lsp_pids[@]} -gt 0 ]; then
    for pid in $(pgrep -P "${lsp_pids[0]}" || true); do lsp_pids+=("$pid"); done
  fi
  [ -z "$check_pid" ] || kill "$check_pid" 2>/dev/null || true
  if [ -n "$kak_pid" ] && kill -0 "$kak_pid" 2>/dev/null; then
    send 'kill!' || true
    for _ in $(seq 30); do kill -0 "$kak_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$kak_pid" 2>/dev/null || true
  fi
  # Without a session, kakoune-lsp stops its servers and exits by itself; give it a moment.
  for pid in "${lsp_pids[@]}"; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ] && [ -s "$work/debug.txt" ]; then
    echo "kakoune-lsp's *debug* buffer (last 40 lines):"
    tail -n 40 "$work/debug.txt" | cut -c1-300
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 1. lsp_servers as threatls.kak composes it, without starting anything (no lsp-enable, so
# the default config is triggered here as lsp-enable would). No kakrc exists yet.
kak -ui dummy -e "
  evaluate-commands %sh{kak-lsp}
  source $repo/editors/kakoune/threatls.kak
  edit -scratch go-buffer
  set-option buffer filetype go
  set-option buffer filetype go
  echo -to-file $work/go.servers %opt{lsp_servers}
  edit -scratch model-buffer
  set-option buffer filetype yaml
  trigger-user-hook LSPDefaultConfig=yaml
  set-option buffer filetype threatmodel
  echo -to-file $work/model.servers %opt{lsp_servers}
  quit!
" </dev/null >/dev/null 2>&1 &
check_pid=$!
for _ in $(seq 100); do kill -0 "$check_pid" 2>/dev/null || break; sleep 0.1; done
python3 - "$work" <<'EOF'
import re, sys
work = sys.argv[1]
def tables(name):
    try:
        text = open(f"{work}/{name}").read()
    except FileNotFoundError:
        sys.exit(f"FAIL kak wrote no {name}")
    return re.findall(r"^\s*\[([^\].]+)\]\s*$", text, re.M)
go, model = tables("go.servers"), tables("model.servers")
print("servers go", go)
print("servers threatmodel", model)
if go != ["gopls", "threatls"]:
    sys.exit("FAIL a Go buffer should have gopls (the default) and threatls once")
if model != ["threatls"]:
    sys.exit("FAIL a model buffer should have threatls alone")
EOF

# 2. and 3. in a session with kakoune-lsp on, as a user's kakrc would set it up.
cat >"$XDG_CONFIG_HOME/kak/kakrc" <<EOF
evaluate-commands %sh{kak-lsp}
source $repo/editors/kakoune/threatls.kak
set-option global threatls_cmd '$bin'
set-option global threatls_settings %{today = "$today"}
# No gopls here, and kakoune-lsp turns LSP off in a buffer if one of its servers cannot start.
remove-hooks global lsp-filetype-go
lsp-enable
# kakoune-lsp sets this on each publish, stamped with the buffer's timestamp (1 and up); it is
# also set, stamped 0, as a buffer opens, which is not a publish.
hook global BufSetOption lsp_inlay_diagnostics=.* %{
    nop %sh{
        case "\$kak_opt_lsp_inlay_diagnostics" in
            0|'0 '*) ;;
            *) printf '%s\n' "\$kak_buffile" >>"\$THREATLS_TEST_PUBLISHED" ;;
        esac
    }
}
EOF
model=examples/broken-shop/threatmodel.yaml
code=examples/broken-shop/services/billing/invoices.go
touch "$THREATLS_TEST_PUBLISHED"
kak -s "$session" -ui dummy "$model" </dev/null >"$work/kak.log" 2>&1 &
kak_pid=$!

# Runs a command until it succeeds, for at most $1 seconds.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

running() {
  [ -s "$XDG_RUNTIME_DIR/kakoune-lsp/$session/pid" ]
}
if ! wait_for 10 running; then
  echo "FAIL kakoune-lsp did not start"; cat "$work/kak.log"; exit 1
fi
lsp_pids=("$(cat "$XDG_RUNTIME_DIR/kakoune-lsp/$session/pid")")

# A server may publish more than once (the first time possibly empty): waits for a publish for
# $1 after line $2 of the publish log, then for three quiet seconds.
published=0
changed=${EPOCHREALTIME/./}
settled() {
  local now=${EPOCHREALTIME/./} count
  count=$(wc -l <"$THREATLS_TEST_PUBLISHED")
  if [ "$count" != "$published" ]; then published=$count; changed=$now; fi
  tail -n +"$(($2 + 1))" "$THREATLS_TEST_PUBLISHED" | grep -qx "$repo/$1" && [ $((now - changed)) -ge 3000000 ]
}
# The model first; then the Go file, opened once the server has read the whole workspace, as
# a user opens one file after another.
settled_ok=true
wait_for 15 settled "$model" 0 || { settled_ok=false; echo "FAIL no diagnostics published for $model"; }
if $settled_ok; then
  mark=$(wc -l <"$THREATLS_TEST_PUBLISHED")
  send "evaluate-commands -client client0 %{ edit $code }"
  if ! wait_for 15 settled "$code" "$mark"; then
    settled_ok=false
    # kakoune-lsp shows only what is published while a buffer is open.
    echo "FAIL no diagnostics published for $code after it was opened"
  fi
fi

send "evaluate-commands -client client0 %{
  evaluate-commands -buffer *debug* %{ write -force $work/debug.txt }
  evaluate-commands -buffer * %{
    nop %sh{ printf '%s\t%s\t%s\n' \"\$kak_buffile\" \"\$kak_opt_filetype\" \"\$kak_opt_lsp_inline_diagnostics\" >>$work/ranges }
  }
  lsp-diagnostics
}"
$settled_ok || exit 1
listed() {
  send "evaluate-commands -client client0 %{ try %{
    evaluate-commands -buffer *diagnostics* %{ write -force $work/diagnostics.txt } } }"
  [ -s "$work/diagnostics.txt" ]
}
wait_for 5 listed || { echo "FAIL lsp-diagnostics showed nothing"; exit 1; }

# 3. Definition of `#invoice-idor` from its `@exposes` in Go.
line=$(grep -n '@exposes #shop-api to #invoice-idor' "$code" | cut -d: -f1)
# grep -b counts bytes from 0, Kakoune from 1: +3 is inside the id, past the `#`.
column=$(($(sed -n "${line}p" "$code" | grep -bo '#invoice-idor' | head -n 1 | cut -d: -f1) + 3))
send "evaluate-commands -client client0 %{
  buffer $code
  select $line.$column,$line.$column
  lsp-definition
}"
landed() {
  send "evaluate-commands -client client0 %{
    echo -to-file $work/definition %val{buffile} %val{cursor_line} %val{selection} }"
  grep -q 'threatmodel.yaml' "$work/definition" 2>/dev/null
}
wait_for 5 landed || true

expected=$work/expected.json
"$bin" check examples/broken-shop --format json --today "$today" >"$expected" || [ $? = 1 ]
python3 "$repo/editors/kakoune/test/compare.py" "$repo" "$expected" "$work" "$model" "$code"
