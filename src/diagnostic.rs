//! The one diagnostic type every face reports: the CLI prints it, the language server sends it.
//!
//! Ranges are byte offsets into the file's text; faces convert them to lines and columns.

use crate::syntax::TextRange;

/// Where the documentation lives; a rule's section is `rules.md#<code>`.
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs");

/// How serious a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

/// The level a rule is set to: off, or a severity that replaces its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "hint" => Some(Level::On(Severity::Hint)),
            "information" | "info" => Some(Level::On(Severity::Information)),
            "warning" => Some(Level::On(Severity::Warning)),
            "error" => Some(Level::On(Severity::Error)),
            _ => None,
        }
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A stable rule code. The name is part of the public interface: it appears in output,
        /// in settings and in the documentation anchor `docs/rules.md#<name>`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The severity a finding of this rule has unless the rule itself says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line saying what the rule checks.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }

            /// The rule's section of `docs/rules.md`, which every face links to.
            pub fn doc_url(self) -> String {
                format!("{DOCS_URL}/rules.md#{}", self.as_str())
            }
        }
    };
}

codes! {
    // Reading the file.
    FileTooLarge = "file-too-large", Error, "the file is larger than the size limit for its kind";
    NotUtf8 = "not-utf8", Error, "the file is not valid UTF-8 text";
    BinaryFile = "binary-file", Error, "the file contains NUL bytes and looks binary";
    UnreadableFile = "unreadable-file", Error, "the file could not be read";
    EmptyFile = "empty-file", Error, "the model file holds nothing";
    // YAML.
    YamlSyntax = "yaml-syntax", Error, "the file is not valid YAML";
    DuplicateKey = "duplicate-key", Error, "a mapping has the same key twice";
    LimitExceeded = "limit-exceeded", Error, "the file exceeds a resource limit (nesting, aliases, errors)";
    MultipleDocuments = "multiple-documents", Warning, "the file holds more than one YAML document";
    TomlSyntax = "toml-syntax", Error, "`threatls.toml` is not valid TOML";
    // The shape of the format.
    UnsupportedVersion = "unsupported-version", Error, "`threatmodel:` names a format version this threatls does not read";
    UnknownKey = "unknown-key", Error, "a key that the format does not define";
    WrongType = "wrong-type", Error, "a value of the wrong type";
    MissingKey = "missing-key", Error, "a required key is missing";
    InvalidValue = "invalid-value", Error, "a value outside the allowed set";
    InvalidId = "invalid-id", Error, "an id that does not match `[A-Za-z0-9_-]+`";
    InvalidDate = "invalid-date", Error, "a date that is not a real `YYYY-MM-DD` date";
    InvalidRef = "invalid-ref", Warning, "an external reference that is not in a known form";
    UnlistedRef = "unlisted-ref", Hint, "a CWE or CAPEC number that the catalog does not list";
    // Ids and references across the workspace.
    DuplicateId = "duplicate-id", Error, "the same id is defined twice in the workspace";
    UnknownReference = "unknown-reference", Error, "a reference to an id that nothing defines";
    WrongReferenceKind = "wrong-reference-kind", Error, "a reference to an id of the wrong kind";
    UnknownClass = "unknown-class", Error, "a threat class that is neither built in nor defined";
    IncludeOutsideWorkspace = "include-outside-workspace", Error, "an include that leaves the workspace";
    IncludeNotFound = "include-not-found", Error, "an include that names no readable file";
    // What the model says.
    OpenThreat = "open-threat", Warning, "a high or critical threat that is neither mitigated nor accepted";
    ExpiredAcceptance = "expired-acceptance", Warning, "a risk acceptance whose `until` date has passed";
    IncompleteAcceptance = "incomplete-acceptance", Error, "a risk acceptance without `by`, `reason` or `until`";
    ReviewOverdue = "review-overdue", Warning, "the model's last review is older than its cadence allows";
    ThreatAffectsNothing = "threat-affects-nothing", Warning, "a threat that names no asset or flow in `affects:`";
    TargetNotAffected = "target-not-affected", Warning, "a mitigation's `on:` names a target its threats do not affect";
    StrideCoverage = "stride-coverage", Information, "an asset on a flow across a trust boundary has no threat of a STRIDE class that applies to its kind";
    // Code annotations.
    MalformedAnnotation = "malformed-annotation", Error, "a line that starts with an annotation verb and was meant as one, but does not parse";
    ProseLike = "prose-like", Warning, "a comment that starts with an annotation verb but reads as prose";
    UnknownVerb = "unknown-verb", Warning, "a comment that starts with a misspelt annotation verb";
    UnmatchedShield = "unmatched-shield", Warning, "a `@shield:begin` without a `@shield:end`";
    UnmitigatedExposure = "unmitigated-exposure", Error, "code exposed to a threat that is neither mitigated there nor accepted";
    UnbackedMitigation = "unbacked-mitigation", Information, "a mitigation marked implemented that no `@mitigates` in code backs";
    ControlNotImplemented = "control-not-implemented", Warning, "a `@mitigates` names a control the model does not mark implemented";
}

/// Another place that matters for a diagnostic (the first definition of a duplicate id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Workspace-relative path, `/`-separated.
    pub path: String,
    pub range: TextRange,
    pub message: String,
}

/// A text replacement in the diagnostic's own file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A mechanical fix: "did you mean", an inserted key. Faces may offer it as a code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// The id of the threat the finding is about, when it is about one the workspace defines
    /// (an open threat, an exposure of it, its acceptance): faces reach the threat's
    /// definition, and what it cites, through it.
    pub threat: Option<String>,
}

impl crate::syntax::Shift for Diagnostic {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.range.shift_from(at, delta);
        self.related.iter_mut().for_each(|r| r.range.shift_from(at, delta));
        for edit in self.fix.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            edit.range.shift_from(at, delta);
        }
    }
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            range,
            message: message.into(),
            related: Vec::new(),
            fix: None,
            threat: None,
        }
    }

    pub fn about_threat(mut self, id: &str) -> Diagnostic {
        self.threat = Some(id.to_owned());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn with_related(mut self, path: &str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { path: path.to_owned(), range, message: message.into() });
        self
    }

    /// Appends "did you mean `x`?" to the message and offers the replacement as the fix.
    pub fn with_suggestion(mut self, range: TextRange, suggestion: &str) -> Diagnostic {
        self.message.push_str(&format!("; did you mean `{suggestion}`?"));
        self.with_fix(format!("Replace with `{suggestion}`"), range, suggestion)
    }

    pub fn with_fix(mut self, title: impl Into<String>, range: TextRange, new_text: impl Into<String>) -> Diagnostic {
        self.fix = Some(Fix { title: title.into(), edits: vec![Edit { range, new_text: new_text.into() }] });
        self
    }
}
