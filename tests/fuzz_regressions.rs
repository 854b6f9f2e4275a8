//! Every input the fuzzers found a crash with, replayed: `fuzz/regressions/<target>/` holds them,
//! and each goes through the very code of its fuzz target (the bodies in `fuzz/src/`, included
//! here by path, so the target and its replay cannot drift apart). A panic anywhere fails the
//! test, also one the language server catches and answers with an error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../fuzz/src/annotations.rs"]
mod annotations;
#[path = "../fuzz/src/lsp.rs"]
mod lsp;
#[path = "../fuzz/src/model.rs"]
mod model;
#[path = "../fuzz/src/positions.rs"]
mod positions;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A target's name (its directory under `fuzz/regressions/`) and its body.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 4] =
    [("model", model::run), ("annotations", annotations::run), ("positions", positions::run), ("lsp", lsp::run)];

#[test]
fn regression_inputs_run_clean() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut failed = Vec::new();
    let mut replayed = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let run = TARGETS.iter().find(|(target, _)| *target == name).map(|(_, run)| run);
        let run = run.unwrap_or_else(|| panic!("fuzz/regressions/{name}: no fuzz target has that name"));
        for input in std::fs::read_dir(&dir).unwrap() {
            let input = input.unwrap().path();
            let data = std::fs::read(&input).unwrap();
            let before = PANICS.load(Ordering::SeqCst);
            let returned = std::panic::catch_unwind(|| run(&data)).is_ok();
            if !returned || PANICS.load(Ordering::SeqCst) != before {
                failed.push(input.display().to_string());
            }
            replayed += 1;
        }
    }
    assert!(failed.is_empty(), "these inputs panic again (see the messages above): {failed:#?}");
    assert!(replayed > 0, "no regression inputs under {}", root.display());
}
