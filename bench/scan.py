#!/usr/bin/env python3
"""Workspace-scan benchmark: `threatls check` against ripgrep on the same synthetic tree.

Generates (once, then reuses) a workspace of 100,000 source files, about 1 GB, in ten
languages, 5% of them annotated, with a threat model at its root; then times, in the same run,

    threatls check <tree> --format json
    rg -c '@(exposes|mitigates|accepts|threat|control|asset|flows)' <tree>

alternately, after a warm-up run of each, and prints the median and 90th percentile of each,
their ratio, and each command's peak memory (max RSS, from wait4).

    python3 bench/scan.py [--files N] [--runs N] [--dir PATH]

Needs ripgrep on PATH, and GNU time for peak memory (Debian: `apt-get install ripgrep time`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from workspace import ensure, percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATTERN = "@(exposes|mitigates|accepts|threat|control|asset|flows)"

def run(cmd):
    """Runs `cmd` with output discarded; returns (seconds, peak RSS in MiB, exit code).

    Peak memory comes from GNU time (`/usr/bin/time -f %M`): a child's own rusage would count
    the Python process it was forked from."""
    gnu_time = "/usr/bin/time"
    report = os.path.join(os.environ.get("TMPDIR", "/tmp"), "threatls-bench-rss")
    wrapped = [gnu_time, "-f", "%M", "-o", report] + cmd if os.path.exists(gnu_time) else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    peak_kib = usage.ru_maxrss
    if wrapped is not cmd:
        with open(report) as f:
            peak_kib = int(f.read().split()[-1])
    return elapsed, peak_kib / 1024, os.waitstatus_to_exitcode(status)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "threatls-bench-scan"))
    args = parser.parse_args()

    rg = shutil.which("rg")
    if not rg:
        sys.exit("ripgrep is not on PATH; install it (Debian: apt-get install ripgrep) and run again")
    print("building threatls (release)...", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    threatls = os.path.join(ROOT, "target", "release", "threatls")

    ensure(args.dir, args.files)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.dir) for f in fs)
    print(f"workspace: {args.files} files, {size / 1e9:.2f} GB, {os.cpu_count()} CPUs", flush=True)

    commands = {
        "threatls": [threatls, "check", args.dir, "--format", "json", "--today", "2026-11-22"],
        "ripgrep": [rg, "-c", PATTERN, args.dir],
    }
    for name, cmd in commands.items():
        _, _, code = run(cmd)  # warm the page cache
        print(f"  {name} warm-up exit code {code}", flush=True)
    times = {name: [] for name in commands}
    peaks = {name: 0.0 for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            elapsed, peak, _ = run(cmd)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)

    print()
    print(f"{'command':10} {'median':>9} {'p90':>9} {'min':>9} {'peak RSS':>10}")
    for name in commands:
        t = times[name]
        print(f"{name:10} {statistics.median(t):8.3f}s {percentile(t, 0.9):8.3f}s {min(t):8.3f}s {peaks[name]:8.1f} MiB")
    ratio = statistics.median(times["threatls"]) / statistics.median(times["ripgrep"])
    print(f"\nthreatls / ripgrep (median): {ratio:.2f}x   (target: within 1.2x; threatls peak memory target: under 200 MiB)")


if __name__ == "__main__":
    main()
