#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, made from the repository's fixtures, to
target/fuzz/seeds/<target>/ (or the directory given): generated on each run rather than
committed, so they follow the fixtures. `curated/<target>/` (committed) is copied in too."""

import json
import re
import shutil
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
REPO = FUZZ.parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "target" / "fuzz" / "seeds"
ROOT = re.search(r'pub const ROOT: &str = "([^"]+)"', (FUZZ / "src/lsp.rs").read_text()).group(1)
# The annotation target's file names, in the order its first byte picks them.
NAMES = re.findall(r'^\s+"([^"]+)",$', (FUZZ / "src/annotations.rs").read_text().split("pub const NAMES")[1].split("];")[0], re.M)


def model_texts():
    """Every YAML file of the fixtures and examples, and each file of a multi-file fixture."""
    files = [p for d in ["tests", "examples", "catalog"] for p in sorted((REPO / d).rglob("*.yaml"))]
    for path in files:
        text = path.read_bytes().replace(b"$0", b"")
        yield text
        parts = re.split(rb"^#- [^\n]*\n", text, flags=re.M)
        if len(parts) > 2:
            yield from parts[1:]


def source_files():
    for path in sorted((REPO / "tests/annotations").rglob("*")):
        if path.is_file() and path.suffix != ".expected":
            yield path.read_bytes()
    for path in sorted((REPO / "examples").rglob("*")):
        if path.is_file() and path.suffix not in (".yaml", ".toml"):
            yield path.read_bytes()


def frame(message):
    body = json.dumps(message, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(text, name):
    """An editor's session on one document: open, every query, an edit, and the end."""
    uri = f"{ROOT}/{name}"
    lines = text.split("\n")
    doc = {"uri": uri}
    positions = [{"line": n, "character": 4} for n in sorted({len(lines) // 3, len(lines) // 2, 2 * len(lines) // 3})]
    messages = [
        {"method": "textDocument/didOpen", "params": {"textDocument": {**doc, "languageId": "yaml", "version": 1, "text": text}}}
    ]
    queries = [
        ("textDocument/hover", {}),
        ("textDocument/completion", {}),
        ("textDocument/definition", {}),
        ("textDocument/references", {"context": {"includeDeclaration": True}}),
        ("textDocument/documentHighlight", {}),
        ("textDocument/prepareRename", {}),
        ("textDocument/rename", {"newName": "renamed"}),
    ]
    for position in positions:
        for method, extra in queries:
            messages.append({"id": len(messages), "method": method, "params": {"textDocument": doc, "position": position, **extra}})
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
    messages += [
        {"id": 90, "method": "textDocument/documentSymbol", "params": {"textDocument": doc}},
        {"id": 91, "method": "textDocument/semanticTokens/full", "params": {"textDocument": doc}},
        {"id": 92, "method": "textDocument/codeAction", "params": {"textDocument": doc, "range": whole, "context": {"diagnostics": []}}},
        {"id": 93, "method": "textDocument/codeLens", "params": {"textDocument": doc}},
        {"id": 94, "method": "workspace/symbol", "params": {"query": "a"}},
        {"id": 95, "method": "workspace/executeCommand", "params": {"command": "threatls.diagram", "arguments": [{"uri": uri, "format": "mermaid"}]}},
        {"method": "textDocument/didChange", "params": {"textDocument": {**doc, "version": 2}, "contentChanges": [
            {"range": {"start": positions[0], "end": positions[-1]}, "text": "  - id: x\n"}]}},
        {"id": 96, "method": "textDocument/completion", "params": {"textDocument": doc, "position": positions[0]}},
        {"method": "workspace/didChangeConfiguration", "params": {"settings": {"threatls": {"today": "2027-01-01"}}}},
        {"id": 97, "method": "$/cancelRequest", "params": {"id": 96}},
        {"method": "textDocument/didClose", "params": {"textDocument": doc}},
        {"id": 98, "method": "shutdown"},
        {"method": "exit"},
    ]
    return b"".join(frame({"jsonrpc": "2.0", **m}) for m in messages)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    seeds = {target: [] for target in ["model", "annotations", "positions", "lsp"]}
    models = list(model_texts())
    sources = list(source_files())
    seeds["model"] = models
    seeds["annotations"] = [bytes([pick]) + source for source in sources for pick in range(len(NAMES))]
    tricky = [b"", b"a\r\nb\rc\n", "\u00e9\U0001F600\r\n\r\n\U0001F600x".encode(), b"\r\r\n\n", b"\xff\xc3(\r\n\xe2\x82"]
    seeds["positions"] = [bytes(8) + text[:200] for text in tricky + models[:40] + sources[:20]]
    for n, text in enumerate(models[:30] + sources[:10]):
        name = "threatmodel.yaml" if n < 30 else "src/code.go"
        seeds["lsp"].append(bytes([n % 3]) + session(text.decode("utf-8", "replace"), name))
    for target, inputs in seeds.items():
        directory = OUT / target
        directory.mkdir(parents=True)
        for n, data in enumerate(inputs):
            (directory / f"seed-{n:04}").write_bytes(data)
        curated = FUZZ / "curated" / target
        if curated.is_dir():
            for path in curated.iterdir():
                shutil.copy(path, directory / f"curated-{path.name}")
        print(f"{target}: {len(list(directory.iterdir()))} seeds in {directory}")


main()
