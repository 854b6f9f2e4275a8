#!/usr/bin/env bash
# threatls.el with Eglot against the real server, in batch Emacs: Debian's emacs-nox 28 with
# elpa-eglot, elpa-yaml-mode and elpa-go-mode. Runs once as a user with yaml-mode has it, and
# once without yaml-mode, where model files fall back to threatls' own YAML mode.
# Usage: editors/emacs/test.sh THREATLS_BIN
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
# A scratch HOME: -Q already skips the user's init files; this also keeps packages from
# ~/.emacs.d/elpa out of the run, and Eglot's and Emacs's state files out of the real HOME.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
echo "--- $(emacs --version | head -n 1), Eglot $(basename /usr/share/emacs/site-lisp/elpa/eglot-* | sed 's/eglot-//')"
status=0
for variant in yaml-mode no-yaml-mode; do
  echo "-- model files under $variant"
  no_yaml=
  [ "$variant" = yaml-mode ] || no_yaml=1
  if ! HOME="$home" THREATLS_BIN="$bin" THREATLS_NO_YAML_MODE="$no_yaml" timeout 120 \
      emacs --batch -Q -L editors/emacs -l editors/emacs/test/batch.el </dev/null; then
    echo "FAILED in Emacs ($variant)"
    status=1
  fi
done
exit $status
