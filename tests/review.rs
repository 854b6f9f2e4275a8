//! The review gate on real git repositories: a base is committed from tests/review/, a change
//! is made in the working tree, and `threatls review --base HEAD` must fire exactly the
//! checkpoints the change passes, and give the verdict and exit code that follow.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

enum Edit {
    Write(&'static str, &'static str),
    Append(&'static str, &'static str),
    Replace(&'static str, &'static str, &'static str),
    Delete(&'static str),
    /// A file of that many distinct lines of plain code.
    Generate(&'static str, usize),
}

use Edit::{Append, Delete, Generate, Replace, Write};

struct Scenario {
    name: &'static str,
    edits: &'static [Edit],
    /// The checkpoints that must fire, in order.
    fired: &'static [&'static str],
    verdict: &'static str,
}

const FLOW: &str = "\n// @flows #pay-api -> #ledger via grpc\n";
const MODEL_FLOW: &str = "  - { id: api-to-ledger, from: pay-api, to: ledger, protocol: postgres }\n";

const SCENARIOS: &[Scenario] = &[
    // Checkpoints that must fire.
    Scenario {
        name: "new exposure",
        edits: &[Append("app.go", "\n// @exposes #pay-api to #ledger-tampering\n")],
        fired: &["feature"],
        verdict: "required",
    },
    Scenario { name: "new data flow", edits: &[Append("app.go", FLOW)], fired: &["data-flow"], verdict: "required" },
    Scenario {
        name: "new data type",
        edits: &[Append("app.go", "\n// @handles pii on #pay-api\n")],
        fired: &["data-type"],
        verdict: "required",
    },
    Scenario {
        name: "mitigation removed from code",
        edits: &[Replace("app.go", "// @mitigates #ledger against #ledger-tampering using #signed-rows\n", "")],
        fired: &["assumption"],
        verdict: "required",
    },
    Scenario {
        name: "new external host",
        edits: &[Append("app.go", "\nconst api = \"https://api.stripe.com/v1\"\n")],
        fired: &["external-service"],
        verdict: "required",
    },
    Scenario {
        name: "cloud sdk import",
        edits: &[Replace(
            "app.go",
            "import \"database/sql\"",
            "import (\n\t\"database/sql\"\n\t\"github.com/aws/aws-sdk-go-v2/service/s3\"\n)",
        )],
        fired: &["external-service"],
        verdict: "required",
    },
    Scenario {
        name: "encryption",
        edits: &[Replace("app.go", "\treturn row + \"!\"", "\treturn encryptAES(row)")],
        fired: &["encryption"],
        verdict: "required",
    },
    Scenario {
        name: "authentication",
        edits: &[Append("app.go", "\nfunc login(user, password string) bool { return check(user, password) }\n")],
        fired: &["authentication"],
        verdict: "required",
    },
    Scenario {
        name: "infrastructure",
        edits: &[Write("deploy/main.tf", "resource \"aws_s3_bucket\" \"ledger\" {}\n")],
        fired: &["infrastructure"],
        verdict: "required",
    },
    Scenario {
        name: "dockerfile",
        edits: &[Write("Dockerfile", "FROM debian:12\n")],
        fired: &["infrastructure"],
        verdict: "required",
    },
    Scenario {
        name: "crypto dependency",
        edits: &[Append("Cargo.toml", "ring = \"0.17\"\n")],
        fired: &["encryption"],
        verdict: "required",
    },
    Scenario {
        name: "database dependency",
        edits: &[Write("package.json", "{ \"dependencies\": { \"pg\": \"8\" } }\n")],
        fired: &["infrastructure"],
        verdict: "required",
    },
    Scenario {
        name: "large change",
        edits: &[Generate("report.go", 1200)],
        fired: &["large-change"],
        verdict: "required",
    },
    Scenario {
        name: "review overdue",
        edits: &[Replace("threatmodel.yaml", "last: 2026-10-01", "last: 2026-01-01")],
        fired: &["schedule"],
        verdict: "required",
    },
    // Answered: the model changed alongside for the assets involved, or the code says it was reviewed.
    Scenario {
        name: "flow with its model update",
        edits: &[
            Append("app.go", FLOW),
            Replace(
                "threatmodel.yaml",
                MODEL_FLOW,
                "  - { id: api-to-ledger, from: pay-api, to: ledger, protocol: postgres }\n  - { id: api-to-ledger-grpc, from: pay-api, to: ledger, protocol: grpc }\n",
            ),
        ],
        fired: &["data-flow"],
        verdict: "done",
    },
    Scenario {
        name: "dependency with a model update",
        edits: &[
            Append("Cargo.toml", "ring = \"0.17\"\n"),
            Replace("threatmodel.yaml", "severity: high", "severity: critical"),
        ],
        fired: &["encryption"],
        verdict: "done",
    },
    Scenario {
        name: "acknowledged by @audit",
        edits: &[Append(
            "app.go",
            "\n// @audit #pay-api -- \"flow reviewed with security, 2026-11-20\"\n// @flows #pay-api -> #ledger via grpc\n",
        )],
        fired: &["data-flow"],
        verdict: "done",
    },
    // Rules from threatls.toml.
    Scenario {
        name: "a rule turned off",
        edits: &[
            Write("threatls.toml", "[review]\noff = [\"authentication\"]\n"),
            Append("app.go", "\nfunc login(user, password string) bool { return check(user, password) }\n"),
        ],
        fired: &[],
        verdict: "not-required",
    },
    Scenario {
        name: "a team's pattern",
        edits: &[
            Write(
                "threatls.toml",
                "[review.patterns]\npayments = { checkpoint = \"external-service\", regex = 'stripe\\.\\w+' }\n",
            ),
            Append("app.go", "\nfunc charge() { stripe.Charge(1) }\n"),
        ],
        fired: &["external-service"],
        verdict: "required",
    },
    // Ordinary changes that must not fire.
    Scenario {
        name: "typo in a comment",
        edits: &[Replace("app.go", "package pay", "// Package pay stores payments.\npackage pay")],
        fired: &[],
        verdict: "not-required",
    },
    Scenario {
        name: "test change",
        edits: &[Append("tests/store_test.go", "\nfunc TestLogin(t *testing.T) { login(\"u\", \"password\") }\n")],
        fired: &[],
        verdict: "not-required",
    },
    Scenario {
        name: "refactor inside one function",
        edits: &[Replace(
            "app.go",
            "\tsig := sign(row)\n\t_, err := db.Exec(\"INSERT INTO ledger VALUES ($1, $2)\", row, sig)\n\tlog(session)\n",
            "\tlog(session)\n\tsig := sign(row)\n\t_, err := db.Exec(\"INSERT INTO ledger VALUES ($1, $2)\", row, sig)\n",
        )],
        fired: &[],
        verdict: "not-required",
    },
    Scenario {
        name: "docs change",
        edits: &[Append(
            "README.md",
            "\nPasswords and sessions are described in the wiki: https://wiki.example.org/pay\n",
        )],
        fired: &[],
        verdict: "not-required",
    },
    Scenario {
        name: "model-only change",
        edits: &[Replace("threatmodel.yaml", "title: Rows are signed", "title: Ledger rows are signed")],
        fired: &[],
        verdict: "not-required",
    },
    Scenario { name: "file deleted", edits: &[Delete("tests/store_test.go")], fired: &[], verdict: "not-required" },
];

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

fn base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/review");
    for entry in ["threatmodel.yaml", "app.go", "Cargo.toml", "README.md", "tests/store_test.go"] {
        let to = dir.path().join(entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(entry), to).unwrap();
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    dir
}

fn apply(dir: &Path, edit: &Edit) {
    match edit {
        Write(path, text) => {
            let to = dir.join(path);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, text).unwrap();
        }
        Append(path, text) => {
            let old = std::fs::read_to_string(dir.join(path)).unwrap();
            std::fs::write(dir.join(path), old + text).unwrap();
        }
        Replace(path, from, to) => {
            let old = std::fs::read_to_string(dir.join(path)).unwrap();
            assert!(old.contains(from), "{path} has no {from:?}");
            std::fs::write(dir.join(path), old.replacen(from, to, 1)).unwrap();
        }
        Delete(path) => std::fs::remove_file(dir.join(path)).unwrap(),
        Generate(path, lines) => {
            let text: String = (0..*lines).map(|i| format!("var total{i} = {i} * 2\n")).collect();
            std::fs::write(dir.join(path), format!("package pay\n\n{text}")).unwrap();
        }
    }
}

fn review(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threatls"))
        .current_dir(dir)
        .args(["review", "--base", "HEAD", "--today", "2026-11-22", "--format", format])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn each_checkpoint_fires_and_ordinary_changes_do_not() {
    let mut failures = Vec::new();
    for scenario in SCENARIOS {
        let dir = base();
        for edit in scenario.edits {
            apply(dir.path(), edit);
        }
        let (code, out) = review(dir.path(), "json");
        let json: Value = serde_json::from_str(&out).unwrap();
        let fired: Vec<&str> =
            json["review"]["triggers"].as_array().unwrap().iter().map(|t| t["checkpoint"].as_str().unwrap()).collect();
        let verdict = json["review"]["verdict"].as_str().unwrap();
        let want_code = if scenario.verdict == "required" { 1 } else { 0 };
        if fired != scenario.fired || verdict != scenario.verdict || code != want_code {
            failures.push(format!(
                "{}: fired {fired:?}, verdict {verdict}, exit {code}; expected {:?}, {}, exit {want_code}\n{out}",
                scenario.name, scenario.fired, scenario.verdict
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_base_that_is_no_revision_is_a_usage_error() {
    let dir = base();
    let out = Command::new(env!("CARGO_BIN_EXE_threatls"))
        .current_dir(dir.path())
        .args(["review", "--base", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-branch` names no commit"));
}

#[test]
fn outside_a_repository_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("threatls.toml"), "").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_threatls"))
        .current_dir(dir.path())
        .args(["review", "--base", "main"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in a git repository"), "{out:?}");
}

#[test]
fn the_markdown_is_a_checklist() {
    let dir = base();
    apply(dir.path(), &Append("app.go", FLOW));
    let (code, out) = review(dir.path(), "markdown");
    assert_eq!(code, 1);
    expect_test::expect![[r#"
        ### ⚠️ Threat-model review required

        The change against `HEAD` passes 1 checkpoints; 1 have no model update. Update the model for them, or add an `@audit` annotation where the code was reviewed.

        - [ ] **Change in how data flows**: `app.go:17`: new or changed `@flows #pay-api -> #ledger via grpc`: a data flow (assets `ledger`, `pay-api`)
    "#]]
    .assert_eq(&out.replace(&short_head(dir.path()), ""));
}

/// ` (1a2b3c4)` after `HEAD`, which differs per run.
fn short_head(dir: &Path) -> String {
    let out = Command::new("git").current_dir(dir).args(["rev-parse", "--short=7", "HEAD"]).output().unwrap();
    format!(" ({})", String::from_utf8_lossy(&out.stdout).trim())
}
