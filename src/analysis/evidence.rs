//! Where code backs the model, place by place: the annotations that expose, mitigate, accept
//! or transfer a threat, for reports. The checks use the same facts in aggregate and do not
//! keep their places; these are collected again only when a face asks.

use std::sync::Arc;

use crate::annotations::Verb;
use crate::syntax::TextRange;

use super::code::CodeFacts;

/// One annotation that counts: an `@exposes` (or `@confirmed`), a `@mitigates` whose control
/// is in place, an `@accepts` that holds today, a `@transfers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodePlace {
    pub verb: Verb,
    pub path: Arc<str>,
    /// The annotation's first line, from its `@`.
    pub range: TextRange,
    /// An element id, or the implicit key of a name in code (`threat:sql_injection`).
    pub threat: String,
    /// The asset or flow, as a key like `threat`.
    pub target: String,
    /// The control a `@mitigates` names (`using #id`), as a key.
    pub control: Option<String>,
}

/// Every [`CodePlace`] of a workspace, in path order, then source order.
#[derive(Debug, Default)]
pub struct Evidence {
    pub places: Vec<CodePlace>,
}

impl Evidence {
    pub(super) fn of(facts: CodeFacts<'_>) -> Evidence {
        let mut paths: Option<Arc<str>> = None;
        let places = facts
            .places
            .into_iter()
            .map(|p| {
                // Consecutive places share their file: one allocation per file.
                let path = match &paths {
                    Some(last) if **last == *p.file.path => Arc::clone(last),
                    _ => Arc::clone(paths.insert(Arc::from(p.file.path.as_str()))),
                };
                CodePlace {
                    verb: p.annotation.verb,
                    path,
                    range: p.annotation.range,
                    threat: p.threat.into_owned(),
                    target: p.asset.into_owned(),
                    control: p.control.map(std::borrow::Cow::into_owned),
                }
            })
            .collect();
        Evidence { places }
    }

    /// The places of these verbs that name `threat`.
    pub fn of_threat<'a>(&'a self, verbs: &'a [Verb], threat: &'a str) -> impl Iterator<Item = &'a CodePlace> {
        self.places.iter().filter(move |p| p.threat == threat && verbs.contains(&p.verb))
    }
}
