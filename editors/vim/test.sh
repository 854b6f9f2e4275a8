#!/usr/bin/env bash
# The ALE linter definition against the real server, in batch Vim: Debian's vim
# (9.0, +job +channel) with Debian's vim-ale, loaded by `packadd ale`.
# Usage: editors/vim/test.sh THREATLS_BIN
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "--- $(vim --version | head -n 1 | cut -d'(' -f1)with ALE $(dpkg-query -W -f '${Version}' vim-ale 2>/dev/null || echo '?')"
# -es: silent Ex mode, which shows nothing, so the script reports to $out.
# -u NONE: no user vimrc or plugins; the script loads ALE and editors/vim itself.
status=0
THREATLS_BIN="$bin" THREATLS_OUT="$out" timeout 120 \
  vim -es -N -u NONE -i NONE -S editors/vim/test/batch.vim </dev/null || status=$?
cat "$out"
if [ "$status" != 0 ]; then
  echo "FAILED in Vim (exit $status)"
fi
exit $status
