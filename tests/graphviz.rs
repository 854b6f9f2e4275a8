//! Graphviz draws the DOT that `threatls export` writes: the example shop's, and every export
//! fixture's snapshot (the hostile labels included), to PNG, without an error or a warning.
//! Needs Graphviz's `dot` (Debian's `graphviz`); without it the test fails, it does not skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `dot -Tpng` of `source`: the PNG's bytes, or what went wrong.
fn draw(source: &str) -> Result<Vec<u8>, String> {
    let mut child = Command::new("dot")
        .arg("-Tpng")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run Graphviz's `dot` ({e}); install it: apt-get install graphviz"))?;
    child.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stderr.trim().is_empty() {
        return Err(format!("dot exited with {}: {stderr}", output.status));
    }
    Ok(output.stdout)
}

fn assert_draws(name: &str, source: &str) {
    match draw(source) {
        Ok(png) => assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000, "{name}: not a PNG"),
        Err(e) => panic!("{name}: {e}\n{source}"),
    }
}

#[test]
fn graphviz_draws_the_shop() {
    let output = Command::new(env!("CARGO_BIN_EXE_threatls"))
        .args(["export", "--format", "dot", "examples/shop", "--today", "2026-11-22"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_draws("examples/shop", &String::from_utf8(output.stdout).unwrap());
}

#[test]
fn graphviz_draws_every_export_fixture() {
    let dir = root().join("tests/export");
    let mut drawn = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "dot") {
            assert_draws(&display(&path), &std::fs::read_to_string(&path).unwrap());
            drawn += 1;
        }
    }
    assert!(drawn >= 4, "the export fixtures' DOT snapshots are missing from {}", display(&dir));
}

fn display(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
