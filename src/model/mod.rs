//! The typed threat model: what one model file says, with the range of every value.
//!
//! [`lower`] turns a span tree into a [`ModelFile`] and the diagnostics about its shape. It never
//! fails: whatever is well-formed is kept, whatever is not is reported and left out.

mod edit;
mod ext_ref;
mod json_schema;
mod lower;
pub mod schema;

pub use ext_ref::check_ext_ref;
pub use json_schema::json_schema;
pub use lower::{is_valid_id, lower, lower_items};
pub use schema::{Kind, Kinds};

use crate::date::Date;
use crate::syntax::TextRange;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelFile {
    pub version: Option<Spanned<i64>>,
    pub title: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    pub review: Option<Review>,
    pub includes: Vec<Spanned<String>>,
    /// Every element with a valid id, in source order.
    pub elements: Vec<Element>,
    /// In source order.
    pub classes: Vec<ClassDef>,
    /// In source order.
    pub templates: Vec<TemplateDef>,
    /// Every reference to an element id, including those in elements whose own id is invalid,
    /// in source order.
    pub references: Vec<Reference>,
    /// Every reference to a threat class (`class:` of threats, `parent:` of classes), in source
    /// order.
    pub class_refs: Vec<ClassRef>,
    /// Every external reference in a `refs:` list (`cwe:CWE-79`), well formed or not, in source
    /// order.
    pub ext_refs: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub cadence: Option<Spanned<Cadence>>,
    pub last: Option<Spanned<Date>>,
}

/// How often a model must be reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Months(u32),
    Days(u32),
}

impl std::fmt::Display for Cadence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cadence::Months(1) => f.write_str("monthly"),
            Cadence::Months(3) => f.write_str("quarterly"),
            Cadence::Months(6) => f.write_str("semiannual"),
            Cadence::Months(12) => f.write_str("yearly"),
            Cadence::Months(n) => write!(f, "every {n} months"),
            Cadence::Days(n) => write!(f, "{n}d"),
        }
    }
}

impl Cadence {
    pub fn parse(s: &str) -> Option<Cadence> {
        match s {
            "monthly" => Some(Cadence::Months(1)),
            "quarterly" => Some(Cadence::Months(3)),
            "semiannual" => Some(Cadence::Months(6)),
            "yearly" => Some(Cadence::Months(12)),
            _ => {
                let days: u32 = s.strip_suffix('d')?.parse().ok()?;
                (1..=3660).contains(&days).then_some(Cadence::Days(days))
            }
        }
    }

    /// The date by which the review after `last` is due.
    ///
    /// `None` only past year 9999.
    pub fn due_after(self, last: Date) -> Option<Date> {
        match self {
            Cadence::Months(n) => last.add_months(n),
            Cadence::Days(n) => last.add_days(i64::from(n)),
        }
    }
}

/// An asset, boundary, data item, flow, threat or mitigation.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    pub kind: Kind,
    pub id: Spanned<String>,
    /// `name:` or `title:`.
    pub name: Option<Spanned<String>>,
    /// The whole item, for outlines and selections.
    pub range: TextRange,
    /// False when a syntax error cut the item short: keys that seem absent may be written after it.
    pub complete: bool,
    pub detail: Detail,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    Asset {
        asset_kind: Option<Spanned<String>>,
        boundary: Option<Spanned<String>>,
    },
    Boundary {
        /// The boundary this one sits inside.
        parent: Option<Spanned<String>>,
    },
    Data {
        classification: Option<Spanned<String>>,
    },
    Flow {
        from: Option<Spanned<String>>,
        to: Option<Spanned<String>>,
        /// The channel or protocol (`via:`).
        via: Option<Spanned<String>>,
        /// The data items that move.
        data: Vec<Spanned<String>>,
    },
    Threat(Threat),
    Mitigation(Mitigation),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Threat {
    pub class: Option<Spanned<String>>,
    pub severity: Option<Spanned<Severity>>,
    pub affects: Vec<Spanned<String>>,
    /// `affects:` is written but drew a diagnostic, so `affects` may be missing entries.
    pub affects_flawed: bool,
    pub accepted: Option<Acceptance>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Acceptance {
    /// The `accepted` key.
    pub key: TextRange,
    pub by: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
    pub until: Option<Spanned<Date>>,
    /// Which of `by`, `reason` and `until` are not written at all (left empty when a syntax error
    /// cut the mapping short, since they may exist after it).
    pub missing: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mitigation {
    pub mitigates: Vec<Spanned<String>>,
    /// `None` when absent: the mitigation then covers everything its threats affect.
    pub on: Option<Vec<Spanned<String>>>,
    pub status: Status,
    pub status_range: Option<TextRange>,
}

impl Mitigation {
    /// Whether it protects `target` (an asset or flow id) when in place: `on:` names it, or
    /// there is no `on:`.
    pub fn covers(&self, target: &str) -> bool {
        self.on.as_ref().is_none_or(|on| on.iter().any(|t| t.value == target))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Planned,
    InProgress,
    Implemented,
    Verified,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "planned" => Some(Status::Planned),
            "in-progress" => Some(Status::InProgress),
            "implemented" => Some(Status::Implemented),
            "verified" => Some(Status::Verified),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::InProgress => "in-progress",
            Status::Implemented => "implemented",
            Status::Verified => "verified",
        }
    }

    /// Only implemented and verified controls count towards a threat being mitigated.
    pub fn is_effective(self) -> bool {
        matches!(self, Status::Implemented | Status::Verified)
    }
}

/// A team's own threat class. Its cited CWE, CAPEC and ASVS ids are also in the file's
/// `ext_refs`, where they are checked and hovered like any reference.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub parent: Option<Spanned<String>>,
    pub description: Option<String>,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    /// An ASVS chapter (`V4`).
    pub asvs: Option<String>,
    pub cheatsheet: Option<String>,
    pub range: TextRange,
}

/// A team's own mitigation template. Its classes are also in the file's `class_refs`.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateDef {
    pub id: Spanned<String>,
    pub title: String,
    pub classes: Vec<String>,
    pub description: Option<String>,
    /// ASVS requirement ids (`V4.2.1`).
    pub asvs: Vec<String>,
    pub range: TextRange,
}

/// A written reference to an element id, and what it may point at.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub target: Spanned<String>,
    pub expected: Kinds,
    /// The key it was written under (`affects`, `from`, ...).
    pub key: &'static str,
}

/// A written reference to a threat class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRef {
    pub target: Spanned<String>,
    /// `parent:` of a class: only built-in classes may be parents.
    pub builtin_only: bool,
}
