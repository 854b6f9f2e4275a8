//! Input bombs (issue 8, item 3): each gives a clean diagnostic, quickly, with bounded memory,
//! from `threatls check` and from the language server alike. The inputs are generated here, in
//! a temporary directory; the binary runs under GNU `time`, which reports its peak resident
//! memory, and each figure is compared with the same command on a tiny clean workspace.
//!
//! The bounds: peak memory under `MEMORY_BOUND_KIB` above the baseline, and (the issue asks for
//! a time bound, so this is one of the few timed assertions) at most 1 s of wall time in a
//! release build, 10 s in a debug build, whose figures say little. Run
//! `cargo test --release --test bombs -- --nocapture` for the figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

mod child;

use std::path::Path;
use std::time::{Duration, Instant};

use child::{Session, Wrapper, run, tempdir, write_files};
use serde_json::Value;

const MIB: usize = 1024 * 1024;
const MEMORY_BOUND_KIB: u64 = 64 * 1024;
const TIME_BOUND: Duration = if cfg!(debug_assertions) { Duration::from_secs(10) } else { Duration::from_secs(1) };
const CLEAN: &[u8] = b"threatmodel: 1\ntitle: Clean\n";

/// What a bomb must produce.
enum Expect {
    /// A diagnostic on the file with this code, whose message holds each of these words.
    Diagnostic(&'static str, &'static [&'static str]),
    /// The source file is skipped: the reason `check --format json` gives, and the note the
    /// server logs after its scan.
    Skipped(&'static str, &'static str),
}

struct Bomb {
    name: &'static str,
    /// The bomb's workspace path.
    file: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
    /// Whether an editor could send it whole in `didOpen` (else the server reads it from disk).
    fits_a_message: bool,
}

fn bombs() -> Vec<Bomb> {
    let header = "threatmodel: 1\ntitle: Bomb\n";
    // "Billion laughs": nine levels of ten aliases each would expand to 10^9 scalars.
    let mut laughs = format!("{header}x:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = vec![format!("*a{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("  a{level}: &a{level} [{previous}]\n"));
    }
    let depth = 10_000;
    let deep_flow = format!("{header}x: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let deep_block = format!("{header}x:\n{}leaf\n", "- ".repeat(depth));
    // 100,000 anchors, then aliases of them until the expansion budget runs out.
    let mut anchors = format!("{header}x:\n");
    for i in 0..100_000 {
        anchors.push_str(&format!("  - &a{i} v\n"));
    }
    anchors.push_str("y:\n");
    for i in 0..10_001 {
        anchors.push_str(&format!("  - *a{i}\n"));
    }
    let mut scalar = format!("{header}description: ").into_bytes();
    scalar.resize(scalar.len() + 64 * MIB, b'a');
    scalar.push(b'\n');
    let mut one_line = b"// @exposes #api to #idor".to_vec();
    one_line.resize(100 * MIB, b'x');
    vec![
        Bomb {
            name: "billion laughs",
            file: "bomb.threatmodel.yaml",
            bytes: laughs.into_bytes(),
            expect: Expect::Diagnostic("limit-exceeded", &["aliases", "10000 nodes"]),
            fits_a_message: true,
        },
        Bomb {
            name: "10,000-deep flow nesting",
            file: "bomb.threatmodel.yaml",
            bytes: deep_flow.into_bytes(),
            expect: Expect::Diagnostic("limit-exceeded", &["nesting", "64"]),
            fits_a_message: true,
        },
        Bomb {
            name: "10,000-deep block nesting",
            file: "bomb.threatmodel.yaml",
            bytes: deep_block.into_bytes(),
            expect: Expect::Diagnostic("limit-exceeded", &["nesting", "64 levels"]),
            fits_a_message: true,
        },
        Bomb {
            name: "100,000 anchors",
            file: "bomb.threatmodel.yaml",
            bytes: anchors.into_bytes(),
            expect: Expect::Diagnostic("limit-exceeded", &["aliases", "10000 nodes"]),
            fits_a_message: true,
        },
        Bomb {
            name: "a 64 MiB scalar",
            file: "bomb.threatmodel.yaml",
            bytes: scalar,
            expect: Expect::Diagnostic("file-too-large", &["64.0 MiB", "4 MiB limit", "includes:"]),
            fits_a_message: false,
        },
        Bomb {
            name: "a 100 MiB one-line source file",
            file: "src/bundle.js",
            bytes: one_line,
            expect: Expect::Skipped(
                "100.0 MiB, over the source file size limit",
                "skipped 1 source file over the 8.0 MiB limit: src/bundle.js (100.0 MiB)",
            ),
            fits_a_message: false,
        },
        Bomb {
            name: "a model file of NUL bytes",
            file: "bomb.threatmodel.yaml",
            bytes: vec![0; MIB],
            expect: Expect::Diagnostic("binary-file", &["NUL byte", "YAML text"]),
            fits_a_message: true,
        },
        Bomb {
            name: "a source file of NUL bytes",
            file: "src/nul.go",
            bytes: vec![0; MIB],
            expect: Expect::Skipped("binary", "skipped 1 binary source file: src/nul.go"),
            fits_a_message: false,
        },
    ]
}

/// Peak memory and wall time of one run.
struct Figures {
    peak_kib: u64,
    wall: Duration,
}

fn check(dir: &Path, report: &Path) -> (Value, Figures) {
    let time = Wrapper::time(report);
    let (output, wall) = run(Some(&time), dir, &["check", ".", "--format", "json", "--today", "2026-11-22"]);
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&output.stderr));
    let json = serde_json::from_slice(&output.stdout).unwrap();
    (json, Figures { peak_kib: time.peak_kib(), wall })
}

fn holds(diagnostics: &[Value], code: &str, words: &[&str]) -> bool {
    diagnostics.iter().any(|d| d["code"] == code && words.iter().all(|w| d["message"].as_str().unwrap().contains(w)))
}

fn assert_bounded(face: &str, bomb: &str, figures: &Figures, baseline: &Figures) {
    let above = figures.peak_kib.saturating_sub(baseline.peak_kib);
    println!(
        "{face:6} {bomb:32} {:7.3} s  peak {:6} KiB  (+{above} KiB over the baseline of {} KiB)",
        figures.wall.as_secs_f64(),
        figures.peak_kib,
        baseline.peak_kib
    );
    assert!(above < MEMORY_BOUND_KIB, "{face}, {bomb}: peak memory {above} KiB above the baseline");
    assert!(figures.wall < TIME_BOUND, "{face}, {bomb}: took {:?}, over {TIME_BOUND:?}", figures.wall);
}

#[test]
fn bombs_give_a_clean_diagnostic_from_the_cli_in_bounded_time_and_memory() {
    let (_keep, dir) = tempdir();
    let report = dir.join("time.txt");
    let clean = dir.join("clean");
    write_files(&clean, &[("threatls.toml", b""), ("threatmodel.yaml", CLEAN)]);
    let (_, baseline) = check(&clean, &report);
    for bomb in bombs() {
        let ws = dir.join(bomb.name.replace([' ', ','], "-"));
        write_files(&ws, &[("threatls.toml", b""), ("threatmodel.yaml", CLEAN), (bomb.file, &bomb.bytes)]);
        let (json, figures) = check(&ws, &report);
        match bomb.expect {
            Expect::Diagnostic(code, words) => {
                let on_file: Vec<Value> = json["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| d["file"] == bomb.file)
                    .cloned()
                    .collect();
                assert!(
                    holds(&on_file, code, words),
                    "{}: no {code} diagnostic saying {words:?}: {on_file:#?}",
                    bomb.name
                );
            }
            Expect::Skipped(reason, _) => {
                let skipped = json["skipped"].as_array().unwrap();
                assert!(
                    skipped.iter().any(|s| s["file"] == bomb.file && s["reason"] == reason),
                    "{}: not skipped as {reason:?}: {skipped:#?}",
                    bomb.name
                );
            }
        }
        assert_bounded("check", bomb.name, &figures, &baseline);
        std::fs::remove_dir_all(&ws).unwrap();
    }
}

/// One server session on `ws`, under `time`: opens `open` (path, text) if given, waits until
/// `done` holds, and returns what it waited for, the figures, and the logs.
fn serve(
    ws: &Path,
    report: &Path,
    open: Option<(&Path, &str)>,
    done: &dyn Fn(&mut Session) -> Value,
) -> (Value, Figures, Vec<String>) {
    let time = Wrapper::time(report);
    let mut session = Session::start(Some(&time), ws, ws);
    let start = Instant::now();
    if let Some((path, text)) = open {
        session.open(path, text);
    }
    let answer = done(&mut session);
    let wall = start.elapsed();
    // A request after the bomb is answered: the server carried on.
    let symbols = session.request("workspace/symbol", serde_json::json!({ "query": "" }));
    assert!(symbols.get("result").is_some(), "{symbols}");
    let logs = session.logs();
    assert!(session.finish().success());
    (answer, Figures { peak_kib: time.peak_kib(), wall }, logs)
}

#[test]
fn bombs_give_a_clean_diagnostic_from_the_server_in_bounded_time_and_memory() {
    let (_keep, dir) = tempdir();
    let report = dir.join("time.txt");
    let clean = dir.join("clean");
    write_files(&clean, &[("threatls.toml", b""), ("threatmodel.yaml", CLEAN)]);
    let clean_model = clean.join("threatmodel.yaml");
    let text = String::from_utf8(CLEAN.to_vec()).unwrap();
    let (_, baseline, _) =
        serve(&clean, &report, Some((&clean_model, &text)), &|s| Value::Array(s.diagnostics(&clean_model, |_| true)));
    for bomb in bombs() {
        let ws = dir.join(bomb.name.replace([' ', ','], "-"));
        write_files(&ws, &[("threatls.toml", b""), ("threatmodel.yaml", CLEAN)]);
        let path = ws.join(bomb.file);
        // What fits in a message is sent by an editor; the rest is found by the scan.
        let text = bomb.fits_a_message.then(|| String::from_utf8(bomb.bytes.clone()).unwrap());
        if !bomb.fits_a_message {
            write_files(&ws, &[(bomb.file, &bomb.bytes)]);
        }
        let (_, figures, _) = match bomb.expect {
            Expect::Diagnostic(code, words) => {
                serve(&ws, &report, text.as_deref().map(|t| (path.as_path(), t)), &|s| {
                    Value::Array(s.diagnostics(&path, |d| holds(d, code, words)))
                })
            }
            Expect::Skipped(_, note) => serve(&ws, &report, None, &|s| {
                s.wait_for(&format!("the scan's note {note:?}"), |m| {
                    m["method"] == "window/logMessage"
                        && m["params"]["message"].as_str().is_some_and(|t| t.ends_with(note))
                })
            }),
        };
        assert_bounded("server", bomb.name, &figures, &baseline);
        std::fs::remove_dir_all(&ws).unwrap();
    }
}

/// An editor that sends a 64 MiB scalar in `didOpen` sends a message over the server's limit: it
/// is dropped, with memory bounded (its bytes are read past, not kept), said in the log, and
/// the server answers the next request.
#[test]
fn a_message_over_the_limit_is_dropped_in_bounded_memory() {
    let (_keep, dir) = tempdir();
    let report = dir.join("time.txt");
    let ws = dir.join("ws");
    write_files(&ws, &[("threatls.toml", b""), ("threatmodel.yaml", CLEAN)]);
    let model = ws.join("threatmodel.yaml");
    let clean = String::from_utf8(CLEAN.to_vec()).unwrap();
    let (_, baseline, _) =
        serve(&ws, &report, Some((&model, &clean)), &|s| Value::Array(s.diagnostics(&model, |_| true)));
    let mut scalar = format!("threatmodel: 1\ntitle: Bomb\ndescription: {}\n", "a".repeat(64 * MIB));
    let big = ws.join("big.threatmodel.yaml");
    let (log, figures, _) = serve(&ws, &report, Some((&big, &scalar)), &|s| {
        s.wait_for("the log of the dropped message", |m| m["method"] == "window/logMessage")
    });
    scalar.clear();
    let log = log["params"]["message"].as_str().unwrap();
    assert!(log.contains("over the limit of 67108864 bytes and was dropped"), "{log}");
    assert_bounded("server", "a 64 MiB didOpen", &figures, &baseline);
}
