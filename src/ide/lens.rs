//! Code lenses: how each threat stands in code and model, and where each mitigation is
//! implemented.

use std::collections::HashMap;

use crate::analysis::{FileKind, Workspace};
use crate::model::{Detail, Mitigation};
use crate::syntax::TextRange;

use super::FileRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
    /// The places the lens points at (a face may show them as references).
    pub locations: Vec<FileRange>,
}

pub fn code_lenses(ws: &Workspace, path: &str) -> Vec<Lens> {
    let Some(file) = ws.file(path).filter(|f| f.kind == FileKind::Model) else { return Vec::new() };
    // The mitigations of each threat this file defines, in one pass over the workspace.
    let mut of_threats: HashMap<&str, Vec<&Mitigation>> = file
        .model
        .elements
        .iter()
        .filter(|e| matches!(e.detail, Detail::Threat(_)))
        .map(|e| (e.id.value.as_str(), Vec::new()))
        .collect();
    for e in ws
        .paths()
        .filter_map(|p| ws.file(p))
        .filter(|f| f.kind == FileKind::Model)
        .flat_map(|f| f.model.elements.iter())
    {
        let Detail::Mitigation(m) = &e.detail else { continue };
        for threat in &m.mitigates {
            if let Some(list) = of_threats.get_mut(threat.value.as_str()) {
                list.push(m);
            }
        }
    }
    let in_code = |id: &str| -> Vec<FileRange> {
        ws.occurrences(id)
            .iter()
            .filter(|o| !o.is_definition && o.in_code)
            .map(|o| FileRange { path: o.path.to_string(), range: o.range })
            .collect()
    };
    let mut out = Vec::new();
    for e in &file.model.elements {
        match &e.detail {
            Detail::Threat(_) => {
                let places = in_code(&e.id.value);
                let of_threat = of_threats.get(e.id.value.as_str()).map_or(&[][..], Vec::as_slice);
                let effective = of_threat.iter().filter(|m| m.status.is_effective()).count();
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
