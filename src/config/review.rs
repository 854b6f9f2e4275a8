//! `[review]` in `threatls.toml`: the review gate's rules, on top of its defaults.
//!
//! ```toml
//! [review]
//! infrastructure = ["deploy/**"]     # replaces the default globs
//! ignore = ["**/tests/**"]           # replaces the default globs
//! large-change = 500                 # changed lines; 0 turns the rule off
//! off = ["authentication"]           # rules turned off by name
//! [review.patterns]                  # rules on added lines, by name (a default's name replaces it)
//! payments = { checkpoint = "external-service", regex = "stripe\\.com" }
//! [review.dependencies]              # a package glob and the checkpoint its arrival passes
//! "stripe" = "external-service"
//! ```

use regex::Regex;
use toml::de::{DeTable, DeValue};

use super::{globs, span, unknown, wrong_type};
use crate::diagnostic::{Code, Diagnostic};
use crate::review::{Checkpoint, DependencyClass, LinePattern, ReviewConfig};
use crate::suggest::did_you_mean;

const KEYS: &[&str] = &["infrastructure", "ignore", "large-change", "off", "patterns", "dependencies"];

/// The rules `off` can name besides the patterns.
const RULES: &[&str] = &["annotations", "infrastructure", "dependencies", "large-change", "schedule"];

pub(super) fn parse(table: &DeTable<'_>, out: &mut ReviewConfig, diagnostics: &mut Vec<Diagnostic>) {
    let mut off = Vec::new();
    for (key, value) in table {
        match key.get_ref().as_ref() {
            "infrastructure" => out.infrastructure = globs(value, "infrastructure", diagnostics),
            "ignore" => out.ignore = globs(value, "ignore", diagnostics),
            "large-change" => match value.get_ref() {
                DeValue::Integer(n) => match n.as_str().parse::<u32>() {
                    Ok(n) => out.large_change = n,
                    Err(_) => wrong_type(
                        diagnostics,
                        span(value.span()),
                        "`large-change` must be a number of lines, like `1000`",
                    ),
                },
                _ => {
                    wrong_type(diagnostics, span(value.span()), "`large-change` must be a number of lines, like `1000`")
                }
            },
            "off" => match value.get_ref() {
                DeValue::Array(items) => {
                    off.extend(items.iter().map(|i| (i.get_ref().as_str().map(str::to_owned), span(i.span()))))
                }
                _ => wrong_type(
                    diagnostics,
                    span(value.span()),
                    "`off` must be a list of rule names, like `[\"authentication\"]`",
                ),
            },
            "patterns" => match value.get_ref() {
                DeValue::Table(patterns) => {
                    for (name, pattern) in patterns {
                        if let Some(p) = line_pattern(name.get_ref(), pattern, diagnostics) {
                            out.patterns.retain(|q| q.name != p.name);
                            out.patterns.push(p);
                        }
                    }
                }
                _ => wrong_type(diagnostics, span(value.span()), "`patterns` must be a table (`[review.patterns]`)"),
            },
            "dependencies" => match value.get_ref() {
                DeValue::Table(deps) => {
                    for (package, checkpoint) in deps {
                        let Some(checkpoint) = checkpoint_of(checkpoint, diagnostics) else { continue };
                        let pattern = package.get_ref().to_string();
                        out.dependencies.retain(|d| d.pattern != pattern);
                        out.dependencies
                            .insert(0, DependencyClass { pattern, checkpoint, what: "listed in threatls.toml" });
                    }
                }
                _ => wrong_type(
                    diagnostics,
                    span(value.span()),
                    "`dependencies` must be a table (`[review.dependencies]`)",
                ),
            },
            other => unknown(diagnostics, other, span(key.span()), "[review]", KEYS),
        }
    }
    let mut names: Vec<&str> = RULES.to_vec();
    names.extend(out.patterns.iter().map(|p| p.name.as_str()));
    for (name, range) in off {
        match name {
            Some(name) if names.contains(&name.as_str()) => {
                out.off.insert(name);
            }
            Some(name) => unknown(diagnostics, &name, range, "`off`", &names),
            None => wrong_type(diagnostics, range, "each entry of `off` must be a rule name in quotes"),
        }
    }
    out.build();
}

fn checkpoint_of(value: &toml::Spanned<DeValue<'_>>, diagnostics: &mut Vec<Diagnostic>) -> Option<Checkpoint> {
    let written = value.get_ref().as_str();
    let checkpoint = written.and_then(Checkpoint::parse);
    if checkpoint.is_none() {
        let names: Vec<&str> = Checkpoint::ALL.iter().map(|c| c.as_str()).collect();
        let range = span(value.span());
        let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let d = Diagnostic::new(Code::InvalidValue, range, format!("a checkpoint is one of {list}"));
        let d = match written.and_then(|w| did_you_mean(w, names.iter().copied())) {
            Some(s) => d.with_suggestion(range, &format!("\"{s}\"")),
            None => d,
        };
        diagnostics.push(d);
    }
    checkpoint
}

fn line_pattern(
    name: &str,
    value: &toml::Spanned<DeValue<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LinePattern> {
    let DeValue::Table(fields) = value.get_ref() else {
        let message = format!("`{name}` must be a table, like `{{ checkpoint = \"encryption\", regex = \"...\" }}`");
        wrong_type(diagnostics, span(value.span()), &message);
        return None;
    };
    let (mut checkpoint, mut regex) = (None, None);
    let mut missing = vec!["checkpoint", "regex"];
    for (key, field) in fields {
        missing.retain(|k| *k != key.get_ref().as_ref());
        match key.get_ref().as_ref() {
            "checkpoint" => checkpoint = checkpoint_of(field, diagnostics),
            "regex" => match field.get_ref().as_str().map(Regex::new) {
                Some(Ok(r)) => regex = Some(r),
                Some(Err(e)) => diagnostics.push(Diagnostic::new(
                    Code::InvalidValue,
                    span(field.span()),
                    format!("not a valid regular expression: {}", e.to_string().lines().last().unwrap_or("")),
                )),
                None => wrong_type(diagnostics, span(field.span()), "`regex` must be a regular expression in quotes"),
            },
            other => unknown(diagnostics, other, span(key.span()), &format!("`{name}`"), &["checkpoint", "regex"]),
        }
    }
    if let Some(key) = missing.first() {
        let example = if *key == "checkpoint" { "checkpoint = \"encryption\"" } else { "regex = '...'" };
        let message = format!("`{name}` has no `{key}`; add `{example}`");
        diagnostics.push(Diagnostic::new(Code::MissingKey, span(value.span()), message));
    }
    Some(LinePattern { name: name.to_owned(), checkpoint: checkpoint?, regex: regex? })
}
