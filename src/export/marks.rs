//! How each asset and flow is marked in a diagram: by the worst state, on it, of the threats
//! that affect it (list it in `affects:`, or are exposed on it in code).

use hashbrown::HashMap;

use crate::analysis::{ThreatState, Workspace};
use crate::annotations::Verb;
use crate::model::{Detail, Severity};

/// Worst last, so that the worst of several is their maximum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mark {
    /// No threat affects it.
    #[default]
    Clear,
    Mitigated,
    Accepted,
    /// Open, of medium or low severity or none.
    Open,
    /// Open, of critical or high severity.
    Severe,
}

impl Mark {
    /// The marks a legend explains, worst first.
    pub(super) const LEGEND: [Mark; 4] = [Mark::Severe, Mark::Open, Mark::Accepted, Mark::Mitigated];

    /// A name for styles (an identifier in every output).
    pub(super) fn class(self) -> &'static str {
        match self {
            Mark::Clear => "clear",
            Mark::Mitigated => "mitigated",
            Mark::Accepted => "accepted",
            Mark::Open => "open",
            Mark::Severe => "severe",
        }
    }

    pub(super) fn meaning(self) -> &'static str {
        match self {
            Mark::Clear => "no threats",
            Mark::Mitigated => "threats mitigated",
            Mark::Accepted => "a threat accepted",
            Mark::Open => "a threat open",
            Mark::Severe => "a critical or high threat open",
        }
    }

    /// Fill and line colours: red, orange, yellow and green, each light enough for black text.
    pub(super) fn colors(self) -> Option<(&'static str, &'static str)> {
        match self {
            Mark::Clear => None,
            Mark::Mitigated => Some(("#d9f2d9", "#2e7d32")),
            Mark::Accepted => Some(("#fff3c4", "#b08800")),
            Mark::Open => Some(("#ffe0b2", "#e65100")),
            Mark::Severe => Some(("#ffcdd2", "#c62828")),
        }
    }
}

/// The mark of every asset and flow some threat affects, by id.
pub(super) fn of_targets(ws: &Workspace) -> HashMap<String, Mark> {
    let analysis = ws.analysis();
    // One pass over the evidence, not one per threat: a large model has thousands of each.
    let mut exposed: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in ws.evidence().places.iter().filter(|p| matches!(p.verb, Verb::Exposes | Verb::Confirmed)) {
        exposed.entry(p.threat.as_str()).or_default().push(p.target.as_str());
    }
    let mut marks: HashMap<String, Mark> = HashMap::new();
    for (_, e) in super::elements(ws) {
        let Detail::Threat(threat) = &e.detail else { continue };
        let Some(state) = analysis.threat_states.get(&e.id.value) else { continue };
        let severe = threat.severity.as_ref().is_some_and(|s| s.value >= Severity::High);
        let listed = threat.affects.iter().map(|t| t.value.as_str());
        let in_code = exposed.get(e.id.value.as_str()).into_iter().flatten().copied();
        for target in listed.chain(in_code) {
            let mark = match state {
                ThreatState::Mitigated { .. } => Mark::Mitigated,
                ThreatState::Accepted { .. } => Mark::Accepted,
                // Covered here, open elsewhere.
                ThreatState::Open { uncovered_keys, .. } if !uncovered_keys.iter().any(|k| k == target) => {
                    Mark::Mitigated
                }
                ThreatState::Open { .. } if severe => Mark::Severe,
                ThreatState::Open { .. } => Mark::Open,
            };
            let worst = marks.entry(target.to_owned()).or_default();
            *worst = (*worst).max(mark);
        }
    }
    marks
}
