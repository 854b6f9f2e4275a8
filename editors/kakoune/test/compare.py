"""Compares what Kakoune showed (written out by editors/kakoune/test.sh) with what
`threatls check --format json` reports for the same files, and checks the definition jump.

Usage: compare.py REPO EXPECTED_JSON WORK_DIR FILE...  (FILE relative to REPO)

Kakoune counts lines and columns from 1, and columns in bytes; the CLI counts from 0, in UTF-16
code units. Two views are compared for each file:
  - the highlighted ranges and their faces (the `lsp_inline_diagnostics` option kakoune-lsp
    sets), converted the way kakoune-lsp converts an LSP range (inclusive end);
  - the lines of the `*diagnostics*` buffer from `lsp-diagnostics`: start, severity, code and
    message.
"""

import json
import os
import re
import sys

repo, expected_path, work, *files = sys.argv[1:]
root = os.path.join(repo, "examples/broken-shop")
failures = []

FACES = {"error": "DiagnosticError", "warning": "DiagnosticWarning",
         "information": "DiagnosticInfo", "hint": "DiagnosticHint"}
LEVELS = {"error": "error", "warning": "warning", "information": "info", "hint": "hint"}


def fail(what):
    failures.append(what)
    print("FAIL " + what)


def byte_column(lines, line, character):
    """The byte offset of a UTF-16 offset in a line."""
    text = lines[line] if line < len(lines) else ""
    units = 0
    for index, char in enumerate(text):
        if units >= character:
            return len(text[:index].encode())
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text.encode())


def kakoune_range(lines, rng):
    """kakoune-lsp's conversion of an LSP range (to_kakoune_utf_8 in its position.rs)."""
    start, end = rng["start"], rng["end"]
    sl, sc = start["line"], byte_column(lines, start["line"], start["character"])
    el, ec = end["line"], byte_column(lines, end["line"], end["character"])
    if (sl, sc) == (el, ec):
        return f"{sl + 1}.{sc + 1},{sl + 1}.{sc + 1}"
    if end["character"] > 0:
        return f"{sl + 1}.{sc + 1},{el + 1}.{ec}"
    return f"{sl + 1}.{sc + 1},{el}.EOL"


def compare(what, got, want):
    print(f"{what} {json.dumps(sorted(got), ensure_ascii=False)}")
    if not want:
        fail(f"{what}: the CLI reports nothing, so the comparison proves nothing")
    elif sorted(got) != sorted(want):
        only_got = [x for x in got if x not in want]
        only_want = [x for x in want if x not in got]
        fail(f"{what}: Kakoune has {len(got)}, the CLI reports {len(want)}\n  only in Kakoune:\n    "
             + "\n    ".join(only_got) + "\n  only from the CLI:\n    " + "\n    ".join(only_want))


with open(expected_path, encoding="utf-8") as f:
    reported = json.load(f)["diagnostics"]

# Per buffer: file name, filetype, then the option's timestamp and ranges.
buffers = {}
with open(os.path.join(work, "ranges"), encoding="utf-8") as f:
    for row in f.read().splitlines():
        name, filetype, ranges = row.split("\t")
        buffers[name] = (filetype, ranges.split()[1:])

listing = {}
with open(os.path.join(work, "diagnostics.txt"), encoding="utf-8") as f:
    for row in f.read().splitlines():
        # path:line:column: [severity][server][source][code] message -- Description: url;
        # related-information lines carry no [severity] and are skipped.
        m = re.match(r"^(.+?):(\d+):(\d+): \[(error|warning|info|hint)\](?:\[threatls\]){0,2}"
                     r"\[([^\]]+)\] (.*?)(?: -- Description: \S+)?$", row)
        if m:
            path = m[1] if os.path.isabs(m[1]) else os.path.join(root, m[1])
            listing.setdefault(os.path.normpath(path), []).append(
                f"{m[2]}:{m[3]} {m[4]} {m[5]} {m[6]}")

for file in files:
    with open(os.path.join(repo, file), encoding="utf-8") as f:
        lines = f.read().split("\n")
    mine = [d for d in reported if d["file"] == file]
    filetype, ranges = buffers.get(os.path.join(repo, file), ("(not open)", []))
    print(f"filetype {file} {filetype}")
    if file.endswith("threatmodel.yaml") and filetype != "threatmodel":
        fail(f"{file} has filetype {filetype}, not threatmodel")
    want = []
    for d in mine:
        r = kakoune_range(lines, d["range"])
        want.append(f"{r}|{FACES[d['severity']]}")
    got = [re.sub(r",(\d+)\.\d{6,}\|", r",\1.EOL|", r) for r in ranges]
    compare(f"ranges {file}", got, want)
    want = []
    for d in mine:
        start = d["range"]["start"]
        column = byte_column(lines, start["line"], start["character"]) + 1
        message = d["message"].strip().replace("\n", "\u240a")
        want.append(f"{start['line'] + 1}:{column} {LEVELS[d['severity']]} {d['code']} {message}")
    compare(f"lsp-diagnostics {file}", listing.get(os.path.join(repo, file), []), want)

try:
    with open(os.path.join(work, "definition"), encoding="utf-8") as f:
        buffile, line, *_ = f.read().split()
    with open(buffile, encoding="utf-8") as f:
        text = f.read().split("\n")[int(line) - 1]
except (OSError, ValueError, IndexError):
    buffile, text = "(nowhere)", ""
print(f"definition {buffile}: {text.strip()}")
if not buffile.endswith("broken-shop/threatmodel.yaml") or "id: invoice-idor" not in text:
    fail("lsp-definition from #invoice-idor did not land on its id in the model")

print("ok" if not failures else f"{len(failures)} checks failed")
sys.exit(1 if failures else 0)
