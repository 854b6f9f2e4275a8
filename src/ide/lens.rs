//! Code lenses: how each threat stands in code and model, and where each mitigation is
//! implemented.

use crate::analysis::{FileKind, Workspace};
use crate::model::Detail;
use crate::syntax::TextRange;

use super::FileRange;
use super::navigation::occurrences;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
    /// The places the lens points at (a face may show them as references).
    pub locations: Vec<FileRange>,
}

pub fn code_lenses(ws: &Workspace, path: &str) -> Vec<Lens> {
    let Some(file) = ws.file(path).filter(|f| f.kind == FileKind::Model) else { return Vec::new() };
    let mitigations: Vec<(&str, &crate::model::Mitigation)> = ws
        .paths()
        .filter_map(|p| ws.file(p))
        .flat_map(|f| f.model.elements.iter())
        .filter_map(|e| match &e.detail {
            Detail::Mitigation(m) => Some((e.id.value.as_str(), m)),
            _ => None,
        })
        .collect();
    let in_code = |id: &str| -> Vec<FileRange> {
        occurrences(ws, id)
            .into_iter()
            .filter(|o| !o.is_definition && ws.file(&o.path).is_some_and(|f| f.kind == FileKind::Code))
            .map(|o| FileRange { path: o.path, range: o.range })
            .collect()
    };
    let mut out = Vec::new();
    for e in &file.model.elements {
        match &e.detail {
            Detail::Threat(_) => {
                let places = in_code(&e.id.value);
                let of_threat: Vec<_> =
                    mitigations.iter().filter(|(_, m)| m.mitigates.iter().any(|t| t.value == e.id.value)).collect();
                let effective = of_threat.iter().filter(|(_, m)| m.status.is_effective()).count();
                let title = format!(
                    "{} · {effective} of {} {} implemented",
                    count(places.len(), "code reference"),
                    of_threat.len(),
                    if of_threat.len() == 1 { "mitigation" } else { "mitigations" }
                );
                out.push(Lens { range: e.id.range, title, locations: places });
            }
            Detail::Mitigation(m) => {
                let places = in_code(&e.id.value);
                let title = match places.len() {
                    0 if m.status.is_effective() => format!("{} · no `@mitigates` in code names it", m.status.as_str()),
                    0 => m.status.as_str().to_owned(),
                    n => format!("{} · implemented in {}", m.status.as_str(), count(n, "place")),
                };
                out.push(Lens { range: e.id.range, title, locations: places });
            }
            _ => {}
        }
    }
    out
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
