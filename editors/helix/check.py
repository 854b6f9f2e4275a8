"""Checks editors/helix/languages.toml without Helix, which no package registry reachable here
ships: it must parse as TOML, use only keys that Helix 24.03 and later accept in
languages.toml (its book, languages.md and adding_languages.md), send threatls' settings under a `threatls` key, detect
model files by glob, and add threatls to each language after its own servers. The runtime
queries must point the threatmodel language at YAML's.

Usage: python3 editors/helix/check.py   (Python 3.11+, for tomllib)
"""

import fnmatch
import os
import sys
import tomllib

here = os.path.dirname(os.path.abspath(__file__))

# The keys of a [[language]] table and of a [language-server.*] table in Helix 24.03 (later
# releases add more, which this file does not use).
LANGUAGE_KEYS = {
    "name", "language-id", "scope", "injection-regex", "file-types", "shebangs", "roots",
    "auto-format", "diagnostic-severity", "comment-token", "comment-tokens",
    "block-comment-tokens", "indent", "language-servers", "grammar", "formatter", "soft-wrap",
    "text-width", "rulers", "workspace-lsp-roots", "persistent-diagnostic-sources", "auto-pairs",
    "debugger",
}
SERVER_KEYS = {"command", "args", "config", "timeout", "environment", "required-root-patterns"}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL " + what)


with open(os.path.join(here, "languages.toml"), "rb") as f:
    config = tomllib.load(f)

check(set(config) == {"language-server", "language"}, f"top-level tables: {sorted(config)}")
server = config["language-server"]["threatls"]
check(set(server) <= SERVER_KEYS, f"unknown language-server keys: {sorted(set(server) - SERVER_KEYS)}")
check(server.get("args") == ["lsp", "--stdio"], "the server runs as `threatls lsp --stdio`")
check(isinstance(server.get("config", {}).get("threatls"), dict), "settings go under config.threatls")

languages = config["language"]
names = [language["name"] for language in languages]
check(len(names) == len(set(names)), "a language is listed twice")
for language in languages:
    unknown = set(language) - LANGUAGE_KEYS
    check(not unknown, f"{language['name']}: unknown keys {sorted(unknown)}")
    servers = language.get("language-servers", [])
    check(servers.count("threatls") == 1 and servers[-1] == "threatls",
          f"{language['name']}: threatls must come once, after the language's own servers")

model = next((language for language in languages if language["name"] == "threatmodel"), {})
check("scope" in model and "file-types" in model, "a new language needs scope and file-types")
check(model.get("grammar") == "yaml", "model files are parsed as YAML")
check(model.get("language-servers") == ["threatls"], "model files get threatls alone")
# Helix matches globs against the absolute path, prefixing `*/` to those that start with
# neither `/` nor a glob character; `*` crosses `/`, as fnmatch's does.
globs = [t["glob"] for t in model.get("file-types", []) if isinstance(t, dict)]
globs = [g if g.startswith(("/", "*", "?", "[", "{")) else "*/" + g for g in globs]
for path, model_file in [
    ("/src/shop/threatmodel.yaml", True), ("/src/shop/threatmodel.yml", True),
    ("/src/shop/payments.threatmodel.yaml", True), ("/src/shop/a/b.threatmodel.yml", True),
    ("/src/shop/k8s/deploy.yaml", False), ("/src/shop/notthreatmodel.yaml", False),
]:
    matched = any(fnmatch.fnmatchcase(path, g) for g in globs)
    check(matched == model_file, f"{path}: {'not ' if model_file else ''}detected as a model file")

queries = os.path.join(here, "runtime", "queries", "threatmodel")
for name in ["highlights.scm", "indents.scm", "injections.scm", "textobjects.scm"]:
    try:
        with open(os.path.join(queries, name), encoding="utf-8") as f:
            check(f.read().strip() == "; inherits: yaml", f"{name} inherits YAML's")
    except OSError:
        check(False, f"runtime/queries/threatmodel/{name} is missing")

print("helix config: " + ("ok" if not failures else f"{len(failures)} checks failed"))
sys.exit(1 if failures else 0)
