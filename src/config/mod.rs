//! `threatls.toml`: the workspace's settings. Parsed here (no I/O) so every face reads it the
//! same way and reports the same diagnostics about it.
//!
//! ```toml
//! [files]
//! include = ["src/**", "infra/**"]   # when set, only these source files are read for annotations
//! exclude = ["vendor/**"]            # never read
//! models = ["security/*.yaml"]       # more model files, besides threatmodel.yaml and *.threatmodel.yaml
//!
//! [annotations]
//! enabled = true                     # read annotations in code comments
//!
//! [rules]
//! open-threat = "error"              # error | warning | information | hint | off
//! ```
//!
//! A face may add [`Settings`] on top (the language server's settings from the editor).

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::de::{DeTable, DeValue};

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Level, Severity};
use crate::review::ReviewConfig;
use crate::suggest::did_you_mean;
use crate::syntax::TextRange;

mod review;

/// The name of the settings file at a workspace's root.
pub const CONFIG_FILE: &str = "threatls.toml";

#[derive(Clone, Debug)]
pub struct Config {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub models: Vec<String>,
    pub annotations: bool,
    /// Each rule's level, where it differs from the rule's default.
    pub rules: BTreeMap<Code, Level>,
    /// The review gate's rules (`[review]`).
    pub review: ReviewConfig,
    include_set: Option<GlobSet>,
    exclude_set: GlobSet,
    models_set: GlobSet,
}

/// What a face adds on top of `threatls.toml`: more globs, annotations on or off, rule levels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub annotations: Option<bool>,
    pub rules: BTreeMap<Code, Level>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            include: Vec::new(),
            exclude: Vec::new(),
            models: Vec::new(),
            annotations: true,
            rules: BTreeMap::new(),
            review: ReviewConfig::default(),
            include_set: None,
            exclude_set: GlobSet::empty(),
            models_set: GlobSet::empty(),
        }
    }
}

impl Config {
    /// Never read this path (workspace-relative, `/`-separated).
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude_set.is_match(path)
    }

    /// Read this source file for annotations.
    pub fn scans(&self, path: &str) -> bool {
        self.annotations && !self.is_excluded(path) && self.include_set.as_ref().is_none_or(|s| s.is_match(path))
    }

    /// Read this path as a model file, though its name is not a model file's.
    pub fn is_extra_model(&self, path: &str) -> bool {
        !self.is_excluded(path) && self.models_set.is_match(path)
    }

    /// This configuration with a face's settings on top.
    pub fn with(&self, settings: &Settings) -> Config {
        let mut config = self.clone();
        config.include.extend(settings.include.iter().filter(|g| Glob::new(g).is_ok()).cloned());
        config.exclude.extend(settings.exclude.iter().filter(|g| Glob::new(g).is_ok()).cloned());
        if let Some(on) = settings.annotations {
            config.annotations = on;
        }
        config.rules.extend(settings.rules.iter().map(|(c, l)| (*c, *l)));
        config.build_sets();
        config
    }

    /// The level a rule's findings are reported at, or `None` when the rule is off.
    pub fn level(&self, code: Code, severity: Severity) -> Option<Severity> {
        match self.rules.get(&code) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(*s),
            None => Some(severity),
        }
    }

    fn build_sets(&mut self) {
        self.include_set = (!self.include.is_empty()).then(|| glob_set(&self.include));
        self.exclude_set = glob_set(&self.exclude);
        self.models_set = glob_set(&self.models);
    }

    /// Parses `threatls.toml`. Never fails: what is wrong is reported and left at its default.
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut config = Config::default();
        let table = match DeTable::parse(text) {
            Ok(table) => table,
            Err(e) => {
                let range = e.span().map_or(TextRange::empty(0), |s| TextRange::new(to_u32(s.start), to_u32(s.end)));
                let message = format!("`threatls.toml` is not valid TOML: {}", e.message().trim_end());
                diagnostics.push(Diagnostic::new(Code::TomlSyntax, range, message));
                return (config, diagnostics);
            }
        };
        for (key, value) in table.get_ref() {
            let range = span(key.span());
            match key.get_ref().as_ref() {
                "files" => match value.get_ref() {
                    DeValue::Table(files) => {
                        for (key, value) in files {
                            let list = match key.get_ref().as_ref() {
                                "include" => &mut config.include,
                                "exclude" => &mut config.exclude,
                                "models" => &mut config.models,
                                other => {
                                    unknown(
                                        &mut diagnostics,
                                        other,
                                        span(key.span()),
                                        "[files]",
                                        &["include", "exclude", "models"],
                                    );
                                    continue;
                                }
                            };
                            *list = globs(value, key.get_ref(), &mut diagnostics);
                        }
                    }
                    _ => wrong_type(&mut diagnostics, span(value.span()), "`files` must be a table (`[files]`)"),
                },
                "annotations" => match value.get_ref() {
                    DeValue::Table(annotations) => {
                        for (key, value) in annotations {
                            match (key.get_ref().as_ref(), value.get_ref()) {
                                ("enabled", DeValue::Boolean(b)) => config.annotations = *b,
                                ("enabled", _) => wrong_type(
                                    &mut diagnostics,
                                    span(value.span()),
                                    "`enabled` must be `true` or `false`",
                                ),
                                (other, _) => {
                                    unknown(&mut diagnostics, other, span(key.span()), "[annotations]", &["enabled"])
                                }
                            }
                        }
                    }
                    _ => wrong_type(
                        &mut diagnostics,
                        span(value.span()),
                        "`annotations` must be a table (`[annotations]`)",
                    ),
                },
                "rules" => match value.get_ref() {
                    DeValue::Table(rules) => rules_table(rules, &mut config.rules, &mut diagnostics),
                    _ => wrong_type(&mut diagnostics, span(value.span()), "`rules` must be a table (`[rules]`)"),
                },
                "review" => match value.get_ref() {
                    DeValue::Table(table) => review::parse(table, &mut config.review, &mut diagnostics),
                    _ => wrong_type(&mut diagnostics, span(value.span()), "`review` must be a table (`[review]`)"),
                },
                other => unknown(
                    &mut diagnostics,
                    other,
                    range,
                    "threatls.toml",
                    &["files", "annotations", "rules", "review"],
                ),
            }
        }
        config.build_sets();
        (config, diagnostics)
    }
}

/// `rule-code = "level"` lines.
fn rules_table(rules: &DeTable<'_>, out: &mut BTreeMap<Code, Level>, diagnostics: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for (key, value) in rules {
        let Some(code) = Code::from_name(key.get_ref()) else {
            unknown(diagnostics, key.get_ref(), span(key.span()), "[rules]", &names);
            continue;
        };
        let level = match value.get_ref() {
            DeValue::String(s) => Level::parse(s),
            _ => None,
        };
        match level {
            Some(level) => {
                out.insert(code, level);
            }
            None => diagnostics.push(Diagnostic::new(
                Code::InvalidValue,
                span(value.span()),
                format!(
                    "`{}` takes one of \"error\", \"warning\", \"information\", \"hint\" or \"off\"",
                    code.as_str()
                ),
            )),
        }
    }
}

fn globs(value: &toml::Spanned<DeValue<'_>>, key: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let DeValue::Array(items) = value.get_ref() else {
        wrong_type(
            diagnostics,
            span(value.span()),
            &format!("`{key}` must be a list of globs, like `[\"vendor/**\"]`"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match item.get_ref() {
            DeValue::String(s) => match Glob::new(s) {
                Ok(_) => out.push(s.to_string()),
                Err(e) => diagnostics.push(Diagnostic::new(
                    Code::InvalidValue,
                    span(item.span()),
                    format!("`{s}` is not a valid glob: {}", e.kind()),
                )),
            },
            _ => wrong_type(diagnostics, span(item.span()), &format!("each entry of `{key}` must be a glob in quotes")),
        }
    }
    out
}

fn glob_set(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn unknown(diagnostics: &mut Vec<Diagnostic>, key: &str, range: TextRange, table: &str, known: &[&str]) {
    let d = Diagnostic::new(Code::UnknownKey, range, format!("unknown key `{key}` in {table}"));
    let d = match did_you_mean(key, known.iter().copied()) {
        Some(s) => d.with_suggestion(range, s),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            let mut d = d;
            d.message.push_str(&format!("; its keys are {}", list.join(", ")));
            d
        }
    };
    diagnostics.push(d);
}

fn wrong_type(diagnostics: &mut Vec<Diagnostic>, range: TextRange, message: &str) {
    diagnostics.push(Diagnostic::new(Code::WrongType, range, message));
}

fn span(s: std::ops::Range<usize>) -> TextRange {
    TextRange::new(to_u32(s.start), to_u32(s.end))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::{Config, Settings};
    use crate::diagnostic::{Code, Severity};

    #[test]
    fn reads_settings() {
        let (config, diagnostics) = Config::parse(
            "[files]\ninclude = [\"src/**\"]\nexclude = [\"src/gen/**\"]\nmodels = [\"security/*.yaml\"]\n[annotations]\nenabled = true\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(config.scans("src/a.rs"));
        assert!(!config.scans("src/gen/a.rs"));
        assert!(!config.scans("web/a.ts"));
        assert!(config.is_extra_model("security/payments.yaml"));
        assert!(Config::parse("").0.scans("anything.rs"));
        assert!(!Config::parse("[annotations]\nenabled = false").0.scans("a.rs"));
        let (config, d) = Config::parse("[rules]\nopen-threat = \"error\"\nunbacked-mitigation = \"off\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(config.level(Code::OpenThreat, Severity::Warning), Some(Severity::Error));
        assert_eq!(config.level(Code::UnbackedMitigation, Severity::Information), None);
        assert_eq!(config.level(Code::DuplicateId, Severity::Error), Some(Severity::Error));
        let settings = Settings { exclude: vec!["gen/**".into()], annotations: Some(false), ..Settings::default() };
        let merged = config.with(&settings);
        assert!(merged.is_excluded("gen/a.rs") && !merged.annotations);
    }

    #[test]
    fn reports_what_is_wrong() {
        let (_, mut d) = Config::parse("[files]\nexlude = []\ninclude = \"src\"\nmodels = [\"a[\"]\n[annotation]\n");
        d.sort_by_key(|d| d.range.start);
        let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["unknown-key", "wrong-type", "invalid-value", "unknown-key"]);
        assert!(d[0].message.contains("did you mean `exclude`?"));
        let (_, d) = Config::parse("[files\n");
        assert_eq!(d[0].code.as_str(), "toml-syntax");
    }
}
