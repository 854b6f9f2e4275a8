"""The synthetic workspace the benchmarks run on, generated once and reused: source files in
ten languages, 5% of them annotated, and a threat model at the root."""

import os
import random
import shutil

GENERATOR_VERSION = "5"
# The CWE Top 25 (2024): numbers threatls' catalog lists, so the model draws no hints.
TOP_CWES = [79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269, 502, 200, 863, 918, 119,
            476, 798, 190, 400, 306]

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

ASSETS = [f"svc-{i:03}" for i in range(100)]
CLASSES = ["spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"]


def threat_ids(threats):
    return [f"t{i:04}" for i in range(threats)]


def model(path, threats):
    """A model with `threats` threats in block style (about 200 bytes each), every one mitigated."""
    with open(path, "w") as f:
        f.write("threatmodel: 1\ntitle: Benchmark shop\nassets:\n")
        for a in ASSETS:
            f.write(f"  - {{ id: {a}, kind: process }}\n")
        f.write("threats:\n")
        for i, t in enumerate(threat_ids(threats)):
            f.write(f"  - id: {t}\n")
            f.write(f"    title: Threat {i} against the input handling of {ASSETS[i % len(ASSETS)]}\n")
            f.write(f"    class: {CLASSES[i % len(CLASSES)]}\n")
            f.write("    severity: medium\n")
            f.write(f"    affects: [{ASSETS[i % len(ASSETS)]}]\n")
            f.write(f"    refs: [cwe:CWE-{TOP_CWES[i % len(TOP_CWES)]}]\n")
        f.write("mitigations:\n")
        for i, t in enumerate(threat_ids(threats)):
            f.write(f"  - {{ id: m-{t}, title: Control {i}, mitigates: [{t}], status: verified }}\n")


def annotations(rng, marker, threats):
    out = []
    for _ in range(rng.randint(1, 5)):
        t, a = rng.choice(threats), rng.choice(ASSETS)
        kind = rng.random()
        if kind < 0.5:
            out.append(f"{marker} @exposes #{a} to #{t} -- \"reads user input\"")
            out.append(f"{marker} @mitigates #{a} against #{t} using #m-{t}")
        elif kind < 0.8:
            out.append(f"{marker} @flows #{a} -> #{rng.choice(ASSETS)} via https")
        else:
            out.append(f"{marker} @mitigates #{a} against #{t}")
    return out


def generate(directory, files, threats=200, sizes=(2_000, 18_000)):
    """Writes the workspace: `files` source files of `sizes` bytes (5% annotated), a model of
    `threats` threats at its root. Returns the bytes of source written."""
    rng = random.Random(20261122)
    ids = threat_ids(threats)
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    with open(os.path.join(directory, "threatls.toml"), "w") as f:
        f.write("# benchmark workspace\n")
    model(os.path.join(directory, "threatmodel.yaml"), threats)
    weights = [w for _, _, w in LANGUAGES]
    total = 0
    for n in range(files):
        ext, marker, _ = rng.choices(LANGUAGES, weights)[0]
        sub = os.path.join(directory, f"pkg{n % 400:03}", f"mod{(n // 400) % 25:02}")
        os.makedirs(sub, exist_ok=True)
        lines = []
        target = rng.randint(*sizes)
        size = 0
        annotated = rng.random() < 0.05
        at = rng.randint(0, 40) if annotated else -1
        i = 0
        while size < target:
            if i == at:
                if marker:
                    block = annotations(rng, marker, ids)
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
        f.write(stamp(files, threats, sizes))
    return total


def stamp(files, threats, sizes):
    return f"{GENERATOR_VERSION} {files} {threats} {sizes[0]} {sizes[1]}\n"


def ensure(directory, files, threats=200, sizes=(2_000, 18_000)):
    """Generates the workspace unless the one in `directory` was made with these parameters."""
    marker = os.path.join(directory, ".generated")
    if os.path.exists(marker) and open(marker).read() == stamp(files, threats, sizes):
        return
    print(f"generating {files} files in {directory} ...", flush=True)
    total = generate(directory, files, threats, sizes)
    print(f"  {total / 1e9:.2f} GB of source", flush=True)



def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
