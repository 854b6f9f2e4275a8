//! The original threatspec grammar: free-text fields split at the first occurrence of each
//! keyword (case-insensitive), `:`-separated component paths, `Name (#id)` definitions, and a
//! mandatory `with <details>` on relationships.

use super::verbs::Verb;
use super::{Annotation, Definition, Dialect, Ref, Role};
use crate::model::Spanned;
use crate::syntax::TextRange;

/// Parses the text after the verb; `base` is its offset in the file.
pub(super) fn parse(verb: Verb, spelled: &str, rest: &str, base: u32) -> Option<Annotation> {
    let text = Field { text: rest, base };
    let mut a = Annotation::new(verb, Dialect::Threatspec);
    match verb {
        Verb::Mitigates => {
            let (component, rest) = text.split("against")?;
            let (threat, control) = rest.split("with")?;
            a.refs = vec![
                component.reference(Role::Asset)?,
                threat.reference(Role::Threat)?,
                control.reference(Role::Control)?,
            ];
        }
        Verb::Accepts => {
            let (threat, rest) = text.split("to")?;
            let (component, details) = rest.split("with")?;
            a.refs = vec![threat.reference(Role::Threat)?, component.reference(Role::Asset)?];
            a.description = details.value();
        }
        Verb::Transfers => {
            let (threat, rest) = text.split("from")?;
            let (source, rest) = rest.split("to")?;
            let (target, details) = rest.split("with")?;
            a.refs =
                vec![threat.reference(Role::Threat)?, source.reference(Role::Asset)?, target.reference(Role::Asset)?];
            a.description = details.value();
        }
        Verb::Exposes => {
            let (component, rest) = text.split("to")?;
            let (threat, details) = rest.split("with")?;
            a.refs = vec![component.reference(Role::Asset)?, threat.reference(Role::Threat)?];
            a.description = details.value();
        }
        Verb::Flows if spelled.to_ascii_lowercase().starts_with("connect") => {
            let (source, rest) = match (text.split("to"), text.split("with")) {
                (Some(to), Some(with)) => {
                    if to.0.text.len() <= with.0.text.len() {
                        to
                    } else {
                        with
                    }
                }
                (to, with) => to.or(with)?,
            };
            let (target, details) = rest.split("with")?;
            a.refs = vec![source.reference(Role::Asset)?, target.reference(Role::Asset)?];
            a.description = details.value();
        }
        Verb::Audit if spelled.to_ascii_lowercase().starts_with("review") => {
            let trimmed = text.trim();
            let split = trimmed.text.find(char::is_whitespace)?;
            let component = trimmed.slice(0, split);
            let details = trimmed.slice(split, trimmed.text.len());
            a.refs = vec![component.reference(Role::Asset)?];
            a.description = details.value();
        }
        Verb::Validates if spelled.to_ascii_lowercase().starts_with("test") => {
            let (control, component) = text.split("for")?;
            a.refs = vec![control.reference(Role::Control)?, component.reference(Role::Asset)?];
        }
        Verb::Threat | Verb::Control | Verb::Asset => {
            // threatspec names are free text, but GuardLink's structure in them (`[P5]`, `--`,
            // quotes) means a broken GuardLink line, not a threatspec one.
            let is_component = verb != Verb::Asset || spelled.eq_ignore_ascii_case("component");
            if !is_component || rest.contains(['[', ']', '"']) || rest.contains(" -- ") {
                return None;
            }
            let r = text.reference(Role::Threat)?;
            let name =
                Spanned { value: r.name.clone().or_else(|| r.id.as_ref().map(|id| id.value.clone()))?, range: r.range };
            a.definition = Some(Definition { name, id: r.id });
        }
        _ => return None,
    }
    Some(a)
}

/// A piece of the annotation text with its offset in the file.
#[derive(Clone, Copy)]
struct Field<'a> {
    text: &'a str,
    base: u32,
}

impl<'a> Field<'a> {
    fn slice(self, start: usize, end: usize) -> Field<'a> {
        Field { text: self.text.get(start..end).unwrap_or(""), base: self.base + to_u32(start) }
    }

    fn trim(self) -> Field<'a> {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len();
        self.slice(start, end.max(start))
    }

    /// Splits at the first ` keyword ` (any case), leaving both sides non-empty.
    fn split(self, keyword: &str) -> Option<(Field<'a>, Field<'a>)> {
        let lower = self.text.to_ascii_lowercase();
        let needle = format!(" {keyword} ");
        let mut from = 0;
        while let Some(found) = lower.get(from..).and_then(|s| s.find(&needle)) {
            let at = from + found;
            let (left, right) = (self.slice(0, at).trim(), self.slice(at + needle.len(), self.text.len()).trim());
            if !left.text.is_empty() && !right.text.is_empty() {
                return Some((left, right));
            }
            from = at + 1;
        }
        None
    }

    fn value(self) -> Option<String> {
        let t = self.trim().text;
        (!t.is_empty()).then(|| t.to_owned())
    }

    fn range(self) -> TextRange {
        TextRange::new(self.base, self.base + to_u32(self.text.len()))
    }

    /// `#id`, `Name (#id)`, `Name (alias)`, or a plain name or `:` path.
    fn reference(self, role: Role) -> Option<Ref> {
        let field = self.trim();
        let text = field.text;
        if text.is_empty() {
            return None;
        }
        if let Some(id) = text.strip_prefix('#').filter(|id| super::guardlink::is_id(id)) {
            let id = Spanned { value: id.to_owned(), range: field.slice(1, text.len()).range() };
            return Some(Ref { role, id: Some(id), name: None, range: field.range() });
        }
        let (name, id) = match text.find('(') {
            Some(open) if open > 0 => {
                let close = text.get(open..).and_then(|s| s.find(')')).map_or(text.len(), |c| open + c);
                let inner = field.slice(open + 1, close).trim();
                let hashes = inner.text.len() - inner.text.trim_start_matches('#').len();
                let id = inner.slice(hashes, inner.text.len());
                let id =
                    super::guardlink::is_id(id.text).then(|| Spanned { value: id.text.to_owned(), range: id.range() });
                (text.get(..open).unwrap_or("").trim(), id)
            }
            _ => (text, None),
        };
        Some(Ref { role, id, name: Some(name.to_owned()).filter(|n| !n.is_empty()), range: field.range() })
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
