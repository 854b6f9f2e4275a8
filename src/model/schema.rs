//! The threat-model format, version 1, as data.
//!
//! This table is the single description of the format: the validator checks keys, types and
//! required fields against it, `threatls schema` turns it into a JSON Schema, and editor features
//! (key completion, hover on keys) read it. Adding a key is adding a [`Field`] here and reading
//! it in `lower.rs`.

use std::fmt;

/// What an id names. Ids are unique across all kinds in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Asset,
    Boundary,
    Data,
    Flow,
    Threat,
    Mitigation,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::Asset, Kind::Boundary, Kind::Data, Kind::Flow, Kind::Threat, Kind::Mitigation];

    /// The singular noun used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Asset => "asset",
            Kind::Boundary => "boundary",
            Kind::Data => "data item",
            Kind::Flow => "flow",
            Kind::Threat => "threat",
            Kind::Mitigation => "mitigation",
        }
    }

    /// "a" or "an", for messages.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Asset => "an",
            _ => "a",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of kinds: what a reference may point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kinds(u8);

impl Kinds {
    pub const fn of(kind: Kind) -> Kinds {
        Kinds(1 << (kind as u8))
    }

    pub const fn or(self, kind: Kind) -> Kinds {
        Kinds(self.0 | (1 << (kind as u8)))
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

impl fmt::Display for Kinds {
    /// "an asset", "an asset or a flow".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|k| format!("{} {}", k.article(), k.noun())).collect();
        f.write_str(&parts.join(" or "))
    }
}

/// The type of a value.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// The format version: the number 1.
    Version,
    /// Free text.
    Text,
    /// This element's own id.
    Id,
    /// `YYYY-MM-DD`.
    Date,
    /// A review cadence: a named period or `<N>d`.
    Cadence,
    /// One of a fixed set of words.
    Enum(&'static [&'static str]),
    /// A threat class id: built in, or defined under `classes:`.
    Class,
    /// A list of threat class ids.
    Classes,
    /// Ids of a taxonomy written bare, as catalog entries cite them (`89` for CWE-89,
    /// `V5.3.4` in ASVS): a list, or a single one.
    Cited { taxonomy: Taxonomy, list: bool },
    /// The id of an element of one of these kinds.
    Ref(Kinds),
    /// A list of ids of elements of these kinds.
    Refs(Kinds),
    /// A list of external references (`cwe:CWE-639`, `owasp:A01:2021`, an https URL).
    ExtRefs,
    /// A list of relative paths to other model files.
    Paths,
    /// A mapping of this shape.
    Object(&'static Shape),
    /// A list of mappings of this shape.
    List(&'static Shape),
}

/// A taxonomy that catalog entries cite by bare id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taxonomy {
    Cwe,
    Capec,
    Asvs,
}

impl Taxonomy {
    /// The external reference (`cwe:CWE-89`) a bare id stands for; `None` when the id does not
    /// have the taxonomy's form. `CWE-89` is accepted for `89`.
    pub fn reference(self, bare: &str) -> Option<String> {
        match self {
            Taxonomy::Cwe => self.number(bare).map(|n| format!("cwe:CWE-{n}")),
            Taxonomy::Capec => self.number(bare).map(|n| format!("capec:CAPEC-{n}")),
            Taxonomy::Asvs => {
                let reference = format!("asvs:{bare}");
                crate::model::check_ext_ref(&reference).is_ok().then_some(reference)
            }
        }
    }

    /// The number of a bare CWE or CAPEC id (`89` or `CWE-89`).
    pub fn number(self, bare: &str) -> Option<u32> {
        let prefix = match self {
            Taxonomy::Cwe => "CWE-",
            Taxonomy::Capec => "CAPEC-",
            Taxonomy::Asvs => return None,
        };
        let digits = bare.strip_prefix(prefix).unwrap_or(bare);
        if digits.bytes().all(|b| b.is_ascii_digit()) { digits.parse().ok() } else { None }
    }

    /// What a bare id looks like, for messages.
    pub fn form(self) -> &'static str {
        match self {
            Taxonomy::Cwe => "a CWE number, like `89`",
            Taxonomy::Capec => "a CAPEC number, like `66`",
            Taxonomy::Asvs => "an ASVS chapter or requirement, like `V5` or `V5.3.4`",
        }
    }
}

#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
    /// A value to show in examples and to insert when the key is added (YAML flow syntax).
    pub example: &'static str,
}

#[derive(Debug)]
pub struct Shape {
    /// A short name, used for the shape's definition in the JSON Schema.
    pub name: &'static str,
    /// What one such mapping is called in messages ("a threat").
    pub what: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

impl Shape {
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low"];
pub const STATUSES: &[&str] = &["planned", "in-progress", "implemented", "verified"];
pub const ASSET_KINDS: &[&str] = &["process", "datastore", "external-entity", "actor"];
pub const CLASSIFICATIONS: &[&str] = &["pii", "phi", "financial", "secrets", "internal", "public"];
pub const CADENCES: &[&str] = &["monthly", "quarterly", "semiannual", "yearly"];
/// Prefixes of external references; a URL is also accepted.
pub const REF_PREFIXES: &[&str] = &["cwe", "capec", "owasp", "asvs", "attack"];

const fn field(key: &'static str, ty: Ty, required: bool, doc: &'static str, example: &'static str) -> Field {
    Field { key, ty, required, doc, example }
}

const ASSET_OR_FLOW: Kinds = Kinds::of(Kind::Asset).or(Kind::Flow);

pub static REVIEW: Shape = Shape {
    name: "review",
    what: "a review schedule",
    doc: "When the model was last reviewed and how often it must be: the time-based backstop for reviews that changes did not trigger.",
    fields: &[
        field(
            "cadence",
            Ty::Cadence,
            true,
            "How often the model must be reviewed: `monthly`, `quarterly`, `semiannual`, `yearly`, or a number of days such as `45d`.",
            "quarterly",
        ),
        field("last", Ty::Date, true, "The date of the last review, `YYYY-MM-DD`.", "2026-09-30"),
    ],
};

pub static ASSET: Shape = Shape {
    name: "asset",
    what: "an asset",
    doc: "Something protected or attacked: a process, a data store, an external entity or an actor.",
    fields: &[
        field(
            "id",
            Ty::Id,
            true,
            "The asset's id, unique in the workspace; code annotations write it `#id`.",
            "billing-api",
        ),
        field("name", Ty::Text, false, "A readable name.", "Billing API"),
        field("kind", Ty::Enum(ASSET_KINDS), true, "`process`, `datastore`, `external-entity` or `actor`.", "process"),
        field(
            "boundary",
            Ty::Ref(Kinds::of(Kind::Boundary)),
            false,
            "The id of the trust boundary the asset sits in.",
            "dmz",
        ),
        field(
            "data",
            Ty::Refs(Kinds::of(Kind::Data)),
            false,
            "Ids of the data items the asset stores or handles.",
            "[card-data]",
        ),
        field("description", Ty::Text, false, "What the asset is and does.", "Charges cards and issues invoices"),
    ],
};

pub static BOUNDARY: Shape = Shape {
    name: "boundary",
    what: "a trust boundary",
    doc: "A trust boundary: where the level of trust changes (a network zone, a process, a tenant).",
    fields: &[
        field("id", Ty::Id, true, "The boundary's id, unique in the workspace.", "dmz"),
        field("name", Ty::Text, false, "A readable name.", "DMZ"),
        field(
            "parent",
            Ty::Ref(Kinds::of(Kind::Boundary)),
            false,
            "The id of the boundary this one sits inside.",
            "cloud",
        ),
        field("description", Ty::Text, false, "What the boundary separates.", "Internet-facing subnet"),
    ],
};

pub static DATA: Shape = Shape {
    name: "data",
    what: "a data item",
    doc: "A kind of data the system stores or moves, with its classification.",
    fields: &[
        field("id", Ty::Id, true, "The data item's id, unique in the workspace.", "card-data"),
        field("name", Ty::Text, false, "A readable name.", "Card data"),
        field(
            "classification",
            Ty::Enum(CLASSIFICATIONS),
            false,
            "`pii`, `phi`, `financial`, `secrets`, `internal` or `public`.",
            "financial",
        ),
        field("description", Ty::Text, false, "What the data is.", "PAN, expiry and cardholder name"),
    ],
};

pub static FLOW: Shape = Shape {
    name: "flow",
    what: "a data flow",
    doc: "Data moving from one asset to another.",
    fields: &[
        field("id", Ty::Id, true, "The flow's id, unique in the workspace.", "web-to-billing"),
        field("from", Ty::Ref(Kinds::of(Kind::Asset)), true, "The id of the asset the data comes from.", "browser"),
        field("to", Ty::Ref(Kinds::of(Kind::Asset)), true, "The id of the asset the data goes to.", "billing-api"),
        field("via", Ty::Text, false, "The channel or protocol.", "https"),
        field("data", Ty::Refs(Kinds::of(Kind::Data)), false, "Ids of the data items that move.", "[card-data]"),
        field("description", Ty::Text, false, "What moves and why.", "Checkout form posts the card"),
    ],
};

pub static ACCEPTANCE: Shape = Shape {
    name: "acceptance",
    what: "a risk acceptance",
    doc: "A decision to live with a threat for now: attributable (`by`), justified (`reason`) and time-boxed (`until`).",
    fields: &[
        field("by", Ty::Text, false, "Who accepted the risk.", "j.doe"),
        field(
            "reason",
            Ty::Text,
            false,
            "Why the risk is acceptable for now.",
            "only internal users until the owner check ships",
        ),
        field(
            "until",
            Ty::Date,
            false,
            "The last day the acceptance holds, `YYYY-MM-DD`; after it the threat is open again.",
            "2027-01-31",
        ),
    ],
};

pub static THREAT: Shape = Shape {
    name: "threat",
    what: "a threat",
    doc: "Something that could go wrong, classed by STRIDE or LINDDUN. Its state (open, mitigated, accepted) is derived, never written.",
    fields: &[
        field("id", Ty::Id, true, "The threat's id, unique in the workspace; code annotations write it `#id`.", "idor"),
        field(
            "title",
            Ty::Text,
            true,
            "One line saying what could go wrong.",
            "Invoice ids are not bound to the caller",
        ),
        field(
            "class",
            Ty::Class,
            true,
            "A threat class: a STRIDE or LINDDUN class, or one defined under `classes:`.",
            "elevation-of-privilege",
        ),
        field("severity", Ty::Enum(SEVERITIES), true, "`critical`, `high`, `medium` or `low`.", "high"),
        field(
            "affects",
            Ty::Refs(ASSET_OR_FLOW),
            false,
            "Ids of the assets and flows the threat affects.",
            "[billing-api]",
        ),
        field(
            "refs",
            Ty::ExtRefs,
            false,
            "External references: `cwe:CWE-639`, `capec:CAPEC-122`, `owasp:A01:2021`, `asvs:V4.2.1`, `attack:T1078`, or a URL.",
            "[cwe:CWE-639]",
        ),
        field(
            "description",
            Ty::Text,
            false,
            "How the attack works and what it costs.",
            "Any signed-in user can read any invoice by changing its id",
        ),
        field(
            "accepted",
            Ty::Object(&ACCEPTANCE),
            false,
            "A risk acceptance: the threat counts as accepted until the date in `until`.",
            "{ by: j.doe, reason: internal only, until: 2027-01-31 }",
        ),
    ],
};

pub static MITIGATION: Shape = Shape {
    name: "mitigation",
    what: "a mitigation",
    doc: "A control that counters one or more threats.",
    fields: &[
        field("id", Ty::Id, true, "The mitigation's id, unique in the workspace.", "owner-check"),
        field(
            "title",
            Ty::Text,
            true,
            "One line saying what the control does.",
            "Scope invoice queries to the session owner",
        ),
        field("mitigates", Ty::Refs(Kinds::of(Kind::Threat)), true, "Ids of the threats it counters.", "[idor]"),
        field(
            "on",
            Ty::Refs(ASSET_OR_FLOW),
            false,
            "Ids of the assets and flows it protects; by default every one its threats affect.",
            "[billing-api]",
        ),
        field(
            "status",
            Ty::Enum(STATUSES),
            false,
            "`planned` (the default), `in-progress`, `implemented` or `verified`; only the last two mitigate.",
            "implemented",
        ),
        field("refs", Ty::ExtRefs, false, "External references, as for threats.", "[asvs:V4.2.1]"),
        field(
            "description",
            Ty::Text,
            false,
            "How the control works.",
            "Every invoice query filters on the session's account id",
        ),
    ],
};

pub static CLASS: Shape = Shape {
    name: "class",
    what: "a threat class",
    doc: "A team's own threat class, filed under a built-in one, in the shape of the built-in catalog's.",
    fields: &[
        field("id", Ty::Id, true, "The class id, used in a threat's `class:`.", "invoice-enumeration"),
        field("title", Ty::Text, false, "A readable name.", "Invoice enumeration"),
        field("parent", Ty::Class, true, "The built-in STRIDE or LINDDUN class it refines.", "information-disclosure"),
        field(
            "description",
            Ty::Text,
            false,
            "What threats of this class have in common.",
            "Guessing sequential invoice numbers",
        ),
        field("cwe", Ty::Cited { taxonomy: Taxonomy::Cwe, list: true }, false, "The usual CWE numbers.", "[639]"),
        field("capec", Ty::Cited { taxonomy: Taxonomy::Capec, list: true }, false, "The usual CAPEC numbers.", "[122]"),
        field(
            "asvs",
            Ty::Cited { taxonomy: Taxonomy::Asvs, list: false },
            false,
            "The OWASP ASVS chapter that covers it.",
            "V4",
        ),
        field(
            "cheatsheet",
            Ty::Text,
            false,
            "Where to read more: an OWASP cheat sheet or the team's own page.",
            "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        ),
    ],
};

pub static TEMPLATE: Shape = Shape {
    name: "template",
    what: "a mitigation template",
    doc: "A mitigation the team expects for some classes, in the shape of the built-in catalog's: completion offers it for threats of those classes.",
    fields: &[
        field("id", Ty::Id, true, "The id a mitigation made from it gets.", "owner-check-on-invoices"),
        field("title", Ty::Text, true, "What the control does.", "Check the invoice's owner on every read"),
        field(
            "classes",
            Ty::Classes,
            true,
            "The threat classes it counters (built in or the team's).",
            "[invoice-enumeration]",
        ),
        field(
            "description",
            Ty::Text,
            false,
            "How the control works.",
            "Every invoice query filters on the session's account id",
        ),
        field(
            "asvs",
            Ty::Cited { taxonomy: Taxonomy::Asvs, list: true },
            false,
            "The OWASP ASVS requirements it meets.",
            "[V4.2.1]",
        ),
    ],
};

pub static MODEL: Shape = Shape {
    name: "model",
    what: "a threat model",
    doc: "A threat model file: `threatmodel.yaml` or `*.threatmodel.yaml`.",
    fields: &[
        field("threatmodel", Ty::Version, true, "The format version: `1`.", "1"),
        field("title", Ty::Text, true, "What the model covers.", "Shop platform"),
        field("owner", Ty::Text, false, "Who keeps the model.", "platform-team"),
        field(
            "description",
            Ty::Text,
            false,
            "The system's scope and context.",
            "The web shop and its payment services",
        ),
        field(
            "review",
            Ty::Object(&REVIEW),
            false,
            "The review schedule: `cadence` and the `last` review's date.",
            "{ cadence: quarterly, last: 2026-09-30 }",
        ),
        field(
            "includes",
            Ty::Paths,
            false,
            "Other model files to read, relative to this one and inside the workspace.",
            "[payments/threatmodel.yaml]",
        ),
        field("classes", Ty::List(&CLASS), false, "The team's own threat classes.", "[]"),
        field("templates", Ty::List(&TEMPLATE), false, "The team's own mitigation templates.", "[]"),
        field("assets", Ty::List(&ASSET), false, "What is protected or attacked.", "[]"),
        field("boundaries", Ty::List(&BOUNDARY), false, "Trust boundaries.", "[]"),
        field("data", Ty::List(&DATA), false, "The kinds of data the system handles.", "[]"),
        field("flows", Ty::List(&FLOW), false, "How data moves between assets.", "[]"),
        field("threats", Ty::List(&THREAT), false, "What could go wrong.", "[]"),
        field("mitigations", Ty::List(&MITIGATION), false, "The controls that counter threats.", "[]"),
    ],
};

/// The section of the model that holds elements of a kind, and their shape.
pub fn section(kind: Kind) -> (&'static str, &'static Shape) {
    match kind {
        Kind::Asset => ("assets", &ASSET),
        Kind::Boundary => ("boundaries", &BOUNDARY),
        Kind::Data => ("data", &DATA),
        Kind::Flow => ("flows", &FLOW),
        Kind::Threat => ("threats", &THREAT),
        Kind::Mitigation => ("mitigations", &MITIGATION),
    }
}
