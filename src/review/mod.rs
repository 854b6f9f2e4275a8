//! The review gate: does a change need a threat-model review?
//!
//! A change passes checkpoints that call for one (a new feature, a new data flow or external
//! service, new infrastructure, a new kind of data, a change to encryption or authentication,
//! a changed assumption, and time). Each checkpoint a change passes is a [`Trigger`]; a trigger
//! is answered when the model changed, in the same range, for the assets it touches (or at all,
//! when it touches none), or when the change acknowledges it with an `@audit` annotation.
//!
//! Pure: a face reads both sides (the base from git, the working tree from disk), builds a
//! [`Workspace`] of each, and hands them over with the texts of the files that changed.

mod annotations;
mod config;
mod dependencies;
mod lines;
mod model_changes;

use serde::Serialize;

pub use config::{Checkpoint, DependencyClass, LinePattern, ReviewConfig};
pub use model_changes::{ModelChange, ModelChangeKind};

use crate::analysis::{FileKind, Workspace};
use crate::date::Date;

/// A file that differs between the base and the working tree, with its text on each side
/// (`None` where it does not exist, or could not be read as text).
#[derive(Clone, Debug)]
pub struct Change {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug)]
pub struct Input<'a> {
    pub base: &'a Workspace,
    pub head: &'a Workspace,
    pub changes: &'a [Change],
    pub config: &'a ReviewConfig,
    pub today: Date,
}

/// A checkpoint the change passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trigger {
    pub checkpoint: Checkpoint,
    /// The rule that fired, as `threatls.toml` names it.
    pub rule: String,
    pub path: String,
    /// 1-based; `None` for a whole file.
    pub line: Option<u32>,
    pub why: String,
    /// The model ids (or names, as written) of the assets involved; empty when it names none.
    pub assets: Vec<String>,
    /// Answered by a model change for its assets, or by an `@audit` in the change.
    pub answered_by: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No checkpoint fired.
    NotRequired,
    /// Checkpoints fired, and the model was updated (or the change acknowledged) for each.
    Done,
    /// A checkpoint fired that nothing answered.
    Required,
}

#[derive(Clone, Debug, Serialize)]
pub struct Review {
    pub verdict: Verdict,
    pub triggers: Vec<Trigger>,
    pub model_changes: Vec<ModelChange>,
}

pub fn review(input: &Input<'_>) -> Review {
    let config = input.config;
    let mut triggers = Vec::new();
    for change in input.changes {
        if config.ignores(&change.path) {
            continue;
        }
        let kind = input.head.kind_of(&change.path).or_else(|| input.base.kind_of(&change.path));
        if kind == Some(FileKind::Code) {
            annotations::triggers(input, &change.path, config, &mut triggers);
        }
        if config.is_infrastructure(&change.path) {
            let what = match (&change.old, &change.new) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                _ => "changed",
            };
            triggers.push(Trigger {
                checkpoint: Checkpoint::Infrastructure,
                rule: "infrastructure".to_owned(),
                path: change.path.clone(),
                line: None,
                why: format!("infrastructure file {what}"),
                assets: Vec::new(),
                answered_by: None,
            });
        }
        if kind == Some(FileKind::Code) {
            lines::triggers(change, input.base, config, &mut triggers);
        }
        dependencies::triggers(change, config, &mut triggers);
    }
    lines::large_change(input.changes, config, &mut triggers);
    schedule(input, &mut triggers);
    for t in &mut triggers {
        t.assets.sort();
        t.assets.dedup();
    }

    let model_changes = model_changes::between(input.base, input.head);
    let audits = annotations::audits(input);
    let model_changed = !model_changes.is_empty();
    for t in &mut triggers {
        t.answered_by = answer(t, &model_changes, &audits, model_changed);
    }
    let verdict = if triggers.is_empty() {
        Verdict::NotRequired
    } else if triggers.iter().all(|t| t.answered_by.is_some()) {
        Verdict::Done
    } else {
        Verdict::Required
    };
    Review { verdict, triggers, model_changes }
}

/// What answers a trigger: a model change that touches one of its assets, any model change
/// when it names none, or an `@audit` added in its file.
fn answer(t: &Trigger, changes: &[ModelChange], audits: &[(String, u32)], model_changed: bool) -> Option<String> {
    if t.checkpoint == Checkpoint::Schedule {
        // Only a review answers the calendar, and one recorded in `review.last` stops it firing.
        return None;
    }
    if let Some((path, line)) = audits.iter().find(|(path, _)| *path == t.path) {
        return Some(format!("`@audit` at {path}:{line}"));
    }
    if t.assets.is_empty() {
        return model_changed.then(|| "the model changed in this range".to_owned());
    }
    changes
        .iter()
        .find(|c| {
            c.touches.iter().any(|id| {
                t.assets.iter().any(|a| crate::annotations::canonical_name(a) == crate::annotations::canonical_name(id))
            })
        })
        .map(|c| format!("{} `{}` ({}:{})", c.kind.as_str(), c.id, c.path, c.line))
}

/// The backstop: the model, as the change leaves it, is overdue for review by its own cadence.
fn schedule(input: &Input<'_>, out: &mut Vec<Trigger>) {
    for path in input.head.paths() {
        let Some(file) = input.head.file(path).filter(|f| f.kind == FileKind::Model) else { continue };
        let Some(review) = &file.model.review else { continue };
        let (Some(last), Some(cadence)) = (&review.last, &review.cadence) else { continue };
        let Some(due) = cadence.value.due_after(last.value) else { continue };
        if input.today > due {
            out.push(Trigger {
                checkpoint: Checkpoint::Schedule,
                rule: "schedule".to_owned(),
                path: path.to_owned(),
                line: Some(file.line_index.line_col(last.range.start).line + 1),
                why: format!(
                    "the last review was on {}, and the {} cadence made the next due by {due}",
                    last.value, cadence.value
                ),
                assets: Vec::new(),
                answered_by: None,
            });
        }
    }
}
