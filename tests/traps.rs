//! Workspace traps (issue 8, item 5): a tree with symbolic-link loops, links out of the root to
//! canaries, FIFOs, unreadable files and 100,000 small files. `threatls check` and the language
//! server's first scan finish, say what they skipped and why, and never read a canary: each
//! canary is a FIFO, so opening one would block the reader for good and the test would fail as
//! a hang (tests/sandbox.rs also watches the system calls).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]
#![cfg(unix)]

mod child;

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use child::{Session, run, tempdir, write_files};
use serde_json::{Value, json};

const SMALL_FILES: usize = 100_000;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success(), "mkfifo {}", path.display());
}

/// Builds the trap tree under `base`: the workspace `base/ws` and the canaries in
/// `base/outside`. Returns the workspace root.
fn trap_tree(base: &Path) -> PathBuf {
    let (root, outside) = (base.join("ws"), base.join("outside"));
    std::fs::create_dir_all(&outside).unwrap();
    for canary in ["canary.threatmodel.yaml", "canary.go", "secret.yaml"] {
        mkfifo(&outside.join(canary));
    }
    let secret = outside.join("secret.yaml");
    let model = format!(
        "threatmodel: 1\ntitle: Traps\nincludes: [../outside/secret.yaml, {}, escape.yaml]\n\
         assets:\n  - {{ id: api, name: API, kind: process }}\nthreats:\n  - {{ id: idor, title: IDOR, class: spoofing }}\n",
        secret.display()
    );
    write_files(
        &root,
        &[
            ("threatls.toml", b""),
            ("threatmodel.yaml", model.as_bytes()),
            ("src/locked.go", b"// @exposes #api to #idor\n"),
            ("locked.threatmodel.yaml", b"threatmodel: 1\ntitle: Locked\n"),
        ],
    );
    let links: [(&Path, &str); 9] = [
        (Path::new("."), "a"),
        (Path::new(".."), "src/up"),
        (Path::new("y"), "x"),
        (Path::new("x"), "y"),
        (Path::new("loop2.threatmodel.yaml"), "loop.threatmodel.yaml"),
        (Path::new("loop.threatmodel.yaml"), "loop2.threatmodel.yaml"),
        (Path::new("../outside/secret.yaml"), "escape.yaml"),
        (&outside.join("canary.threatmodel.yaml"), "canary.threatmodel.yaml"),
        (&outside.join("canary.go"), "src/canary.go"),
    ];
    for (target, link) in links {
        symlink(target, root.join(link)).unwrap();
    }
    symlink(&outside, root.join("outside-dir")).unwrap();
    symlink("y.go", root.join("src/x.go")).unwrap();
    symlink("x.go", root.join("src/y.go")).unwrap();
    mkfifo(&root.join("pipe.go"));
    mkfifo(&root.join("pipe.threatmodel.yaml"));
    for locked in ["src/locked.go", "locked.threatmodel.yaml"] {
        std::fs::set_permissions(root.join(locked), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    for i in 0..SMALL_FILES {
        let dir = root.join(format!("many/d{}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(dir.join(format!("f{i}.go")), "package many\n").unwrap();
    }
    root
}

/// Whether this process runs as root, for whom mode 000 does not make a file unreadable.
fn is_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// (file, code, words in the message) every face must report.
fn expected_diagnostics(root: &Path) -> Vec<(&'static str, &'static str, String)> {
    let secret = root.parent().unwrap().join("outside/secret.yaml");
    let mut expected = vec![
        (
            "threatmodel.yaml",
            "include-outside-workspace",
            "include `../outside/secret.yaml` points outside the workspace".to_owned(),
        ),
        (
            "threatmodel.yaml",
            "include-outside-workspace",
            format!("include `{}` points outside the workspace", secret.display()),
        ),
        (
            "threatmodel.yaml",
            "include-not-found",
            "include `escape.yaml` cannot be read: it resolves to a file outside the workspace".to_owned(),
        ),
        ("canary.threatmodel.yaml", "unreadable-file", "it resolves to a file outside the workspace".to_owned()),
        ("pipe.threatmodel.yaml", "unreadable-file", "it is not a regular file".to_owned()),
        ("loop.threatmodel.yaml", "unreadable-file", "it is a symbolic link that leads to no file".to_owned()),
        ("loop2.threatmodel.yaml", "unreadable-file", "it is a symbolic link that leads to no file".to_owned()),
    ];
    if !is_root() {
        expected.push(("locked.threatmodel.yaml", "unreadable-file", "ermission denied".to_owned()));
    }
    expected
}

/// (file, start of the reason) of every source file the scan must skip.
fn expected_skipped() -> Vec<(&'static str, &'static str)> {
    let mut expected = vec![
        ("pipe.go", "it is not a regular file"),
        ("src/canary.go", "it resolves to a file outside the workspace"),
        ("src/x.go", "it is a symbolic link that leads to no file"),
        ("src/y.go", "it is a symbolic link that leads to no file"),
    ];
    if !is_root() {
        expected.push(("src/locked.go", "Permission denied"));
    }
    expected
}

fn root_note() {
    if is_root() {
        println!(
            "running as root: mode 000 does not stop root from reading, so the locked files are read and that check is left out"
        );
    }
}

#[test]
fn check_finishes_on_a_trap_tree_says_what_it_skipped_and_never_reads_a_canary() {
    let (_keep, base) = tempdir();
    let root = trap_tree(&base);
    root_note();
    let (output, wall) = run(None, &root, &["check", ".", "--format", "json", "--today", "2026-11-22"]);
    println!("check on the trap tree with {SMALL_FILES} small files: {:.2} s", wall.as_secs_f64());
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    for (file, code, words) in expected_diagnostics(&root) {
        assert!(
            diagnostics
                .iter()
                .any(|d| d["file"] == file && d["code"] == code && d["message"].as_str().unwrap().contains(&words)),
            "no {code} on {file} saying {words:?}: {diagnostics:#?}"
        );
    }
    let skipped = json["skipped"].as_array().unwrap();
    println!("skipped: {skipped:#?}");
    for (file, reason) in expected_skipped() {
        assert!(
            skipped.iter().any(|s| s["file"] == file && s["reason"].as_str().unwrap().starts_with(reason)),
            "{file} is not skipped as {reason:?}: {skipped:#?}"
        );
    }
    assert!(json["summary"]["source_files"].as_u64().unwrap() >= SMALL_FILES as u64, "{}", json["summary"]);
    let text = run(None, &root, &["check", ".", "--color", "never", "--today", "2026-11-22"]).0;
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("note: skipped "), "{text}");
    if is_root() {
        assert!(
            diagnostics.iter().any(|d| d["file"] == "src/locked.go"),
            "as root, src/locked.go (mode 000) is read: {diagnostics:#?}"
        );
    }
}

#[test]
fn the_server_s_first_scan_finishes_on_a_trap_tree_and_says_what_it_skipped() {
    let (_keep, base) = tempdir();
    let root = trap_tree(&base);
    root_note();
    let start = Instant::now();
    let mut session = Session::start(None, &root, &root);
    // Workspace symbols wait for the scan of every root.
    let symbols = session.request("workspace/symbol", json!({ "query": "api" }));
    println!("the server's scan of the trap tree: {:.2} s", start.elapsed().as_secs_f64());
    assert!(symbols["result"].as_array().is_some_and(|s| !s.is_empty()), "{symbols}");
    let expected = expected_diagnostics(&root);
    let mut files: Vec<&str> = expected.iter().map(|(file, _, _)| *file).collect();
    files.dedup();
    for file in files {
        session.diagnostics(&root.join(file), |published| {
            expected.iter().filter(|(f, _, _)| *f == file).all(|(_, code, words)| {
                published.iter().any(|d| d["code"] == *code && d["message"].as_str().unwrap().contains(words.as_str()))
            })
        });
    }
    let logs = session.logs();
    let note = logs.iter().find(|l| l.contains("unreadable source file")).unwrap_or_else(|| panic!("{logs:#?}"));
    // The note names the first three, in order: escape.yaml, pipe.go, src/canary.go.
    for (file, reason) in expected_skipped().into_iter().take(2) {
        assert!(note.contains(&format!("{file} ({reason}")), "{file} is not in the note: {note}");
    }
    assert!(session.finish().success());
}
