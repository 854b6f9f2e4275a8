//! Rules on the lines a change adds: cryptography, authentication, external services, and
//! the size of the change.
//!
//! Lines are compared as multisets, not aligned: a line that moved (a function reordered, a
//! block indented the same) is neither added nor removed, and a token counts as new only where
//! the added lines hold it more often than the removed ones, so a refactor that keeps what a
//! function touches fires nothing.

use std::collections::{BTreeMap, HashMap};

use super::config::{Checkpoint, ReviewConfig};
use super::{Change, Trigger};
use crate::analysis::{FileKind, Workspace};

/// The lines only one side has: `(1-based line number, text)` of the added ones, and the text
/// of the removed ones.
pub(super) fn diff<'a>(old: &'a str, new: &'a str) -> (Vec<(u32, &'a str)>, Vec<&'a str>) {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for line in old.lines() {
        *counts.entry(line.trim()).or_default() += 1;
    }
    let mut added = Vec::new();
    for (n, line) in new.lines().enumerate() {
        let count = counts.entry(line.trim()).or_default();
        if *count > 0 {
            *count -= 1;
        } else if !line.trim().is_empty() {
            added.push((u32::try_from(n + 1).unwrap_or(u32::MAX), line));
        }
    }
    let mut remaining = counts;
    let removed = old
        .lines()
        .filter(|l| {
            let count = remaining.entry(l.trim()).or_default();
            let gone = *count > 0 && !l.trim().is_empty();
            *count -= 1;
            gone
        })
        .collect();
    (added, removed)
}

pub(super) fn triggers(change: &Change, base: &Workspace, config: &ReviewConfig, out: &mut Vec<Trigger>) {
    let old = change.old.as_deref().unwrap_or("");
    let Some(new) = change.new.as_deref() else { return };
    let (added, removed) = diff(old, new);
    let assets = file_assets(base, &change.path);
    for pattern in config.patterns.iter().filter(|p| config.is_on(&p.name)) {
        let token = |line: &str| -> Vec<String> {
            pattern
                .regex
                .captures_iter(line)
                .filter_map(|c| c.get(1).or_else(|| c.get(0)))
                .map(|m| m.as_str().to_ascii_lowercase())
                .collect()
        };
        let mut before: HashMap<String, usize> = HashMap::new();
        for line in &removed {
            for t in token(line) {
                *before.entry(t).or_default() += 1;
            }
        }
        // The first added line of each new token.
        let mut fired: BTreeMap<String, u32> = BTreeMap::new();
        for (n, line) in &added {
            for t in token(line) {
                let left = before.entry(t.clone()).or_default();
                if *left > 0 {
                    *left -= 1;
                    continue;
                }
                // A host the file already talked to is not a new external service.
                if pattern.checkpoint == Checkpoint::ExternalService && old.to_ascii_lowercase().contains(&t) {
                    continue;
                }
                fired.entry(t).or_insert(*n);
            }
        }
        // One trigger per rule and file, at its first line.
        let Some(line) = fired.values().min().copied() else { continue };
        let tokens: Vec<String> = fired.into_keys().map(|t| format!("`{t}`")).collect();
        out.push(Trigger {
            checkpoint: pattern.checkpoint,
            rule: pattern.name.clone(),
            path: change.path.clone(),
            line: Some(line),
            why: format!("added lines use {}", tokens.join(", ")),
            assets: assets.clone(),
            answered_by: None,
        });
    }
}

/// The assets the annotations of a file name: what a change to the file is about.
fn file_assets(ws: &Workspace, path: &str) -> Vec<String> {
    let Some(file) = ws.file(path).filter(|f| f.kind == FileKind::Code) else { return Vec::new() };
    super::annotations::assets_of(file.annotations.iter())
}

/// A change large enough to warrant a look at the model whatever it touches.
pub(super) fn large_change(changes: &[Change], config: &ReviewConfig, out: &mut Vec<Trigger>) {
    if config.large_change == 0 || !config.is_on("large-change") {
        return;
    }
    let mut total = 0usize;
    let mut files = 0usize;
    for change in changes.iter().filter(|c| !config.ignores(&c.path)) {
        let (added, removed) = diff(change.old.as_deref().unwrap_or(""), change.new.as_deref().unwrap_or(""));
        if !added.is_empty() || !removed.is_empty() {
            files += 1;
        }
        total += added.len() + removed.len();
    }
    if total >= config.large_change as usize {
        out.push(Trigger {
            checkpoint: Checkpoint::LargeChange,
            rule: "large-change".to_owned(),
            path: String::new(),
            line: None,
            why: format!(
                "{total} lines changed in {files} files (the threshold is {}): a change this large may change what the model says",
                config.large_change
            ),
            assets: Vec::new(),
            answered_by: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn moved_lines_are_neither_added_nor_removed() {
        let (added, removed) = diff("a\nb\nc\n", "c\n  a\nb\nd\n");
        assert_eq!(added, [(4, "d")]);
        assert_eq!(removed, Vec::<&str>::new());
        let (added, removed) = diff("a\nx\n", "a\n");
        assert!(added.is_empty());
        assert_eq!(removed, ["x"]);
    }
}
