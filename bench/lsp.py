#!/usr/bin/env python3
"""Language-server benchmark: the real `threatls lsp --stdio` binary, driven over its stdin and
stdout as an editor drives it.

The workspace (generated once, then reused): a model of 5,000 threats (about 1 MB) and 100,000
source files, 5% of them annotated. The benchmark measures

  scan         from `initialized` to the end of the initial scan's `$/progress`
  edit         an incremental `didChange` of the model that changes its diagnostics, until the
               `publishDiagnostics` for that version arrives
  completion   round trips: a threat's `class:` value in the model, `#` in a source comment
  hover        round trips: a threat id in the model, and in a source comment
  definition   round trips: from a `#id` in a source comment to the model
  memory       the server's peak and final resident memory (VmHWM, VmRSS)

and prints the 50th, 95th and 99th percentiles and the maximum of each, against the targets.

    python3 bench/lsp.py [--files N] [--threats N] [--rounds N] [--dir PATH] [--binary PATH]
"""

import argparse
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time

from workspace import ensure, percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS_MS = {"edit": 20.0, "completion": 5.0, "hover": 5.0, "definition": 5.0}
TARGET_RSS_MIB = 300


class Server:
    """The server process, with a thread that reads its frames and stamps their arrival."""

    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen([binary, "lsp", "--stdio"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.inbox = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put((time.perf_counter(), None))
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, matches, timeout=300):
        """The next message that `matches`, and when it arrived; answers the server's requests."""
        deadline = time.perf_counter() + timeout
        while True:
            try:
                arrived, message = self.inbox.get(timeout=max(deadline - time.perf_counter(), 0.001))
            except queue.Empty:
                sys.exit("the server did not answer in time")
            if message is None:
                sys.exit("the server closed its output")
            if "method" in message and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            if matches(message):
                return arrived, message

    def request(self, method, params):
        """The round-trip time in milliseconds, and the result."""
        request_id = self.next_id
        self.next_id += 1
        sent = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        arrived, message = self.wait(lambda m: m.get("id") == request_id and "method" not in m)
        if "error" in message:
            sys.exit(f"{method} failed: {message['error']}")
        return (arrived - sent) * 1000, message.get("result")

    def rss(self):
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def uri(path):
    return "file://" + os.path.abspath(path)


def at(path, line, character):
    return {"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}}


def annotated_file(directory):
    """An annotated Go file of the workspace, and the (line, character) of each `#t` in it."""
    for d, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            if not name.endswith(".go"):
                continue
            path = os.path.join(d, name)
            text = open(path).read()
            spots = [(n, line.index(" #t") + 2) for n, line in enumerate(text.split("\n"))
                     if line.startswith("// @") and " #t" in line]
            if len(spots) >= 2:
                return path, text, spots
    sys.exit("no annotated Go file in the workspace")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--threats", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "threatls-bench-lsp"))
    parser.add_argument("--binary", help="a threatls binary to measure instead of building this checkout's "
                        "(to compare two builds on the same machine in turn)")
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        print("building threatls (release)...", flush=True)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "threatls")
    ensure(args.dir, args.files, args.threats, sizes=(200, 2_000))
    model_path = os.path.join(args.dir, "threatmodel.yaml")
    model = open(model_path).read()
    lines = model.split("\n")
    print(f"workspace: {args.files} source files, a model of {args.threats} threats "
          f"({len(model.encode()) / 1e6:.2f} MB), {os.cpu_count()} CPUs", flush=True)

    server = Server(binary, args.dir)
    started = time.perf_counter()
    capabilities = {
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": True},
        "textDocument": {"publishDiagnostics": {"versionSupport": True}},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
    }
    server.request("initialize", {"processId": os.getpid(), "rootUri": uri(args.dir), "capabilities": capabilities,
                                  "initializationOptions": {"threatls": {"today": "2026-11-22"}}})
    server.notify("initialized", {})
    ended, _ = server.wait(lambda m: m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end")
    scan_s = ended - started

    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri(model_path), "languageId": "yaml",
                                                            "version": 1, "text": model}})
    code_path, code, spots = annotated_file(args.dir)
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri(code_path), "languageId": "go",
                                                            "version": 1, "text": code}})
    waiting = {uri(model_path), uri(code_path)}
    while waiting:
        _, message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        waiting.discard(message["params"]["uri"])

    rng = random.Random(4)
    threat_lines = [n for n, line in enumerate(lines) if line.startswith("  - id: t")]
    class_lines = [n for n, line in enumerate(lines) if line.startswith("    class: ")]
    severity_line = next(n for n, line in enumerate(lines) if n > len(lines) // 2 and line == "    severity: medium")
    times = {name: [] for name in ("edit", "completion model", "completion code", "hover model", "hover code",
                                   "definition")}

    # Edits as typing makes them: a letter typed after a severity (a typo), then deleted, in turn;
    # each changes the model's diagnostics, and moves everything after it by one byte.
    version = 1
    for round_ in range(args.rounds):
        version += 1
        typo = round_ % 2 == 0
        end = 20 if typo else 21
        change = {"range": {"start": {"line": severity_line, "character": 20},
                            "end": {"line": severity_line, "character": end}}, "text": "m" if typo else ""}
        sent = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri(model_path), "version": version},
                                                 "contentChanges": [change]})
        arrived, message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                       and m["params"]["uri"] == uri(model_path) and m["params"].get("version") == version)
        expected = 1 if typo else 0
        if len(message["params"]["diagnostics"]) != expected:
            sys.exit(f"edit {round_}: expected {expected} diagnostics, got {message['params']['diagnostics']}")
        times["edit"].append((arrived - sent) * 1000)

    for round_ in range(args.rounds):
        line, character = rng.choice(spots)
        where = "model" if round_ % 2 == 0 else "code"
        if where == "model":
            elapsed, result = server.request("textDocument/completion", at(model_path, rng.choice(class_lines), 11))
        else:
            elapsed, result = server.request("textDocument/completion", at(code_path, line, character))
        if not result:
            sys.exit("completion gave nothing")
        times[f"completion {where}"].append(elapsed)
        if where == "model":
            elapsed, result = server.request("textDocument/hover", at(model_path, rng.choice(threat_lines), 10))
        else:
            elapsed, result = server.request("textDocument/hover", at(code_path, line, character + 1))
        if not result:
            sys.exit("hover gave nothing")
        times[f"hover {where}"].append(elapsed)
        elapsed, result = server.request("textDocument/definition", at(code_path, line, character + 1))
        if not result:
            sys.exit("definition gave nothing")
        times["definition"].append(elapsed)

    peak, final = server.rss()
    server.request("shutdown", None)
    server.notify("exit", None)
    server.proc.wait(timeout=10)

    print(f"\ninitial scan: {scan_s:.2f} s\n")
    print(f"{'':18} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'target p95':>11}")
    for name, values in times.items():
        target = TARGETS_MS[name.split()[0]]
        p = [percentile(values, q) for q in (0.5, 0.95, 0.99)] + [max(values)]
        verdict = "ok" if p[1] < target else "MISSED"
        print(f"{name:18} " + " ".join(f"{v:6.2f}ms" for v in p) + f" {target:7.0f} ms  {verdict}")
    verdict = "ok" if peak < TARGET_RSS_MIB else "MISSED"
    print(f"\nserver memory: peak {peak:.1f} MiB, at the end {final:.1f} MiB (target: under {TARGET_RSS_MIB} MiB)  {verdict}")


if __name__ == "__main__":
    main()
