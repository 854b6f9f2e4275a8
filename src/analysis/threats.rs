//! What the model says about its threats: each threat's derived state, and the findings that
//! follow from it (open threats, acceptances, review cadence).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Detail, Element, Mitigation, Severity, Threat};

use super::{Index, Options, SourceFile};

/// A threat's state, derived from its mitigations and acceptance; never written by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreatState {
    /// Implemented or verified mitigations cover every asset and flow the threat affects.
    Mitigated { by: Vec<String> },
    /// A complete acceptance holds until `until` (inclusive).
    Accepted { by: String, until: Date },
    /// Neither. `uncovered` lists the affected targets no effective mitigation covers;
    /// `expired` is set when an acceptance has lapsed.
    Open { uncovered: Vec<String>, expired: Option<Date> },
}

struct MitigationRef<'a> {
    file: &'a SourceFile,
    element: &'a Element,
    mitigation: &'a Mitigation,
}

pub(super) fn check(
    files: &BTreeMap<String, Arc<SourceFile>>,
    index: &Index,
    options: &Options,
    sink: &mut impl FnMut(&str, Diagnostic),
) -> BTreeMap<String, ThreatState> {
    let mut by_threat: HashMap<&str, Vec<MitigationRef<'_>>> = HashMap::new();
    for file in files.values() {
        for element in &file.model.elements {
            if let Detail::Mitigation(mitigation) = &element.detail {
                let threats: BTreeSet<&str> = mitigation.mitigates.iter().map(|t| t.value.as_str()).collect();
                for threat in threats {
                    by_threat.entry(threat).or_default().push(MitigationRef { file, element, mitigation });
                }
                target_not_affected(file, mitigation, index, sink);
            }
        }
    }
    let mut states = BTreeMap::new();
    for file in files.values() {
        for element in &file.model.elements {
            let Detail::Threat(threat) = &element.detail else { continue };
            let is_first = index.def(&element.id.value).is_some_and(|d| std::ptr::eq(d.element, element));
            if !is_first {
                continue;
            }
            let mitigations = by_threat.get(element.id.value.as_str()).map_or(&[][..], Vec::as_slice);
            let state = derive(threat, mitigations, options.today);
            threat_findings(file, element, threat, &state, mitigations, options.today, sink);
            states.insert(element.id.value.clone(), state);
        }
        review(file, options.today, sink);
    }
    states
}

fn derive(threat: &Threat, mitigations: &[MitigationRef<'_>], today: Date) -> ThreatState {
    let targets: BTreeSet<&str> = threat.affects.iter().map(|t| t.value.as_str()).collect();
    // Reported in the order `affects:` lists them.
    let mut seen = BTreeSet::new();
    let ordered: Vec<&str> = threat.affects.iter().map(|t| t.value.as_str()).filter(|t| seen.insert(*t)).collect();
    let effective: Vec<&MitigationRef<'_>> =
        mitigations.iter().filter(|m| m.mitigation.status.is_effective()).collect();
    let mut covered = BTreeSet::new();
    for m in &effective {
        match &m.mitigation.on {
            Some(on) => covered.extend(on.iter().map(|t| t.value.as_str()).filter(|t| targets.contains(t))),
            None => covered.extend(targets.iter().copied()),
        }
    }
    let mitigated = if targets.is_empty() { !effective.is_empty() } else { covered.len() == targets.len() };
    if mitigated {
        return ThreatState::Mitigated { by: effective.iter().map(|m| m.element.id.value.clone()).collect() };
    }
    let acceptance = threat.accepted.as_ref().filter(|a| a.missing.is_empty());
    let valid = acceptance.and_then(|a| Some((a.by.as_ref()?, a.reason.as_ref()?, a.until.as_ref()?)));
    if let Some((by, _, until)) = valid
        && until.value >= today
    {
        return ThreatState::Accepted { by: by.value.clone(), until: until.value };
    }
    ThreatState::Open {
        uncovered: ordered.into_iter().filter(|t| !covered.contains(t)).map(str::to_owned).collect(),
        expired: valid.map(|(_, _, until)| until.value),
    }
}

fn threat_findings(
    file: &SourceFile,
    element: &Element,
    threat: &Threat,
    state: &ThreatState,
    mitigations: &[MitigationRef<'_>],
    today: Date,
    sink: &mut impl FnMut(&str, Diagnostic),
) {
    let id = &element.id.value;
    if threat.affects.is_empty() && !threat.affects_flawed && element.complete {
        let msg = format!(
            "threat `{id}` names no asset or flow in `affects:`, so no mitigation can be placed against it; add `affects: [<asset-id>]`"
        );
        sink(&file.path, Diagnostic::new(Code::ThreatAffectsNothing, element.id.range, msg));
    }
    if let Some(acceptance) = &threat.accepted {
        if !acceptance.missing.is_empty() {
            let keys: Vec<String> = acceptance.missing.iter().map(|k| format!("`{k}`")).collect();
            let keys = match keys.as_slice() {
                [one] => one.clone(),
                [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
                [] => String::new(),
            };
            let until =
                today.add_days(90).map_or_else(String::new, |d| format!(" (`until: {d}` is 90 days from today)"));
            let msg = format!(
                "the acceptance of `{id}` has no {keys}, so it does not count: a risk acceptance must say who accepted the risk (`by`), why (`reason`) and until when (`until`){}",
                if acceptance.missing.contains(&"until") { until } else { String::new() },
            );
            sink(&file.path, Diagnostic::new(Code::IncompleteAcceptance, acceptance.key, msg));
        }
        if let Some(until) = acceptance.until.as_ref().filter(|u| u.value < today) {
            let days = until.value.days_until(today);
            let msg = format!(
                "the acceptance of `{id}` expired on {} ({days} {} ago), so the threat is open again; mitigate it, or renew the acceptance with a new `until` and a current `reason`",
                until.value,
                if days == 1 { "day" } else { "days" },
            );
            sink(&file.path, Diagnostic::new(Code::ExpiredAcceptance, until.range, msg));
        }
    }
    let ThreatState::Open { uncovered, expired } = state else { return };
    let Some(severity) = threat.severity.as_ref().filter(|s| s.value >= Severity::High) else { return };
    let class = threat.class.as_ref().map_or(String::new(), |c| format!(", {}", c.value));
    let mut why = if uncovered.is_empty() {
        "no implemented mitigation counters it".to_owned()
    } else {
        let list: Vec<String> = uncovered.iter().map(|t| format!("`{t}`")).collect();
        format!("no implemented mitigation covers {}", list.join(", "))
    };
    let pending: Vec<&MitigationRef<'_>> = mitigations.iter().filter(|m| !m.mitigation.status.is_effective()).collect();
    if !pending.is_empty() {
        let list: Vec<String> =
            pending.iter().map(|m| format!("`{}` is {}", m.element.id.value, m.mitigation.status.as_str())).collect();
        why.push_str(&format!(" ({})", list.join(", ")));
    }
    if let Some(date) = expired {
        why.push_str(&format!(", and its acceptance expired on {date}"));
    }
    let msg = format!(
        "threat `{id}` ({}{class}) is open: {why}; implement a mitigation for it, or accept the risk with `accepted:`",
        severity.value.as_str()
    );
    let mut d = Diagnostic::new(Code::OpenThreat, element.id.range, msg);
    for m in pending {
        let range = m.mitigation.status_range.unwrap_or(m.element.id.range);
        d = d.with_related(
            &m.file.path,
            range,
            format!("`{}` is {}", m.element.id.value, m.mitigation.status.as_str()),
        );
    }
    sink(&file.path, d);
}

/// A mitigation's `on:` target that none of its threats affects protects nothing there.
fn target_not_affected(
    file: &SourceFile,
    mitigation: &Mitigation,
    index: &Index,
    sink: &mut impl FnMut(&str, Diagnostic),
) {
    let Some(on) = &mitigation.on else { return };
    let mut affected = BTreeSet::new();
    for threat in &mitigation.mitigates {
        let Some(def) = index.def(&threat.value) else { return };
        let Detail::Threat(t) = &def.element.detail else { return };
        affected.extend(t.affects.iter().map(|a| a.value.as_str()));
    }
    if mitigation.mitigates.is_empty() {
        return;
    }
    for target in on.iter().filter(|t| !affected.contains(t.value.as_str())) {
        let threats: Vec<String> = mitigation.mitigates.iter().map(|t| format!("`{}`", t.value)).collect();
        let msg = format!(
            "`{}` is not affected by {}, so this mitigation covers nothing there; add it to the threat's `affects:` or remove it from `on:`",
            target.value,
            threats.join(" or ")
        );
        sink(&file.path, Diagnostic::new(Code::TargetNotAffected, target.range, msg));
    }
}

fn review(file: &SourceFile, today: Date, sink: &mut impl FnMut(&str, Diagnostic)) {
    let Some(review) = &file.model.review else { return };
    let Some(last) = &review.last else { return };
    if last.value > today {
        let msg = format!(
            "the last review date {} is in the future (today is {today}); set `last:` to the day the review took place",
            last.value
        );
        sink(&file.path, Diagnostic::new(Code::InvalidDate, last.range, msg));
        return;
    }
    let Some(cadence) = &review.cadence else { return };
    let Some(due) = cadence.value.due_after(last.value) else { return };
    if today > due {
        let days = due.days_until(today);
        let msg = format!(
            "review overdue: the last review was on {} and the cadence is {}, so the next was due by {due}, {days} {} ago; review the model, then set `last:` to the review's date",
            last.value,
            cadence.value,
            if days == 1 { "day" } else { "days" },
        );
        sink(&file.path, Diagnostic::new(Code::ReviewOverdue, last.range, msg));
    }
}
