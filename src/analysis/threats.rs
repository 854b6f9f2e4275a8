//! What the model and the code say about threats: each threat's derived state, and the findings
//! that follow from it (open threats, exposures in code, acceptances, review cadence).

use hashbrown::{HashMap, HashSet};

use crate::date::Date;
use crate::diagnostic::Severity as Level;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Detail, Element, Kind, Mitigation, Severity, Status, Threat};

use super::code::{CodeFacts, Exposure, Shown};
use super::{Analysed, FileKind, Index, Options, SourceFile};

/// A threat's state, derived from its mitigations and acceptance; never written by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreatState {
    /// Implemented or verified mitigations, and `@mitigates` annotations in code, cover every
    /// asset and flow the threat affects and every place code exposes it.
    Mitigated { by: Vec<String>, in_code: usize },
    /// A complete acceptance holds until `until` (inclusive).
    Accepted { by: String, until: Date },
    /// Neither. `uncovered` lists the affected targets no effective mitigation covers, as
    /// written; `uncovered_keys` the same targets as keys (element ids, or the implicit keys of
    /// names in code), for faces that match them with assets and flows. `expired` is set when
    /// an acceptance has lapsed.
    Open { uncovered: Vec<String>, uncovered_keys: Vec<String>, expired: Option<Date> },
}

struct MitigationRef<'a> {
    file: &'a SourceFile,
    element: &'a Element,
    mitigation: &'a Mitigation,
    /// The mitigation's status counts (read once here: the checks ask for every threat and
    /// every exposure, and reading it from the element was a cache miss each time).
    effective: bool,
}

pub(super) fn check(
    files: &Analysed<'_>,
    index: &Index,
    options: &Options,
    code: &CodeFacts<'_>,
    sink: &mut impl FnMut(&str, Diagnostic),
) -> HashMap<String, ThreatState> {
    // Sized up front, and the per-threat sets reused: on a model of thousands of threats, growing
    // and allocating hash tables was most of this pass, which runs after every keystroke. Each
    // pass over the elements of a large model reads megabytes, so there are two.
    let mut by_threat: HashMap<&str, Vec<MitigationRef<'_>>> = HashMap::with_capacity(index.count(Kind::Mitigation));
    let mut seen: HashSet<&str> = HashSet::new();
    let backing = code.any.then(|| Backing::of(code));
    for file in files.iter() {
        for element in &file.model.elements {
            if let Detail::Mitigation(mitigation) = &element.detail {
                seen.clear();
                for threat in mitigation.mitigates.iter().map(|t| t.value.as_str()).filter(|t| seen.insert(t)) {
                    let effective = mitigation.status.is_effective();
                    by_threat.entry(threat).or_default().push(MitigationRef { file, element, mitigation, effective });
                }
                target_not_affected(file, mitigation, index, sink);
                if let Some(backing) = &backing {
                    unbacked(file, element, mitigation, backing, sink);
                }
            }
        }
    }
    let in_code = InCode::by_threat(code);
    let nothing_in_code = InCode::default();
    let mut states = HashMap::with_capacity(index.count(Kind::Threat));
    let mut scratch = Scratch::default();
    for file in files.iter() {
        for element in &file.model.elements {
            let Detail::Threat(threat) = &element.detail else { continue };
            if !index.is_original(element) {
                continue;
            }
            let id = element.id.value.as_str();
            let mitigations = by_threat.get(id).map_or(&[][..], Vec::as_slice);
            let in_code = in_code.get(id).unwrap_or(&nothing_in_code);
            let state = derive(threat, mitigations, in_code, options.today, &mut scratch);
            threat_findings(file, element, threat, &state, mitigations, options.today, sink);
            states.insert(element.id.value.clone(), state);
        }
        review(file, options.today, sink);
    }
    for exposure in &code.exposures {
        exposure_finding(exposure, code, &by_threat, &states, index, sink);
    }
    states
}

/// What the code says about one threat.
#[derive(Default)]
struct InCode<'a> {
    /// Where code exposes it: the asset's key, and the asset as written.
    exposed: Vec<(&'a str, Shown<'a>)>,
    /// Asset keys where `@mitigates` mitigates it or `@transfers` moves it away.
    covered: HashSet<&'a str>,
    /// Asset keys where code accepts it, with who accepted it and until when.
    accepted: Vec<(&'a str, &'a str, Date)>,
}

impl<'a> InCode<'a> {
    /// What the code says about each threat it names, in one pass over the code's facts.
    fn by_threat(code: &'a CodeFacts<'_>) -> HashMap<&'a str, InCode<'a>> {
        let mut out: HashMap<&str, InCode<'_>> = HashMap::new();
        for e in &code.exposures {
            out.entry(&e.threat.key).or_default().exposed.push((&e.asset.key, e.asset.shown));
        }
        for (threat, assets) in &code.mitigated {
            out.entry(threat).or_default().covered.extend(assets.iter().map(AsRef::as_ref));
        }
        for (threat, asset) in &code.transferred {
            out.entry(threat).or_default().covered.insert(asset);
        }
        for ((threat, asset), (by, until)) in &code.accepted {
            out.entry(threat).or_default().accepted.push((asset, by, *until));
        }
        out
    }
}

/// The sets [`derive`] works with, kept from one threat to the next so that their tables are
/// allocated once per analysis instead of once per threat.
#[derive(Default)]
struct Scratch<'a> {
    /// The threat's targets, in order: what `affects:` lists, then where code exposes it.
    ordered: Vec<(&'a str, Shown<'a>)>,
    targets: HashSet<&'a str>,
    covered: HashSet<&'a str>,
}

fn derive<'a>(
    threat: &'a Threat,
    mitigations: &[MitigationRef<'a>],
    in_code: &InCode<'a>,
    today: Date,
    scratch: &mut Scratch<'a>,
) -> ThreatState {
    // Implicit targets (code paths) are shown as written. Hashed sets: a threat usually has a
    // handful of targets, but nothing bounds them.
    let Scratch { ordered, targets, covered } = scratch;
    ordered.clear();
    targets.clear();
    covered.clear();
    let listed = threat.affects.iter().map(|t| (t.value.as_str(), Shown::plain(&t.value)));
    ordered.extend(listed.chain(in_code.exposed.iter().copied()).filter(|(key, _)| targets.insert(*key)));
    let effective = || mitigations.iter().filter(|m| m.effective);
    for m in effective() {
        match &m.mitigation.on {
            Some(on) => covered.extend(on.iter().map(|t| t.value.as_str()).filter(|t| targets.contains(t))),
            None => covered.extend(targets.iter().copied()),
        }
    }
    covered.extend(targets.iter().copied().filter(|t| in_code.covered.contains(*t)));
    let code_count = in_code.covered.len();
    let mitigated = if targets.is_empty() {
        effective().next().is_some() || code_count > 0
    } else {
        covered.len() == targets.len()
    };
    if mitigated {
        let by = effective().map(|m| m.element.id.value.clone()).collect();
        return ThreatState::Mitigated { by, in_code: code_count };
    }
    let acceptance = threat.accepted.as_ref().filter(|a| a.missing.is_empty());
    let valid = acceptance.and_then(|a| Some((a.by.as_ref()?, a.reason.as_ref()?, a.until.as_ref()?)));
    if let Some((by, _, until)) = valid
        && until.value >= today
    {
        return ThreatState::Accepted { by: by.value.clone(), until: until.value };
    }
    // Where code accepts the risk for every target not mitigated, it is accepted until the
    // first of those acceptances lapses.
    let accepted_here =
        || in_code.accepted.iter().filter(|(key, _, _)| targets.contains(key) && !covered.contains(key));
    let rest = targets.len() - covered.len();
    if accepted_here().count() >= rest
        && let Some((_, by, until)) = accepted_here().min_by_key(|(_, _, until)| *until)
    {
        return ThreatState::Accepted { by: (*by).to_owned(), until: *until };
    }
    let (uncovered_keys, uncovered) =
        ordered.iter().filter(|(key, _)| !covered.contains(key)).map(|(k, s)| ((*k).to_owned(), s.to_string())).unzip();
    ThreatState::Open { uncovered, uncovered_keys, expired: valid.map(|(_, _, until)| until.value) }
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
    let from_model = file.kind == FileKind::Model;
    if from_model && threat.affects.is_empty() && !threat.affects_flawed && element.complete {
        let msg = format!(
            "threat `{id}` names no asset or flow in `affects:`, so no mitigation can be placed against it; add `affects: [<asset-id>]`"
        );
        sink(&file.path, Diagnostic::new(Code::ThreatAffectsNothing, element.id.range, msg).about_threat(id));
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
            sink(&file.path, Diagnostic::new(Code::IncompleteAcceptance, acceptance.key, msg).about_threat(id));
        }
        if let Some(until) = acceptance.until.as_ref().filter(|u| u.value < today) {
            let days = until.value.days_until(today);
            let msg = format!(
                "the acceptance of `{id}` expired on {} ({days} {} ago), so the threat is open again; mitigate it, or renew the acceptance with a new `until` and a current `reason`",
                until.value,
                if days == 1 { "day" } else { "days" },
            );
            sink(&file.path, Diagnostic::new(Code::ExpiredAcceptance, until.range, msg).about_threat(id));
        }
    }
    let ThreatState::Open { uncovered, expired, .. } = state else { return };
    let Some(severity) = threat.severity.as_ref().filter(|s| s.value >= Severity::High) else { return };
    let class = threat.class.as_ref().map_or(String::new(), |c| format!(", {}", c.value));
    let mut why = if uncovered.is_empty() {
        "no implemented mitigation counters it".to_owned()
    } else {
        let list: Vec<String> = uncovered.iter().map(|t| format!("`{t}`")).collect();
        format!("no implemented mitigation covers {}", list.join(", "))
    };
    let pending: Vec<&MitigationRef<'_>> = mitigations.iter().filter(|m| !m.effective).collect();
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
    let mut d = Diagnostic::new(Code::OpenThreat, element.id.range, msg).about_threat(id);
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
    let mut affected = HashSet::new();
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

/// An exposure in code is closed when the threat is mitigated on that asset (in code or by an
/// effective model mitigation that covers it), accepted, or transferred away from it.
fn exposure_finding(
    exposure: &Exposure<'_>,
    code: &CodeFacts<'_>,
    by_threat: &HashMap<&str, Vec<MitigationRef<'_>>>,
    states: &HashMap<String, ThreatState>,
    index: &Index,
    sink: &mut impl FnMut(&str, Diagnostic),
) {
    let (threat, asset) = (&exposure.threat.key, &exposure.asset.key);
    let in_code = code.mitigated.get(threat).is_some_and(|assets| assets.contains(asset));
    let in_model = by_threat
        .get(threat.as_ref())
        .is_some_and(|ms| ms.iter().filter(|m| m.effective).any(|m| m.mitigation.covers(asset)));
    let pair = (threat.clone(), asset.clone());
    let accepted =
        matches!(states.get(threat.as_ref()), Some(ThreatState::Accepted { .. })) || code.accepted.contains_key(&pair);
    if in_code || in_model || accepted || code.transferred.contains(&pair) {
        return;
    }
    let def = index.def(threat);
    let model_threat = def.and_then(|d| match &d.element.detail {
        Detail::Threat(t) => Some((d, t)),
        _ => None,
    });
    let severity = exposure
        .annotation
        .severity
        .as_ref()
        .map(|s| s.value)
        .or_else(|| model_threat.and_then(|(_, t)| t.severity.as_ref()).map(|s| s.value));
    let level = match severity {
        Some(Severity::Critical | Severity::High) => Level::Error,
        Some(Severity::Medium) | None => Level::Warning,
        Some(Severity::Low) => Level::Information,
    };
    let shown = &exposure.threat.shown;
    let place = &exposure.asset.shown;
    let what = match model_threat {
        Some((d, t)) => {
            let title = d.element.name.as_ref().map_or(String::new(), |n| format!(" \"{}\"", n.value));
            let severity = t.severity.as_ref().map_or("no severity", |s| s.value.as_str());
            let class = t.class.as_ref().map_or(String::new(), |c| format!(", {}", c.value));
            format!("threat `{}`{title} ({severity}{class})", d.element.id.value)
        }
        None => format!(
            "threat `{shown}`, which the model does not define (define it under `threats:` to give it a class and severity),"
        ),
    };
    let msg = format!(
        "{what} is exposed here on `{place}` and not mitigated there or accepted; add `@mitigates {place} against {shown}` where a control is implemented, mark a model mitigation of it implemented, or accept the risk"
    );
    let mut d = Diagnostic::new(Code::UnmitigatedExposure, exposure.threat.range, msg).with_severity(level);
    if let Some((def, _)) = model_threat {
        d = d
            .with_related(&def.file.path, def.element.id.range, format!("`{}` is defined here", def.element.id.value))
            .about_threat(&def.element.id.value);
    }
    sink(&exposure.file.path, d);
}

/// The `@mitigates` annotations in code, as [`unbacked`] asks about them.
struct Backing<'a> {
    /// Controls that annotations name.
    named: HashSet<&'a str>,
    /// The assets of the annotations that name no control, by threat.
    unnamed: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Backing<'a> {
    fn of(code: &'a CodeFacts<'_>) -> Backing<'a> {
        let mut backing = Backing { named: HashSet::new(), unnamed: HashMap::new() };
        for m in &code.mitigations {
            match &m.control {
                Some(control) => {
                    backing.named.insert(control);
                }
                None => backing.unnamed.entry(&m.threat).or_default().push(&m.asset),
            }
        }
        backing
    }
}

/// A mitigation a model marks implemented that no `@mitigates` in code names, directly (as its
/// control) or through one of its threats, is an unverified claim. Asked only when the workspace
/// has annotations at all.
fn unbacked(
    file: &SourceFile,
    element: &Element,
    m: &Mitigation,
    backing: &Backing<'_>,
    sink: &mut impl FnMut(&str, Diagnostic),
) {
    if file.kind != FileKind::Model || m.status != Status::Implemented {
        return;
    }
    let id = &element.id.value;
    // Backed by a `@mitigates` that names it, or that names one of its threats on an asset it
    // covers without naming another control.
    let backed = backing.named.contains(id.as_str())
        || m.mitigates
            .iter()
            .filter_map(|t| backing.unnamed.get(t.value.as_str()))
            .flatten()
            .any(|asset| m.covers(asset));
    if backed {
        return;
    }
    let threat = m.mitigates.first().map_or("<threat>", |t| t.value.as_str());
    let msg = format!(
        "`{id}` is marked implemented, but no `@mitigates` annotation in code backs it; annotate the code that implements it (`@mitigates <asset> against #{threat} using #{id}`)"
    );
    let range = m.status_range.unwrap_or(element.id.range);
    sink(&file.path, Diagnostic::new(Code::UnbackedMitigation, range, msg));
}
