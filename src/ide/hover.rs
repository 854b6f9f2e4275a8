//! Hover cards: what an id is and where it stands, what a class means, what a key or verb is.

use std::fmt::Write;

use crate::analysis::{FileKind, ThreatState, Workspace};
use crate::catalog::Family;
use crate::model::{Detail, Element, Kind};
use crate::syntax::TextRange;

use super::target::{self, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the card is about.
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(ws: &Workspace, path: &str, offset: u32) -> Option<Hover> {
    let target = target::at(ws, path, offset)?;
    let range = target.range();
    let markdown = match &target {
        Target::Id { id, .. } | Target::Name { id, .. } => element_card(ws, id)?,
        Target::Class { id, .. } => class_card(ws, id)?,
        Target::Key { shape, key, .. } => {
            let field = shape.field(key)?;
            let required = if field.required { " (required)" } else { "" };
            format!("**`{key}`**{required} in {}\n\n{}\n\nExample: `{}: {}`", shape.what, field.doc, key, field.example)
        }
        Target::Verb { verb, .. } => {
            format!("**`@{}`**\n\n`{}`", verb.as_str(), crate::annotations::usage(*verb))
        }
        Target::ExtRef { text, .. } => ref_card(text)?,
    };
    Some(Hover { range, markdown })
}

fn element_card(ws: &Workspace, id: &str) -> Option<String> {
    let analysis = ws.analysis();
    let def = analysis.index.def(id)?;
    let e = def.element;
    let mut out = String::new();
    let title = e.name.as_ref().map_or(String::new(), |n| format!(" — {}", n.value));
    let _ = writeln!(out, "**{} `{id}`**{title}\n", capitalised(e.kind.noun()));
    let in_code = ws.occurrences(id).iter().filter(|o| o.in_code && !o.is_definition).count();
    match &e.detail {
        Detail::Threat(t) => {
            let class = t.class.as_ref().map_or("no class".to_owned(), |c| format!("*{}*", c.value));
            let severity =
                t.severity.as_ref().map_or("no severity".to_owned(), |s| format!("**{}**", s.value.as_str()));
            let state = analysis.threat_states.get(id);
            let state_word = match state {
                Some(ThreatState::Mitigated { .. }) => "mitigated",
                Some(ThreatState::Accepted { .. }) => "accepted",
                Some(ThreatState::Open { .. }) => "open",
                None => "unknown",
            };
            let _ = writeln!(out, "{class} · {severity} · **{state_word}**\n");
            match state {
                Some(ThreatState::Mitigated { by, in_code }) => {
                    let mut why = Vec::new();
                    if !by.is_empty() {
                        why.push(format!("by {}", list(by)));
                    }
                    if *in_code > 0 {
                        why.push(format!("by `@mitigates` in code on {in_code} asset(s)"));
                    }
                    let _ = writeln!(out, "Mitigated {}.\n", why.join(" and "));
                }
                Some(ThreatState::Accepted { by, until }) => {
                    let _ = writeln!(out, "Accepted by {by} until {until}.\n");
                }
                Some(ThreatState::Open { uncovered, expired, .. }) => {
                    let mut why = if uncovered.is_empty() {
                        "no implemented mitigation counters it".to_owned()
                    } else {
                        format!("no implemented mitigation covers {}", list(uncovered))
                    };
                    if let Some(date) = expired {
                        let _ = write!(why, "; its acceptance expired on {date}");
                    }
                    let _ = writeln!(out, "Open: {why}.\n");
                }
                None => {}
            }
            if !t.affects.is_empty() {
                let affects: Vec<String> = t.affects.iter().map(|a| a.value.clone()).collect();
                let _ = writeln!(out, "- Affects: {}", list(&affects));
            }
            let mitigations = mitigations_of(ws, id);
            if !mitigations.is_empty() {
                let _ = writeln!(out, "- Mitigations: {}", mitigations.join(", "));
            }
        }
        Detail::Mitigation(m) => {
            let _ = writeln!(out, "Status: **{}**\n", m.status.as_str());
            let threats: Vec<String> = m.mitigates.iter().map(|t| t.value.clone()).collect();
            if !threats.is_empty() {
                let _ = writeln!(out, "- Mitigates: {}", list(&threats));
            }
            if let Some(on) = &m.on {
                let on: Vec<String> = on.iter().map(|t| t.value.clone()).collect();
                let _ = writeln!(out, "- On: {}", list(&on));
            }
            if def.file.kind == FileKind::Code {
                let _ = writeln!(out, "- A control defined in code (`@control`)");
            }
        }
        Detail::Asset { asset_kind, .. } => {
            if let Some(k) = asset_kind {
                let _ = writeln!(out, "Kind: *{}*\n", k.value);
            }
            let threats = threats_affecting(ws, id);
            if !threats.is_empty() {
                let _ = writeln!(out, "- Threats: {}", threats.join(", "));
            }
        }
        Detail::Flow { from, to, .. } => {
            let end = |e: &Option<crate::model::Spanned<String>>| {
                e.as_ref().map_or("?".to_owned(), |s| format!("`{}`", s.value))
            };
            let _ = writeln!(out, "{} → {}\n", end(from), end(to));
            let threats = threats_affecting(ws, id);
            if !threats.is_empty() {
                let _ = writeln!(out, "- Threats: {}", threats.join(", "));
            }
        }
        Detail::Boundary { .. } | Detail::Data { .. } => {}
    }
    if in_code > 0 {
        let _ = writeln!(out, "- Referenced in {in_code} {} in code", if in_code == 1 { "place" } else { "places" });
    }
    let where_ = if def.file.kind == FileKind::Code { "code" } else { "model" };
    let _ = write!(out, "\nDefined in {where_}: `{}`", def.file.path);
    Some(out)
}

/// The model mitigations of a threat, with their status.
fn mitigations_of(ws: &Workspace, threat: &str) -> Vec<String> {
    all_elements(ws)
        .filter_map(|e| match &e.detail {
            Detail::Mitigation(m) if m.mitigates.iter().any(|t| t.value == threat) => {
                let mark = if m.status.is_effective() { "" } else { " (not in place)" };
                Some(format!("`{}` {}{mark}", e.id.value, m.status.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The threats that list a target in `affects:`, with their state.
fn threats_affecting(ws: &Workspace, target: &str) -> Vec<String> {
    let states = &ws.analysis().threat_states;
    all_elements(ws)
        .filter_map(|e| match &e.detail {
            Detail::Threat(t) if t.affects.iter().any(|a| a.value == target) => {
                let state = match states.get(&e.id.value) {
                    Some(ThreatState::Mitigated { .. }) => "mitigated",
                    Some(ThreatState::Accepted { .. }) => "accepted",
                    Some(ThreatState::Open { .. }) => "open",
                    None => "?",
                };
                Some(format!("`{}` ({state})", e.id.value))
            }
            _ => None,
        })
        .collect()
}

fn all_elements(ws: &Workspace) -> impl Iterator<Item = &Element> {
    ws.paths()
        .filter_map(|p| ws.file(p))
        .flat_map(|f| f.model.elements.iter())
        .filter(|e| e.kind == Kind::Mitigation || e.kind == Kind::Threat)
}

fn class_card(ws: &Workspace, id: &str) -> Option<String> {
    let index = &ws.analysis().index;
    let catalog = index.catalog();
    let class = catalog.class(id)?;
    let family = match class.family {
        Family::Stride => "STRIDE",
        Family::Linddun => "LINDDUN",
    };
    let mut out = format!("**{}** (`{}`)\n\n*{family}*", class.title, class.id);
    if let Some(parent) = &class.parent {
        let _ = write!(out, " · under `{parent}`");
    }
    if !class.property.is_empty() {
        let _ = write!(out, " · threatens {}", class.property);
    }
    if !class.description.is_empty() {
        let _ = write!(out, "\n\n{}", class.description);
    }
    out.push('\n');
    let mut facts = Vec::new();
    if !class.cwe.is_empty() {
        let cwes: Vec<String> =
            class.cwe.iter().map(|n| format!("[CWE-{n}]({})", crate::catalog::cwe_link(*n))).collect();
        facts.push(format!("CWE: {}", cwes.join(", ")));
    }
    if let Some(chapter) = class.asvs.as_deref() {
        let info = crate::catalog::reference(&format!("asvs:{chapter}"));
        match info.as_ref().and_then(|i| Some((i.name.as_deref()?, &i.link))) {
            Some((name, link)) => facts.push(format!("ASVS: [{chapter} {name}]({link})")),
            None => facts.push(format!("ASVS: {chapter}")),
        }
    }
    if let Some(link) = &class.link {
        let read = if class.parent.is_some() { "OWASP cheat sheet" } else { "More" };
        let read = if catalog.is_builtin(id) { read } else { "Read more" };
        facts.push(format!("{read}: <{link}>"));
    }
    if let Some((file, _)) = index.class_defs(id).next().filter(|_| !catalog.is_builtin(id)) {
        facts.push(format!("A team class, defined in `{}`", file.path));
    }
    for fact in facts {
        let _ = write!(out, "\n- {fact}");
    }
    let templates: Vec<String> = catalog.templates_for(id).map(|m| format!("`{}`", m.id)).collect();
    if !templates.is_empty() {
        let _ = write!(out, "\n\nUsual mitigations: {}", templates.join(", "));
    }
    Some(out)
}

/// What an external reference names, and its page.
fn ref_card(text: &str) -> Option<String> {
    let info = crate::catalog::reference(text)?;
    let shown = text.split_once(':').map_or(text, |(_, rest)| rest);
    Some(match (&info.name, info.unknown_number) {
        (Some(name), _) => format!("**{shown}** — {name}\n\n<{}>", info.link),
        (None, true) => format!("**{shown}**, not in threatls' catalog\n\n<{}>", info.link),
        (None, false) => format!("**{shown}**\n\n<{}>", info.link),
    })
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}
