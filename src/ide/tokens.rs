//! Semantic tokens for annotations inside comments, so editors colour them apart from prose.

use crate::analysis::{FileKind, Workspace};
use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    /// `@exposes`
    Verb,
    /// `#idor`, `(#sqli)`
    Id,
    /// `App.Auth`, `SQL_Injection`
    Name,
    /// `[P1]`
    Severity,
    /// `cwe:CWE-639`
    Reference,
}

impl TokenType {
    pub const ALL: [TokenType; 5] =
        [TokenType::Verb, TokenType::Id, TokenType::Name, TokenType::Severity, TokenType::Reference];
}

/// The tokens of the annotations of a source file, in order.
pub fn semantic_tokens(ws: &Workspace, path: &str) -> Vec<(TextRange, TokenType)> {
    let Some(file) = ws.file(path).filter(|f| f.kind == FileKind::Code) else { return Vec::new() };
    let mut out = Vec::new();
    for a in &file.annotations {
        out.push((a.verb_range, TokenType::Verb));
        if let Some(def) = &a.definition {
            if def.id.as_ref().is_none_or(|id| id.range != def.name.range) {
                out.push((def.name.range, TokenType::Name));
            }
            if let Some(id) = &def.id {
                out.push((id.range, TokenType::Id));
            }
        }
        for r in &a.refs {
            match &r.id {
                Some(id) if id.range.start > r.range.start + 1 => {
                    // threatspec's `Name (#id)`: the name, then the id.
                    let name_len = r.name.as_ref().map_or(0, |n| u32::try_from(n.len()).unwrap_or(0));
                    out.push((TextRange::new(r.range.start, r.range.start + name_len), TokenType::Name));
                    out.push((id.range, TokenType::Id));
                }
                Some(_) => out.push((r.range, TokenType::Id)),
                None => out.push((r.range, TokenType::Name)),
            }
        }
        if let Some(s) = &a.severity {
            out.push((s.range, TokenType::Severity));
        }
        out.extend(a.ext_refs.iter().map(|r| (r.range, TokenType::Reference)));
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out.dedup_by_key(|(r, _)| r.start);
    out
}
