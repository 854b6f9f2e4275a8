//! The Markdown report: summary counts, open threats by severity with where code exposes
//! them, mitigations with their evidence in code, acceptances by expiry, and the diagram.

use std::fmt::Write;

use crate::analysis::{CodePlace, ThreatState, Workspace};
use crate::annotations::Verb;
use crate::date::Date;
use crate::model::{Detail, Element, Mitigation, Severity, Status, Threat};
use crate::syntax::PositionEncoding;

use super::md::{code, text};

/// Acceptances that end within this many days are listed first.
const EXPIRING_SOON_DAYS: i64 = 30;

/// What the report reads, gathered once.
struct Model<'a> {
    ws: &'a Workspace,
    today: Date,
    threats: Vec<(&'a Element, &'a Threat, &'a ThreatState)>,
    mitigations: Vec<(&'a Element, &'a Mitigation)>,
}

pub(super) fn render(ws: &Workspace) -> String {
    let elements = super::elements(ws);
    let states = &ws.analysis().threat_states;
    let threats = elements
        .iter()
        .filter_map(|(_, e)| match &e.detail {
            Detail::Threat(t) => Some((*e, t, states.get(&e.id.value)?)),
            _ => None,
        })
        .collect();
    let mitigations = elements
        .iter()
        .filter_map(|(_, e)| match &e.detail {
            Detail::Mitigation(m) => Some((*e, m)),
            _ => None,
        })
        .collect();
    let m = Model { ws, today: ws.options().today, threats, mitigations };

    let mut out = String::new();
    let title = super::files(ws).into_iter().find_map(|f| f.model.title.as_ref());
    match title {
        Some(t) => {
            let _ = writeln!(out, "# Threat model: {}\n", text(&t.value));
        }
        None => out.push_str("# Threat model\n\n"),
    }
    let _ = writeln!(out, "As of {}; made by `threatls export --format markdown`.\n", m.today);
    super::summary::write(&mut out, &elements, &m.threats, &m.mitigations);
    open_threats(&m, &mut out);
    mitigation_list(&m, &mut out);
    acceptances(&m, &mut out);
    out.push_str("## Data-flow diagram\n\n```mermaid\n");
    out.push_str(&super::export(ws, super::Format::Mermaid));
    out.push_str("```\n");
    out
}

fn open_threats(m: &Model<'_>, out: &mut String) {
    out.push_str("## Open threats\n\n");
    let mut open: Vec<_> = m
        .threats
        .iter()
        .filter_map(|(e, t, s)| match s {
            ThreatState::Open { uncovered, expired, .. } => Some((*e, *t, uncovered, *expired)),
            _ => None,
        })
        .collect();
    if open.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    // Highest severity first; a stable sort keeps the model's order within one.
    open.sort_by_key(|(_, t, _, _)| std::cmp::Reverse(t.severity.as_ref().map(|s| s.value)));
    let mut heading = None;
    for (e, t, uncovered, expired) in open {
        let severity = t.severity.as_ref().map(|s| s.value);
        if heading != Some(severity) {
            if heading.is_some() {
                out.push('\n');
            }
            heading = Some(severity);
            let _ = writeln!(out, "### {}\n", severity.map_or("No severity", severity_heading));
        }
        item(out, e);
        let class = t.class.as_ref().map_or(String::new(), |c| format!("{}; ", text(&c.value)));
        if uncovered.is_empty() {
            let _ = writeln!(out, "  - {class}no mitigation in place");
        } else {
            let _ = writeln!(out, "  - {class}not mitigated on {}", codes(uncovered.iter()));
        }
        let pending: Vec<String> = m
            .mitigations
            .iter()
            .filter(|(_, mm)| !mm.status.is_effective() && mm.mitigates.iter().any(|x| x.value == e.id.value))
            .map(|(me, mm)| format!("{} ({})", code(&me.id.value), mm.status.as_str()))
            .collect();
        if !pending.is_empty() {
            let _ = writeln!(out, "  - not in place yet: {}", pending.join(", "));
        }
        if let Some(date) = expired {
            let _ = writeln!(out, "  - its acceptance expired on {date}");
        }
        for p in m.ws.evidence().of_threat(&[Verb::Exposes, Verb::Confirmed], &e.id.value) {
            let _ = writeln!(out, "  - exposed at {} on {}", place(m.ws, p), code(shown(&p.target)));
        }
    }
    out.push('\n');
}

fn mitigation_list(m: &Model<'_>, out: &mut String) {
    out.push_str("## Mitigations\n\n");
    if m.mitigations.is_empty() {
        out.push_str("None.\n\n");
    }
    let places: Vec<&CodePlace> = m.ws.evidence().places.iter().filter(|p| p.verb == Verb::Mitigates).collect();
    let mut backing = vec![false; places.len()];
    for status in [Status::Verified, Status::Implemented, Status::InProgress, Status::Planned] {
        let of_status: Vec<_> = m.mitigations.iter().filter(|(_, mm)| mm.status == status).collect();
        if of_status.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {}\n", status_heading(status));
        for (e, mm) in of_status {
            item(out, e);
            if !mm.mitigates.is_empty() {
                let on =
                    mm.on.as_ref().map_or(String::new(), |on| format!(" on {}", codes(on.iter().map(|t| &t.value))));
                let _ = writeln!(out, "  - mitigates {}{on}", codes(mm.mitigates.iter().map(|t| &t.value)));
            }
            let mut any = false;
            for (i, p) in places.iter().enumerate() {
                if backs(&e.id.value, mm, p) {
                    let _ = writeln!(out, "  - in code at {} on {}", place(m.ws, p), code(shown(&p.target)));
                    any = true;
                    if let Some(b) = backing.get_mut(i) {
                        *b = true;
                    }
                }
            }
            if !any && status.is_effective() {
                out.push_str("  - no `@mitigates` in code names it\n");
            }
        }
        out.push('\n');
    }
    let unattributed: Vec<&&CodePlace> = places.iter().zip(&backing).filter(|(_, b)| !**b).map(|(p, _)| p).collect();
    if !unattributed.is_empty() {
        out.push_str("### In code only\n\n");
        for p in unattributed {
            let _ =
                writeln!(out, "- {} against {} at {}", code(shown(&p.target)), code(shown(&p.threat)), place(m.ws, p));
        }
        out.push('\n');
    }
}

/// Whether a `@mitigates` is evidence for the model mitigation `id`: it names it as its control,
/// or names no control and mitigates one of its threats on a target it covers (the rule
/// `unbacked-mitigation` applies).
fn backs(id: &str, m: &Mitigation, p: &CodePlace) -> bool {
    match &p.control {
        Some(control) => control == id,
        None => m.mitigates.iter().any(|t| t.value == p.threat) && m.covers(&p.target),
    }
}

fn acceptances(m: &Model<'_>, out: &mut String) {
    out.push_str("## Acceptances\n\n");
    let mut holding: Vec<(&Element, &Threat, &str, Date)> = m
        .threats
        .iter()
        .filter_map(|(e, t, s)| match s {
            ThreatState::Accepted { by, until } => Some((*e, *t, by.as_str(), *until)),
            _ => None,
        })
        .collect();
    holding.sort_by_key(|(_, _, _, until)| *until);
    let expired: Vec<(&Element, &Threat, Date)> = m
        .threats
        .iter()
        .filter_map(|(e, t, s)| match s {
            ThreatState::Open { expired: Some(date), .. } => Some((*e, *t, *date)),
            _ => None,
        })
        .collect();
    if holding.is_empty() && expired.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    let soon = |until: &Date| m.today.days_until(*until) <= EXPIRING_SOON_DAYS;
    let (first, later): (Vec<_>, Vec<_>) = holding.into_iter().partition(|(_, _, _, until)| soon(until));
    for (heading, list) in [(format!("Expiring within {EXPIRING_SOON_DAYS} days"), first), ("Later".to_owned(), later)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        for (e, t, by, until) in list {
            item(out, e);
            let days = m.today.days_until(until);
            let _ = writeln!(out, "  - accepted by {} until {until} (in {days} {})", text(by), plural(days, "day"));
            let model = t.accepted.as_ref().filter(|a| a.until.as_ref().is_some_and(|u| u.value == until));
            if let Some(reason) = model.and_then(|a| a.reason.as_ref()) {
                let _ = writeln!(out, "  - reason: {}", text(&reason.value));
            }
            for p in m.ws.evidence().of_threat(&[Verb::Accepts], &e.id.value) {
                let _ = writeln!(out, "  - accepted in code at {} on {}", place(m.ws, p), code(shown(&p.target)));
            }
        }
        out.push('\n');
    }
    if !expired.is_empty() {
        out.push_str("### Expired, so open again\n\n");
        for (e, t, until) in expired {
            item(out, e);
            let by = t
                .accepted
                .as_ref()
                .and_then(|a| a.by.as_ref())
                .map_or(String::new(), |b| format!(" by {}", text(&b.value)));
            let days = until.days_until(m.today);
            let _ = writeln!(out, "  - accepted{by} until {until} ({days} {} ago)", plural(days, "day"));
        }
        out.push('\n');
    }
}

/// A list item opening with an element's id and title.
fn item(out: &mut String, e: &Element) {
    match &e.name {
        Some(name) => {
            let _ = writeln!(out, "- {}: {}", code(&e.id.value), text(&name.value));
        }
        None => {
            let _ = writeln!(out, "- {}", code(&e.id.value));
        }
    }
}

/// `path:line` of an annotation, as a code span.
fn place(ws: &Workspace, p: &CodePlace) -> String {
    let line = ws.file(&p.path).map_or(0, |f| f.position(p.range.start, PositionEncoding::Utf8).line) + 1;
    code(&format!("{}:{line}", p.path))
}

/// A key as a reader knows it: an element id, or a name written in code (`asset:` dropped).
fn shown(key: &str) -> &str {
    ["asset:", "threat:", "control:"].iter().find_map(|p| key.strip_prefix(p)).unwrap_or(key)
}

fn codes<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items.map(|i| code(i)).collect::<Vec<_>>().join(", ")
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 { word.to_owned() } else { format!("{word}s") }
}

fn severity_heading(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

fn status_heading(s: Status) -> &'static str {
    match s {
        Status::Verified => "Verified",
        Status::Implemented => "Implemented",
        Status::InProgress => "In progress",
        Status::Planned => "Planned",
    }
}
