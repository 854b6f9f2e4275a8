//! `threatls review --base <rev>`: the working tree against a git revision, through the review
//! gate (see [`crate::review`]).

use std::process::ExitCode;

use super::review_report::render;
use super::{ReviewArgs, git, write_stdout};
use crate::analysis::{FileInput, Options};
use crate::disk::{load_workspace, root_of, today_utc};
use crate::limits::MAX_SOURCE_FILE_BYTES;
use crate::review::{Change, Input, Verdict, review};

pub(super) fn run(args: &ReviewArgs) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let path = args.path.clone().unwrap_or(cwd);
    let path = path.canonicalize().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let root = root_of(&path);
    let today = args.today.map_or_else(today_utc, Ok)?;
    let base = git::resolve(&root, &args.base)?;

    let (head, _) = load_workspace(&root, Options::new(today), std::slice::from_ref(&root));
    let paths = git::changed_paths(&root, &base)?;
    let old = git::read_at(&root, &base, &paths)?;
    let text =
        |bytes: Vec<u8>| (bytes.len() as u64 <= MAX_SOURCE_FILE_BYTES).then(|| String::from_utf8(bytes).ok()).flatten();
    let changes: Vec<Change> = paths
        .into_iter()
        .zip(old)
        .map(|(path, old)| {
            let new = std::fs::read(root.join(&path)).ok().and_then(text);
            Change { old: old.and_then(text), new, path }
        })
        .filter(|c| c.old != c.new)
        .collect();

    // The base: the working tree with the changed files as they were.
    let mut base_ws = head.clone();
    for change in &changes {
        match &change.old {
            Some(old) => base_ws.set_file(&change.path, FileInput::Text(old.clone())),
            None => base_ws.remove_file(&change.path),
        }
    }
    let config = &head.config().review;
    let result = review(&Input { base: &base_ws, head: &head, changes: &changes, config, today });
    let shown = short(&base, &args.base);
    write_stdout(&render(&result, &shown, args.format))?;
    Ok(if result.verdict == Verdict::Required { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `origin/main (1a2b3c4)`.
fn short(commit: &str, rev: &str) -> String {
    let abbrev = commit.get(..7).unwrap_or(commit);
    if rev == commit || commit.starts_with(rev) { abbrev.to_owned() } else { format!("{rev} ({abbrev})") }
}
