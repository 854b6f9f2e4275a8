//! The report's counts: what the model holds, threats by state and severity, mitigations by
//! status. Tables hold only numbers and fixed words, so no model text reaches a cell.

use std::fmt::Write;

use crate::analysis::{SourceFile, ThreatState};
use crate::model::{Element, Kind, Mitigation, Severity, Status, Threat};

const SEVERITIES: [Option<Severity>; 5] =
    [Some(Severity::Critical), Some(Severity::High), Some(Severity::Medium), Some(Severity::Low), None];

pub(super) fn write(
    out: &mut String,
    elements: &[(&SourceFile, &Element)],
    threats: &[(&Element, &Threat, &ThreatState)],
    mitigations: &[(&Element, &Mitigation)],
) {
    let count = |kind: Kind| elements.iter().filter(|(_, e)| e.kind == kind).count();
    out.push_str("## Summary\n\n");
    let _ = writeln!(
        out,
        "{} across {}, {} and {}.\n",
        counted(count(Kind::Asset), "asset"),
        counted(count(Kind::Boundary), "trust boundary"),
        counted(count(Kind::Flow), "data flow"),
        counted(count(Kind::Data), "data item"),
    );

    let severity = |t: &Threat| t.severity.as_ref().map(|s| s.value);
    let columns: Vec<Option<Severity>> = SEVERITIES
        .into_iter()
        .filter(|s| s.is_some() || threats.iter().any(|(_, t, _)| severity(t).is_none()))
        .collect();
    out.push_str("| threats |");
    for s in &columns {
        let _ = write!(out, " {} |", s.map_or("no severity", Severity::as_str));
    }
    out.push_str(" total |\n| --- |");
    out.push_str(&" ---: |".repeat(columns.len() + 1));
    out.push('\n');
    type StateTest = fn(&ThreatState) -> bool;
    let rows: [(&str, StateTest); 4] = [
        ("open", |s| matches!(s, ThreatState::Open { .. })),
        ("accepted", |s| matches!(s, ThreatState::Accepted { .. })),
        ("mitigated", |s| matches!(s, ThreatState::Mitigated { .. })),
        ("total", |_| true),
    ];
    for (name, test) in rows {
        let _ = write!(out, "| {name} |");
        let in_row: Vec<_> = threats.iter().filter(|(_, _, s)| test(s)).collect();
        for s in &columns {
            let _ = write!(out, " {} |", in_row.iter().filter(|(_, t, _)| severity(t) == *s).count());
        }
        let _ = writeln!(out, " {} |", in_row.len());
    }
    out.push('\n');

    let statuses = [Status::Verified, Status::Implemented, Status::InProgress, Status::Planned];
    out.push_str("| mitigations |");
    for s in statuses {
        let _ = write!(out, " {} |", s.as_str());
    }
    out.push_str(" total |\n| --- |");
    out.push_str(&" ---: |".repeat(statuses.len() + 1));
    out.push_str("\n| count |");
    for s in statuses {
        let _ = write!(out, " {} |", mitigations.iter().filter(|(_, m)| m.status == s).count());
    }
    let _ = writeln!(out, " {} |\n", mitigations.len());
}

fn counted(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "trust boundary") => format!("{n} trust boundaries"),
        _ => format!("{n} {noun}s"),
    }
}
