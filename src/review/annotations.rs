//! Triggers from the annotations in code: what a change adds to, changes in or removes from
//! the security annotations of its files.

use std::collections::HashMap;

use super::config::{Checkpoint, ReviewConfig};
use super::{Input, Trigger};
use crate::analysis::{FileKind, SourceFile};
use crate::annotations::{Annotation, Role, Verb};

/// An annotation as written on its first line, spaces collapsed: what a reader sees, and what
/// stays the same when the annotation only moved.
fn written(file: &SourceFile, a: &Annotation) -> Option<String> {
    let (_, start, line) = file.line_at(a.range.start)?;
    let from = usize::try_from(a.range.start.checked_sub(start)?).ok()?;
    let to = usize::try_from(a.range.end.saturating_sub(start)).ok()?.min(line.len());
    let text = line.get(from..to.max(from))?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The assets an annotation is about, as written (`#id`, or a name).
fn assets(a: &Annotation) -> impl Iterator<Item = String> + '_ {
    a.refs
        .iter()
        .filter(|r| r.role == Role::Asset)
        .filter_map(|r| r.id.as_ref().map(|id| id.value.clone()).or_else(|| r.name.clone()))
}

pub(super) fn assets_of<'a>(annotations: impl Iterator<Item = &'a Annotation>) -> Vec<String> {
    let mut out: Vec<String> = annotations.flat_map(assets).collect();
    out.sort();
    out.dedup();
    out
}

/// Which checkpoint a new or changed annotation of `verb` passes; `None` for the verbs whose
/// arrival asks nothing of the model.
fn added_checkpoint(verb: Verb) -> Option<(Checkpoint, &'static str)> {
    Some(match verb {
        Verb::Flows => (Checkpoint::DataFlow, "a data flow"),
        Verb::Boundary => (Checkpoint::DataFlow, "a trust boundary"),
        Verb::Handles => (Checkpoint::DataType, "the data it handles"),
        Verb::Exposes | Verb::Confirmed => (Checkpoint::Feature, "an exposure to a threat"),
        Verb::Feature => (Checkpoint::Feature, "a feature"),
        Verb::Assumes => (Checkpoint::Assumption, "an assumption"),
        _ => return None,
    })
}

/// What gone annotations of `verb` mean for the model.
fn removed_checkpoint(verb: Verb) -> Option<(Checkpoint, &'static str)> {
    Some(match verb {
        Verb::Mitigates => (Checkpoint::Assumption, "a mitigation in code"),
        Verb::Assumes => (Checkpoint::Assumption, "an assumption"),
        Verb::Boundary => (Checkpoint::DataFlow, "a trust boundary"),
        _ => return None,
    })
}

pub(super) fn triggers(input: &Input<'_>, path: &str, config: &ReviewConfig, out: &mut Vec<Trigger>) {
    if !config.is_on("annotations") {
        return;
    }
    let old = input.base.file(path).filter(|f| f.kind == FileKind::Code);
    let new = input.head.file(path).filter(|f| f.kind == FileKind::Code);
    // What was written before, by text, with how many times.
    let mut before: HashMap<String, usize> = HashMap::new();
    for a in old.iter().flat_map(|f| f.annotations.iter().filter_map(|a| written(f, a))) {
        *before.entry(a).or_default() += 1;
    }
    if let Some(new) = new {
        for a in &new.annotations {
            let Some(text) = written(new, a) else { continue };
            match before.get_mut(&text) {
                Some(n) if *n > 0 => *n -= 1,
                _ => {
                    let Some((checkpoint, what)) = added_checkpoint(a.verb) else { continue };
                    out.push(Trigger {
                        checkpoint,
                        rule: "annotations".to_owned(),
                        path: path.to_owned(),
                        line: Some(new.position(a.range.start, crate::syntax::PositionEncoding::Utf8).line + 1),
                        why: format!("new or changed `{text}`: {what}"),
                        assets: assets(a).collect(),
                        answered_by: None,
                    });
                }
            }
        }
    }
    // Annotations written before and not now: each counted text left over in `before`.
    let Some(old) = old else { return };
    for a in &old.annotations {
        let Some(text) = written(old, a) else { continue };
        let Some(n) = before.get_mut(&text).filter(|n| **n > 0) else { continue };
        *n -= 1;
        let Some((checkpoint, what)) = removed_checkpoint(a.verb) else { continue };
        // A changed annotation is reported once, as new: only gone ones here.
        let still = new.is_some_and(|f| f.annotations.iter().any(|b| b.verb == a.verb && assets(b).eq(assets(a))));
        if still {
            continue;
        }
        out.push(Trigger {
            checkpoint,
            rule: "annotations".to_owned(),
            path: path.to_owned(),
            line: None,
            why: format!("removed `{text}`: {what} the model may count on"),
            assets: assets(a).collect(),
            answered_by: None,
        });
    }
}

/// `@audit` annotations the change adds: an explicit acknowledgement that its file was
/// reviewed. Returns their paths and 1-based lines.
pub(super) fn audits(input: &Input<'_>) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for change in input.changes {
        let Some(new) = input.head.file(&change.path).filter(|f| f.kind == FileKind::Code) else { continue };
        let old: Vec<String> = input
            .base
            .file(&change.path)
            .map(|f| f.annotations.iter().filter(|a| a.verb == Verb::Audit).filter_map(|a| written(f, a)).collect())
            .unwrap_or_default();
        for a in new.annotations.iter().filter(|a| a.verb == Verb::Audit) {
            if written(new, a).is_some_and(|t| !old.contains(&t)) {
                let line = new.position(a.range.start, crate::syntax::PositionEncoding::Utf8).line + 1;
                out.push((change.path.clone(), line));
            }
        }
    }
    out
}
