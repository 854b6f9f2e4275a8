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
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATTERN = "@(exposes|mitigates|accepts|threat|control|asset|flows)"
GENERATOR_VERSION = "3"

LANGUAGES = [
    # extension, line comment, share of files
    ("go", "//", 0.15),
    ("ts", "//", 0.15),
    ("py", "#", 0.15),
    ("java", "//", 0.10),
    ("rs", "//", 0.10),
    ("js", "//", 0.10),
    ("rb", "#", 0.05),
    ("c", "//", 0.05),
    ("yaml", "#", 0.10),
    ("md", None, 0.05),
]

CODE_LINES = [
    "func handle(w http.ResponseWriter, r *http.Request) error {",
    "    if err := validate(req); err != nil { return fmt.Errorf(\"invalid request: %w\", err) }",
    "    const user = await db.users.findOne({ where: { email: input.email } });",
    "    for item in order.items: total += item.price * item.quantity",
    "    let invoice = repo.find(invoice_id).await?.ok_or(Error::NotFound)?;",
    "    public Response charge(@RequestBody ChargeRequest request) {",
    "    logger.info(\"charged %s for order %s\", amount, order_id)",
    "    return { status: 200, body: JSON.stringify(result) };",
    "    cache.set(key, value, ttl=300)  # expires in five minutes",
    "    @Override public String toString() { return \"Order(\" + id + \")\"; }",
    "    mail_to = \"billing@example.com\"",
    "    }",
    "",
    "    if (!session.isValid()) throw new UnauthorizedException(\"session expired\");",
    "    results = [transform(row) for row in cursor.fetchall() if row.active]",
    "    spec:\n      replicas: 3\n      template:\n        metadata:\n          labels: { app: billing }",
]

COMMENT_LINES = [
    "TODO: paginate the results",
    "Keep in sync with the mobile client.",
    "See the runbook for the failover procedure.",
    "The retry budget is shared with the payment worker.",
]

THREATS = [f"t{i:03}" for i in range(200)]
ASSETS = [f"svc-{i:03}" for i in range(100)]


def model(path):
    with open(path, "w") as f:
        f.write("threatmodel: 1\ntitle: Benchmark shop\nassets:\n")
        for a in ASSETS:
            f.write(f"  - {{ id: {a}, kind: process }}\n")
        f.write("threats:\n")
        for i, t in enumerate(THREATS):
            f.write(f"  - {{ id: {t}, title: Threat {i}, class: tampering, severity: medium, affects: [{ASSETS[i % len(ASSETS)]}] }}\n")
        f.write("mitigations:\n")
        for i, t in enumerate(THREATS):
            f.write(f"  - {{ id: m-{t}, title: Control {i}, mitigates: [{t}], status: verified }}\n")


def annotations(rng, marker):
    out = []
    for _ in range(rng.randint(1, 5)):
        t, a = rng.choice(THREATS), rng.choice(ASSETS)
        kind = rng.random()
        if kind < 0.5:
            out.append(f"{marker} @exposes #{a} to #{t} -- \"reads user input\"")
            out.append(f"{marker} @mitigates #{a} against #{t} using #m-{t}")
        elif kind < 0.8:
            out.append(f"{marker} @flows #{a} -> #{rng.choice(ASSETS)} via https")
        else:
            out.append(f"{marker} @mitigates #{a} against #{t}")
    return out


def generate(directory, files):
    rng = random.Random(20261122)
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    with open(os.path.join(directory, "threatls.toml"), "w") as f:
        f.write("# benchmark workspace\n")
    model(os.path.join(directory, "threatmodel.yaml"))
    weights = [w for _, _, w in LANGUAGES]
    total = 0
    for n in range(files):
        ext, marker, _ = rng.choices(LANGUAGES, weights)[0]
        sub = os.path.join(directory, f"pkg{n % 400:03}", f"mod{(n // 400) % 25:02}")
        os.makedirs(sub, exist_ok=True)
        lines = []
        target = rng.randint(2_000, 18_000)
        size = 0
        annotated = rng.random() < 0.05
        at = rng.randint(0, 40) if annotated else -1
        i = 0
        while size < target:
            if i == at:
                if marker:
                    block = annotations(rng, marker)
                else:
                    block = [f"<!-- @audit #{rng.choice(ASSETS)} -- \"docs\" -->"]
                lines.extend(block)
            elif marker and rng.random() < 0.1:
                lines.append(f"{marker} {rng.choice(COMMENT_LINES)}")
            else:
                lines.append(rng.choice(CODE_LINES))
            size += len(lines[-1]) + 1
            i += 1
        text = "\n".join(lines) + "\n"
        total += len(text)
        with open(os.path.join(sub, f"file{n:06}.{ext}"), "w") as f:
            f.write(text)
    with open(os.path.join(directory, ".generated"), "w") as f:
        f.write(f"{GENERATOR_VERSION} {files}\n")
    return total


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


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


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

    marker = os.path.join(args.dir, ".generated")
    if not (os.path.exists(marker) and open(marker).read().split() == [GENERATOR_VERSION, str(args.files)]):
        print(f"generating {args.files} files in {args.dir} ...", flush=True)
        total = generate(args.dir, args.files)
        print(f"  {total / 1e9:.2f} GB", flush=True)
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
