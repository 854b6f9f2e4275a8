//! What the model itself changed between the base and the working tree, classified: the part
//! of a review a reader looks at first.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{FileKind, SourceFile, Workspace};
use crate::model::{Detail, Element, Kind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelChangeKind {
    ThreatAdded,
    ThreatRemoved,
    SeverityRaised,
    SeverityLowered,
    MitigationAdded,
    MitigationRemoved,
    MitigationDowngraded,
    MitigationImplemented,
    AcceptanceAdded,
    AcceptanceRemoved,
    AcceptanceExtended,
    AssetAdded,
    FlowAdded,
    /// Anything else written differently in an element: its text changed.
    Changed,
    Removed,
    /// `review.last` moved forward: a review took place.
    Reviewed,
}

impl ModelChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelChangeKind::ThreatAdded => "threat added",
            ModelChangeKind::ThreatRemoved => "threat removed",
            ModelChangeKind::SeverityRaised => "severity raised",
            ModelChangeKind::SeverityLowered => "severity lowered",
            ModelChangeKind::MitigationAdded => "mitigation added",
            ModelChangeKind::MitigationRemoved => "mitigation removed",
            ModelChangeKind::MitigationDowngraded => "mitigation no longer in place",
            ModelChangeKind::MitigationImplemented => "mitigation in place",
            ModelChangeKind::AcceptanceAdded => "acceptance added",
            ModelChangeKind::AcceptanceRemoved => "acceptance removed",
            ModelChangeKind::AcceptanceExtended => "acceptance extended",
            ModelChangeKind::AssetAdded => "asset added",
            ModelChangeKind::FlowAdded => "flow added",
            ModelChangeKind::Changed => "changed",
            ModelChangeKind::Removed => "removed",
            ModelChangeKind::Reviewed => "reviewed",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ModelChange {
    pub kind: ModelChangeKind,
    pub id: String,
    /// Where it is now (where it was, for what was removed); line 1-based.
    pub path: String,
    pub line: u32,
    pub detail: String,
    /// The ids it concerns: the element, and the assets and flows it affects, covers or joins.
    pub touches: Vec<String>,
}

struct Found<'a> {
    file: &'a SourceFile,
    element: &'a Element,
}

fn elements(ws: &Workspace) -> BTreeMap<&str, Found<'_>> {
    let mut out = BTreeMap::new();
    for path in ws.paths() {
        let Some(file) = ws.file(path).filter(|f| f.kind == FileKind::Model) else { continue };
        for element in &file.model.elements {
            out.entry(element.id.value.as_str()).or_insert(Found { file, element });
        }
    }
    out
}

/// The element's text, spaces collapsed, so that moving or re-indenting it is no change.
fn text(found: &Found<'_>) -> String {
    let range = found.element.range.as_usize();
    let written = found.file.text.get(range).unwrap_or("");
    written.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn touches(element: &Element) -> Vec<String> {
    let mut out = vec![element.id.value.clone()];
    match &element.detail {
        Detail::Threat(t) => out.extend(t.affects.iter().map(|a| a.value.clone())),
        Detail::Mitigation(m) => out.extend(m.on.iter().flatten().map(|a| a.value.clone())),
        Detail::Flow { from, to, .. } => out.extend([from, to].into_iter().flatten().map(|a| a.value.clone())),
        _ => {}
    }
    out
}

pub(super) fn between(base: &Workspace, head: &Workspace) -> Vec<ModelChange> {
    let (old, new) = (elements(base), elements(head));
    let mut out = Vec::new();
    let mut push = |kind, found: &Found<'_>, detail: String, touched: Vec<String>| {
        let line = found.file.line_index.line_col(found.element.id.range.start).line + 1;
        out.push(ModelChange {
            kind,
            id: found.element.id.value.clone(),
            path: found.file.path.clone(),
            line,
            detail,
            touches: touched,
        });
    };
    for (id, now) in &new {
        let Some(before) = old.get(id) else {
            let kind = match now.element.kind {
                Kind::Threat => ModelChangeKind::ThreatAdded,
                Kind::Mitigation => ModelChangeKind::MitigationAdded,
                Kind::Asset => ModelChangeKind::AssetAdded,
                Kind::Flow => ModelChangeKind::FlowAdded,
                _ => ModelChangeKind::Changed,
            };
            push(kind, now, format!("new {}", now.element.kind.noun()), touches(now.element));
            continue;
        };
        if text(before) == text(now) {
            continue;
        }
        let mut specific = false;
        match (&before.element.detail, &now.element.detail) {
            (Detail::Threat(a), Detail::Threat(b)) => {
                let (sa, sb) = (a.severity.as_ref().map(|s| s.value), b.severity.as_ref().map(|s| s.value));
                if let (Some(x), Some(y)) = (sa, sb)
                    && x != y
                {
                    let kind = if y > x { ModelChangeKind::SeverityRaised } else { ModelChangeKind::SeverityLowered };
                    push(kind, now, format!("{} to {}", x.as_str(), y.as_str()), touches(now.element));
                    specific = true;
                }
                match (&a.accepted, &b.accepted) {
                    (None, Some(_)) => {
                        push(ModelChangeKind::AcceptanceAdded, now, "risk accepted".to_owned(), touches(now.element));
                        specific = true;
                    }
                    (Some(_), None) => {
                        push(
                            ModelChangeKind::AcceptanceRemoved,
                            now,
                            "acceptance withdrawn".to_owned(),
                            touches(now.element),
                        );
                        specific = true;
                    }
                    (Some(x), Some(y)) => {
                        let (ux, uy) = (x.until.as_ref().map(|u| u.value), y.until.as_ref().map(|u| u.value));
                        if let (Some(ux), Some(uy)) = (ux, uy)
                            && uy > ux
                        {
                            let detail = format!("until {ux} to until {uy}");
                            push(ModelChangeKind::AcceptanceExtended, now, detail, touches(now.element));
                            specific = true;
                        }
                    }
                    (None, None) => {}
                }
            }
            (Detail::Mitigation(a), Detail::Mitigation(b)) if a.status != b.status => {
                let kind = match (a.status.is_effective(), b.status.is_effective()) {
                    (true, false) => Some(ModelChangeKind::MitigationDowngraded),
                    (false, true) => Some(ModelChangeKind::MitigationImplemented),
                    _ => None,
                };
                if let Some(kind) = kind {
                    push(kind, now, format!("{} to {}", a.status.as_str(), b.status.as_str()), touches(now.element));
                    specific = true;
                }
            }
            _ => {}
        }
        if !specific {
            push(ModelChangeKind::Changed, now, format!("{} changed", now.element.kind.noun()), touches(now.element));
        }
    }
    for (id, before) in &old {
        if new.contains_key(id) {
            continue;
        }
        let kind = match before.element.kind {
            Kind::Threat => ModelChangeKind::ThreatRemoved,
            Kind::Mitigation => ModelChangeKind::MitigationRemoved,
            _ => ModelChangeKind::Removed,
        };
        push(kind, before, format!("{} removed", before.element.kind.noun()), touches(before.element));
    }
    reviewed(base, head, &mut out);
    out.sort_by(|a, b| (a.kind, &a.path, a.line).cmp(&(b.kind, &b.path, b.line)));
    out
}

/// `review.last` moved forward in a model file.
fn reviewed(base: &Workspace, head: &Workspace, out: &mut Vec<ModelChange>) {
    for path in head.paths() {
        let Some(file) = head.file(path).filter(|f| f.kind == FileKind::Model) else { continue };
        let Some(last) = file.model.review.as_ref().and_then(|r| r.last.as_ref()) else { continue };
        let before = base.file(path).and_then(|f| f.model.review.as_ref()?.last.as_ref().map(|l| l.value));
        if before.is_none_or(|b| b < last.value) {
            out.push(ModelChange {
                kind: ModelChangeKind::Reviewed,
                id: String::new(),
                path: path.to_owned(),
                line: file.line_index.line_col(last.range.start).line + 1,
                detail: format!("reviewed on {}", last.value),
                touches: Vec::new(),
            });
        }
    }
}
