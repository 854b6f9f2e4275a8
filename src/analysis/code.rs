//! What the code's annotations say, joined with the model: every reference resolved, code
//! acceptances checked, and the evidence (mitigations, exposures) that threat states use.
//!
//! A reference resolves to a key: an element's id when it names one (by `#id`, or by a name or
//! path that normalises to an element's id or name), otherwise an implicit key built from the
//! normalised name, so `@mitigates App.API against SQL_Injection` meets
//! `@exposes App.API to sql-injection` even when neither is defined in the model.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use hashbrown::{HashMap, HashSet};

use std::sync::{Arc, OnceLock};

use crate::annotations::{Annotation, Ref, Role, Verb, canonical_name};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Detail, Kind};
use crate::suggest::did_you_mean;
use crate::syntax::TextRange;

use super::names::{Group, NameTable};
use super::{Analysed, FileKind, Index, SourceFile};

/// A resolved reference.
#[derive(Clone, Debug)]
pub(super) struct Resolved<'a> {
    /// An element id, or an implicit `threat:<name>` / `asset:<path>` / `control:<name>` key.
    pub key: Cow<'a, str>,
    pub shown: Shown<'a>,
    pub range: TextRange,
}

/// A reference as written, for messages: `#id`, or a name or path.
#[derive(Clone, Copy, Debug)]
pub(super) struct Shown<'a> {
    text: &'a str,
    hash: bool,
}

impl<'a> Shown<'a> {
    pub(super) fn plain(text: &'a str) -> Shown<'a> {
        Shown { text, hash: false }
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hash {
            f.write_str("#")?;
        }
        f.write_str(self.text)
    }
}

pub(super) struct Exposure<'a> {
    pub file: &'a SourceFile,
    pub annotation: &'a Annotation,
    pub threat: Resolved<'a>,
    pub asset: Resolved<'a>,
}

/// One `@mitigates` in code, by key.
pub(super) struct CodeMitigation<'a> {
    pub threat: Cow<'a, str>,
    pub asset: Cow<'a, str>,
    pub control: Option<Cow<'a, str>>,
}

/// An annotation that counts as evidence: an `@exposes` (or `@confirmed`), a `@mitigates`
/// whose control is in place, an `@accepts` that holds, a `@transfers`.
pub(super) struct Place<'a> {
    pub file: &'a SourceFile,
    pub annotation: &'a Annotation,
    pub threat: Cow<'a, str>,
    pub asset: Cow<'a, str>,
    pub control: Option<Cow<'a, str>>,
}

/// Keys borrow from the annotations where they can: a workspace has tens of thousands.
#[derive(Default)]
pub(super) struct CodeFacts<'a> {
    /// Threat key to the asset keys that `@mitigates` covers.
    pub mitigated: HashMap<Cow<'a, str>, BTreeSet<Cow<'a, str>>>,
    pub mitigations: Vec<CodeMitigation<'a>>,
    pub exposures: Vec<Exposure<'a>>,
    /// `(threat, asset)` pairs accepted in code, with who accepted them and until when; only
    /// acceptances with an owner and an expiry not yet passed.
    pub accepted: BTreeMap<(Cow<'a, str>, Cow<'a, str>), (String, Date)>,
    /// `(threat, asset)` pairs whose risk `@transfers` moves elsewhere.
    pub transferred: HashSet<(Cow<'a, str>, Cow<'a, str>)>,
    /// Whether the workspace has any annotation at all.
    pub any: bool,
    /// Every annotation above in path order, then source order; kept only when asked for
    /// (reports), since the checks that run after each keystroke do not need it.
    pub places: Vec<Place<'a>>,
}

pub(super) fn collect<'a>(
    files: &Analysed<'a>,
    index: &'a Index,
    names: &'a OnceLock<Arc<NameTable>>,
    previous_names: Option<&'a Arc<NameTable>>,
    today: Date,
    keep_places: bool,
    sink: &mut impl FnMut(&str, Diagnostic),
) -> CodeFacts<'a> {
    let resolver = Resolver { index, files: *files, names, previous_names };
    let mut facts = CodeFacts::default();
    for file in files.iter().filter(|f| f.kind == FileKind::Code) {
        for a in &file.annotations {
            facts.any = true;
            // Every reference is resolved (and reported if it is wrong); the first of each role
            // is what the annotation is about.
            let (mut threat, mut asset, mut control) = (None, None, None);
            for r in &a.refs {
                let Some(resolved) = resolver.resolve(r, &mut |d| sink(&file.path, d)) else { continue };
                let first = match r.role {
                    Role::Threat => &mut threat,
                    Role::Asset => &mut asset,
                    Role::Control => &mut control,
                    Role::Actor => continue,
                };
                first.get_or_insert(resolved);
            }
            let (Some(threat), Some(asset)) = (threat, asset) else { continue };
            let place = keep_places.then(|| Place {
                file,
                annotation: a,
                threat: threat.key.clone(),
                asset: asset.key.clone(),
                control: None,
            });
            match a.verb {
                Verb::Mitigates => {
                    // Code that names a control the model says is not in place is not evidence.
                    if let Some(c) = &control
                        && let Some(def) = index.def(&c.key)
                        && let Detail::Mitigation(m) = &def.element.detail
                        && !m.status.is_effective()
                    {
                        let msg = format!(
                            "`{}` is {} in the model, so this `@mitigates` does not count yet; mark it implemented in the model when the control is in place",
                            c.shown,
                            m.status.as_str()
                        );
                        let mut d = Diagnostic::new(Code::ControlNotImplemented, c.range, msg).with_related(
                            &def.file.path,
                            m.status_range.unwrap_or(def.element.id.range),
                            format!("`{}` is {} here", def.element.id.value, m.status.as_str()),
                        );
                        d.threat = defined_threat(index, &threat.key);
                        sink(&file.path, d);
                        continue;
                    }
                    let control_key = control.as_ref().map(|c| c.key.clone());
                    facts.places.extend(place.map(|p| Place { control: control_key, ..p }));
                    facts.mitigated.entry(threat.key.clone()).or_default().insert(asset.key.clone());
                    facts.mitigations.push(CodeMitigation {
                        threat: threat.key,
                        asset: asset.key,
                        control: control.map(|c| c.key),
                    });
                }
                Verb::Exposes | Verb::Confirmed => {
                    facts.places.extend(place);
                    facts.exposures.push(Exposure { file, annotation: a, threat, asset })
                }
                Verb::Accepts => {
                    if let Some(holds) = acceptance_holds(file, a, &threat, index, today, sink) {
                        facts.places.extend(place);
                        facts.accepted.insert((threat.key, asset.key), holds);
                    }
                }
                Verb::Transfers => {
                    facts.places.extend(place);
                    facts.transferred.insert((threat.key, asset.key));
                }
                _ => {}
            }
        }
    }
    facts
}

/// A code acceptance needs an owner and an expiry: in its description (`-- "by j.doe until
/// 2027-03-01: reason"`), or in the threat's `accepted:` in the model. Returns who accepted
/// the risk and until when, if the acceptance holds today.
fn acceptance_holds(
    file: &SourceFile,
    a: &Annotation,
    threat: &Resolved<'_>,
    index: &Index,
    today: Date,
    sink: &mut impl FnMut(&str, Diagnostic),
) -> Option<(String, Date)> {
    let model = index.def(&threat.key).and_then(|d| match &d.element.detail {
        Detail::Threat(t) => t.accepted.as_ref().filter(|acc| acc.missing.is_empty()),
        _ => None,
    });
    let model_until = model.and_then(|m| m.until.as_ref()).map(|u| u.value);
    let (owner, until) = match owner_and_expiry(a.description.as_deref().unwrap_or("")) {
        Some(written) => written,
        None => match model.and_then(|m| Some((m.by.as_ref()?, m.until.as_ref()?))) {
            Some((by, until)) => (by.value.clone(), until.value),
            None => {
                let example = today.add_days(90).map_or_else(String::new, |d| d.to_string());
                let msg = format!(
                    "this acceptance of `{}` names no owner or expiry, so it does not count: write them in its description (`-- \"by j.doe until {example}: why\"`) or in the threat's `accepted:` in the model",
                    threat.shown
                );
                let mut d = Diagnostic::new(Code::IncompleteAcceptance, a.range, msg);
                d.threat = defined_threat(index, &threat.key);
                sink(&file.path, d);
                return None;
            }
        },
    };
    if until < today {
        let days = until.days_until(today);
        let consequence = match model_until.filter(|u| *u >= today) {
            Some(holds) => format!("the model's acceptance still holds until {holds}, so remove or renew this one"),
            None => "the risk is open again here; mitigate it, or renew the acceptance with a new date".to_owned(),
        };
        let msg = format!("this acceptance of `{}` expired on {until} ({days} days ago); {consequence}", threat.shown);
        let mut d = Diagnostic::new(Code::ExpiredAcceptance, a.range, msg);
        d.threat = defined_threat(index, &threat.key);
        sink(&file.path, d);
        return None;
    }
    Some((owner, until))
}

/// The id of the threat a resolved key stands for, when the workspace defines one.
fn defined_threat(index: &Index, key: &str) -> Option<String> {
    index.def(key).filter(|d| d.element.kind == Kind::Threat).map(|d| d.element.id.value.clone())
}

/// `by <owner> until <YYYY-MM-DD>` (or the other way round) opening a description.
fn owner_and_expiry(description: &str) -> Option<(String, Date)> {
    let words: Vec<&str> = description.split_whitespace().take(4).collect();
    let clean = |w: &&str| w.trim_end_matches([',', ':', ';', '.']).to_owned();
    let pair = |k1: &str, k2: &str| {
        words.first().is_some_and(|w| w.eq_ignore_ascii_case(k1))
            && words.get(2).is_some_and(|w| w.eq_ignore_ascii_case(k2))
    };
    let (owner, date) = if pair("by", "until") {
        (words.get(1).map(clean)?, words.get(3).map(clean)?)
    } else if pair("until", "by") {
        (words.get(3).map(clean)?, words.get(1).map(clean)?)
    } else {
        return None;
    };
    Some((owner, Date::parse(&date)?))
}

/// The kinds of element a reference in each role may name.
fn expected(role: Role) -> &'static [Kind] {
    match role {
        Role::Asset => &[Kind::Asset, Kind::Flow],
        Role::Threat => &[Kind::Threat],
        Role::Control => &[Kind::Mitigation],
        Role::Actor => &[Kind::Asset],
    }
}

struct Resolver<'a> {
    index: &'a Index,
    files: Analysed<'a>,
    /// Built on first use: a workspace that names everything by `#id` never needs it.
    names: &'a OnceLock<Arc<NameTable>>,
    previous_names: Option<&'a Arc<NameTable>>,
}

impl<'a> Resolver<'a> {
    fn names(&self) -> &'a NameTable {
        self.names.get_or_init(|| NameTable::of(self.files.iter(), self.previous_names))
    }

    fn resolve(&self, r: &'a Ref, report: &mut dyn FnMut(Diagnostic)) -> Option<Resolved<'a>> {
        let kinds = expected(r.role);
        if let Some(id) = r.id.as_ref().map(|id| &id.value) {
            let shown = Shown { text: id, hash: true };
            // The kind is in the index's table; the definition is read only for a message.
            match self.index.kind(id) {
                Some(kind) if kinds.contains(&kind) => {}
                Some(kind) => {
                    let msg = format!(
                        "`#{id}` is {} {}, but this position names {}",
                        kind.article(),
                        kind.noun(),
                        kinds.iter().map(|k| format!("{} {}", k.article(), k.noun())).collect::<Vec<_>>().join(" or ")
                    );
                    let mut d = Diagnostic::new(Code::WrongReferenceKind, r.range, msg);
                    if let Some(def) = self.index.def(id) {
                        d = d.with_related(&def.file.path, def.element.id.range, format!("`{id}` is defined here"));
                    }
                    report(d);
                    return None;
                }
                // threatspec's `Name (#id)` defines the id by naming it.
                None if r.name.is_some() => {}
                None => {
                    let mut d = Diagnostic::new(
                        Code::UnknownReference,
                        r.range,
                        format!("`#{id}` is not defined in the model or in code"),
                    );
                    match did_you_mean(id, self.index.ids(Some(kinds))) {
                        Some(s) => d = d.with_suggestion(r.range, &format!("#{s}")),
                        None => d.message.push_str(&format!(
                            "; define it under `{}:` in a model file or with `@{} ... (#{id})`",
                            crate::model::schema::section(kinds.first().copied().unwrap_or(Kind::Asset)).0,
                            Group::of_role(r.role).word(),
                        )),
                    }
                    report(d);
                    return None;
                }
            }
            return Some(Resolved { key: Cow::Borrowed(id), shown, range: r.range });
        }
        let name = r.name.as_deref()?;
        let group = Group::of_role(r.role);
        let role = group.word();
        let names = self.names();
        if let Some(id) = names.resolve(name, r.role) {
            return Some(Resolved { key: Cow::Borrowed(id), shown: Shown::plain(name), range: r.range });
        }
        let canonical = canonical_name(name);
        // A threat or control name close to a known one is probably a typo of it.
        if group != Group::Asset {
            let near = names.known(group).iter().map(String::as_str).filter(|k| canonical_name(k) != canonical);
            if let Some(s) = did_you_mean(name, near)
                && strsim::levenshtein(&canonical, &canonical_name(s)) <= 2
            {
                let msg = format!("no {role} is named `{name}`");
                let d = Diagnostic::new(Code::UnknownReference, r.range, msg)
                    .with_severity(crate::diagnostic::Severity::Warning)
                    .with_suggestion(r.range, s);
                report(d);
            }
        }
        Some(Resolved { key: Cow::Owned(format!("{role}:{canonical}")), shown: Shown::plain(name), range: r.range })
    }
}
