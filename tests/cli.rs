//! End-to-end tests of the `threatls` binary: output formats, exit codes, the examples, and
//! files that are not what they seem on disk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn threatls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threatls"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn snapshot(name: &str) -> expect_test::ExpectFile {
    expect_test::expect_file![root().join("tests/snapshots").join(name)]
}

#[test]
fn schema_file_is_current() {
    let output = threatls(&root(), &["schema"]);
    assert!(output.status.success());
    expect_test::expect_file![root().join("schemas/threatmodel.schema.json")].assert_eq(&stdout(&output));
}

#[test]
fn the_shop_example_is_clean() {
    for today in ["2026-11-22", "2027-03-31"] {
        let output = threatls(&root(), &["check", "examples/shop", "--today", today]);
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        assert!(stdout(&output).contains("no problems found."), "{}", stdout(&output));
    }
}

#[test]
fn the_broken_shop_shows_every_rule() {
    let output = threatls(&root(), &["check", "examples/broken-shop", "--today", "2026-11-22", "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    snapshot("broken-shop.txt").assert_eq(&text);
    // Two rules need a file system the repository cannot hold portably; they have tests below.
    // A broken threatls.toml would hide the rest of the example's settings.
    let on_disk_only = ["unreadable-file", "file-too-large", "toml-syntax"];
    for code in threatls::diagnostic::Code::ALL.iter().filter(|c| !on_disk_only.contains(&c.as_str())) {
        assert!(text.contains(&format!("[{}]", code.as_str())), "broken-shop does not show {}", code.as_str());
    }
}

#[test]
fn json_output() {
    let output = threatls(&root(), &["check", "examples/broken-shop", "--today", "2026-11-22", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let errors = diagnostics.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(json["summary"]["errors"].as_u64(), Some(errors as u64));
    snapshot("broken-shop.json").assert_eq(&stdout(&output));
}

#[test]
fn text_and_json_report_the_same_diagnostics() {
    let args = ["check", "examples/broken-shop", "--today", "2026-11-22", "--color", "never"];
    let text = stdout(&threatls(&root(), &args));
    let json = threatls(&root(), &[&args[..4], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let from_text: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("examples/"))
        .map(|l| {
            let (location, rest) = l.split_once(": ").unwrap();
            format!("{location} {}", rest.split_once(": ").unwrap().0)
        })
        .collect();
    let from_json: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (line, character) =
                (d["range"]["start"]["line"].as_u64().unwrap(), d["range"]["start"]["character"].as_u64().unwrap());
            let file = d["file"].as_str().unwrap();
            // Columns differ in unit (characters vs UTF-16) only past astral characters, which the
            // example does not use before a diagnostic.
            format!(
                "{file}:{}:{} {}[{}]",
                line + 1,
                character + 1,
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(from_text, from_json);
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("threatls.toml"), "").unwrap();
    let warn_only = "threatmodel: 1\ntitle: T\nreview: { cadence: monthly, last: 2026-01-01 }\n";
    std::fs::write(dir.path().join("threatmodel.yaml"), warn_only).unwrap();
    let check = |args: &[&str]| threatls(dir.path(), args).status.code();
    assert_eq!(check(&["check", "--today", "2026-11-22"]), Some(0), "warnings alone pass");
    assert_eq!(check(&["check", "--today", "2026-11-22", "--deny", "warnings"]), Some(1));
    assert_eq!(check(&["check", "--today", "2026-01-15"]), Some(0));
    assert_eq!(check(&["check", "does-not-exist"]), Some(2));
    assert_eq!(check(&["check", "--today", "2026-13-01"]), Some(2));
    assert_eq!(check(&["check", "--format", "xml"]), Some(2));
    assert_eq!(check(&["frobnicate"]), Some(2));
    assert_eq!(check(&["--help"]), Some(0));
    let empty = tempfile::tempdir().unwrap();
    let output = threatls(empty.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no threat-model files"));
    // Annotations alone make a workspace worth checking.
    std::fs::write(empty.path().join("main.go"), "// @exposes App.Api to SQL_Injection [low]\n").unwrap();
    let output = threatls(empty.path(), &["check", "--color", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("information[unmitigated-exposure]"), "{}", stdout(&output));
}

#[test]
fn a_file_path_checks_its_whole_workspace_but_reports_only_itself() {
    let output = threatls(&root(), &["check", "examples/shop/payments/threatmodel.yaml", "--today", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).starts_with("Checked 1 model file"), "{}", stdout(&output));
    assert!(stdout(&output).contains("no problems found."), "{}", stdout(&output));
}

#[cfg(unix)]
#[test]
fn files_that_are_not_what_they_seem() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let canary = outside.path().join("canary.threatmodel.yaml");
    std::fs::write(&canary, "threatmodel: 1\ntitle: outside the workspace\n").unwrap();

    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("threatls.toml"), "").unwrap();
    let model = "threatmodel: 1\ntitle: T\nincludes: [linked.yaml, fifo.yaml, big.yaml, folder.yaml]\n";
    std::fs::write(ws.join("threatmodel.yaml"), model).unwrap();
    symlink(&canary, ws.join("linked.yaml")).unwrap();
    symlink(&canary, ws.join("linked.threatmodel.yaml")).unwrap();
    for fifo in ["fifo.yaml", "pipe.threatmodel.yaml"] {
        assert!(Command::new("mkfifo").arg(ws.join(fifo)).status().unwrap().success());
    }
    std::fs::File::create(ws.join("big.yaml")).unwrap().set_len(5 * 1024 * 1024).unwrap();
    std::fs::create_dir(ws.join("folder.yaml")).unwrap();

    let output = threatls(ws, &["check", "--today", "2026-11-22", "--color", "never"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let expect = [
        "include `linked.yaml` cannot be read: it resolves to a file outside the workspace",
        "include `fifo.yaml` cannot be read: it is not a regular file",
        "include `folder.yaml` cannot be read: it is a directory",
        "big.yaml:1:1: error[file-too-large]: this file is 5 MiB, over the 4 MiB limit",
        "linked.threatmodel.yaml:1:1: error[unreadable-file]: cannot read this file: it resolves to a file outside the workspace",
        "pipe.threatmodel.yaml:1:1: error[unreadable-file]: cannot read this file: it is not a regular file",
    ];
    for line in expect {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(!text.contains("outside the workspace\n  |"), "the canary was read:\n{text}");
    assert!(!text.contains("title: outside"), "the canary was read:\n{text}");
}

#[test]
fn source_files_are_scanned_and_odd_ones_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("threatls.toml"), "[files]\nexclude = [\"vendor/**\"]\n").unwrap();
    std::fs::write(ws.join("threatmodel.yaml"), "threatmodel: 1\ntitle: T\n").unwrap();
    std::fs::create_dir_all(ws.join(".guardlink")).unwrap();
    std::fs::create_dir_all(ws.join(".hidden")).unwrap();
    std::fs::create_dir_all(ws.join("vendor")).unwrap();
    std::fs::write(ws.join(".guardlink/defs.gal"), "@threat Replay (#replay) [low]\n").unwrap();
    std::fs::write(ws.join(".hidden/x.go"), "// @exposes Hidden.Api to #replay\n").unwrap();
    std::fs::write(ws.join("vendor/x.go"), "// @exposes Vendored.Api to #replay\n").unwrap();
    std::fs::write(ws.join("api.go"), "package api\n// @exposes Api to #replay\n").unwrap();
    std::fs::write(ws.join("blob.js"), b"var x = 1;\0\0\0 // @exposes Api to #replay\n").unwrap();
    let mut big = b"// @exposes Big to #replay\n".to_vec();
    big.resize(9 * 1024 * 1024, b'x');
    std::fs::write(ws.join("bundle.min.js"), big).unwrap();

    let output = threatls(ws, &["check", "--color", "never"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("api.go:2:20: information[unmitigated-exposure]"), "{text}");
    assert!(!text.contains("Hidden.Api") && !text.contains("Vendored.Api"), "{text}");
    assert!(text.contains("note: skipped 1 source file over the 8.0 MiB limit: bundle.min.js (9.0 MiB)"), "{text}");
    assert!(text.contains("note: skipped 1 binary source file: blob.js"), "{text}");
    let json = threatls(ws, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files: Vec<&str> =
        json["annotations"].as_array().unwrap().iter().map(|a| a["file"].as_str().unwrap()).collect();
    assert_eq!(files, [".guardlink/defs.gal", "api.go"]);
    assert_eq!(json["skipped"].as_array().unwrap().len(), 2);
}

#[test]
fn the_catalog_lists_what_completion_and_hover_draw_on() {
    let output = threatls(&root(), &["catalog", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("the catalog is JSON");
    let classes = json["classes"].as_array().expect("classes");
    assert!(classes.len() >= 55, "{} classes", classes.len());
    let sqli = classes.iter().find(|c| c["id"] == "sql-nosql-injection").expect("sql-nosql-injection");
    assert_eq!(sqli["parent"], "tampering");
    assert_eq!(sqli["asvs"], "V5");
    assert!(json["templates"].as_array().is_some_and(|m| m.iter().any(|m| m["id"] == "parameterised-queries")));
    assert_eq!(json["references"]["owasp"].as_array().map(Vec::len), Some(10));
    let text = threatls(&root(), &["catalog"]);
    assert!(stdout(&text).contains("    sql-nosql-injection"), "finer classes are listed under their parent");
}

/// The README's diagram of the example shop is what `threatls export` prints today (with the
/// date the other tests use); `UPDATE_EXPECT=1 cargo test` rewrites the block.
#[test]
fn the_readme_diagram_is_the_shop_s_export() {
    let output = threatls(&root(), &["export", "--format", "mermaid", "examples/shop", "--today", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let diagram = stdout(&output);
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find("```mermaid\n").expect("README.md shows the shop's diagram in a ```mermaid block")
        + "```mermaid\n".len();
    let end = start + readme[start..].find("```\n").expect("the ```mermaid block ends");
    if readme[start..end] != diagram && std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, format!("{}{diagram}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert!(
        readme[start..end] == diagram,
        "README.md's diagram is not what `threatls export --format mermaid examples/shop` prints; \
         UPDATE_EXPECT=1 cargo test --test cli rewrites it. It prints:\n{diagram}"
    );
}

#[test]
fn export_prints_each_format_and_fails_as_check_does() {
    let shop = root().join("examples/shop");
    let export = |dir: &Path, args: &[&str]| threatls(dir, &[&["export", "--today", "2026-11-22"], args].concat());
    let mermaid = export(&shop, &["--format", "mermaid"]);
    assert_eq!(mermaid.status.code(), Some(0));
    assert!(stdout(&mermaid).starts_with("flowchart LR\n"));
    let from_a_file = export(&root(), &["--format", "mermaid", "examples/shop/payments/threatmodel.yaml"]);
    assert_eq!(stdout(&from_a_file), stdout(&mermaid), "a file exports its whole workspace");
    let dot = export(&shop, &["--format", "dot"]);
    assert!(stdout(&dot).starts_with("digraph threatmodel {\n"));
    let report = stdout(&export(&shop, &["--format", "markdown"]));
    for heading in ["# Threat model: Acme web shop\n", "## Open threats\n", "## Mitigations\n", "## Acceptances\n"] {
        assert!(report.contains(heading), "{heading:?} missing in:\n{report}");
    }
    assert!(report.contains("  - in code at `services/billing/invoices.go:38` on `shop-api`"), "{report}");
    assert!(report.ends_with(&format!("```mermaid\n{}```\n", stdout(&mermaid))), "{report}");

    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("threatls.toml"), "").unwrap();
    let output = export(empty.path(), &["--format", "dot"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no threat-model files"));
    assert_eq!(export(&shop, &["--format", "svg"]).status.code(), Some(2));
    assert_eq!(export(&shop, &[]).status.code(), Some(2), "--format is required");
    assert_eq!(export(&shop, &["--format", "dot", "no-such-dir"]).status.code(), Some(2));
}
