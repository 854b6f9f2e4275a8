//! The GuardLink grammar (its SPEC.md, section 3), token by token.

use super::lexer::{Token, TokenKind};
use super::verbs::{Verb, keywords};
use super::{Annotation, Definition, Detail, Dialect, Ref, Role};
use crate::model::{Severity, Spanned};
use crate::syntax::TextRange;

/// Why a line did not parse: the token where parsing stopped (`None`: at the end).
pub(super) struct Stop {
    pub at: Option<TextRange>,
}

pub(super) fn parse(verb: Verb, tokens: &[Token], gal: bool) -> Result<Annotation, Stop> {
    let mut c = Cursor { tokens, pos: 0, verb };
    let mut a = Annotation::new(verb, Dialect::GuardLink);
    match verb {
        Verb::Asset => {
            let path = c.path()?;
            a.definition = Some(Definition { name: path, id: c.id_def() });
        }
        Verb::Threat => {
            let name = c.def_name()?;
            a.definition = Some(Definition { name, id: c.id_def() });
            a.severity = c.severity()?;
            a.ext_refs = c.ext_refs();
        }
        Verb::Control | Verb::Actor => {
            let name = c.def_name()?;
            a.definition = Some(Definition { name, id: c.id_def() });
        }
        Verb::Mitigates => {
            a.refs.push(c.asset_ref(Role::Asset)?);
            c.keyword("against")?;
            a.refs.push(c.name_ref(Role::Threat)?);
            if c.optional_keyword("using") || c.optional_keyword("with") {
                a.refs.push(c.name_ref(Role::Control)?);
            }
        }
        Verb::Exposes => {
            a.refs.push(c.asset_ref(Role::Asset)?);
            c.keyword("to")?;
            a.refs.push(c.name_ref(Role::Threat)?);
            a.severity = c.severity()?;
            a.ext_refs = c.ext_refs();
        }
        Verb::Confirmed => {
            a.refs.push(c.name_ref(Role::Threat)?);
            c.keyword("on")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
            a.severity = c.severity()?;
            a.ext_refs = c.ext_refs();
        }
        Verb::Accepts => {
            a.refs.push(c.name_ref(Role::Threat)?);
            if !c.optional_keyword("on") {
                c.keyword("to")?;
            }
            a.refs.push(c.asset_ref(Role::Asset)?);
        }
        Verb::Transfers => {
            a.refs.push(c.name_ref(Role::Threat)?);
            c.keyword("from")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
            c.keyword("to")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
        }
        Verb::Flows => {
            a.refs.push(c.asset_ref(Role::Asset)?);
            // `@connects A to B` is GuardLink's threatspec-compatible spelling of a flow.
            if c.optional_keyword("to") {
                a.refs.push(c.asset_ref(Role::Asset)?);
            } else {
                c.keyword("->")?;
                a.refs.push(c.asset_ref(Role::Asset)?);
                while c.optional_keyword("->") {
                    a.refs.push(c.asset_ref(Role::Asset)?);
                }
                if c.optional_keyword("via") {
                    a.detail = Some(Detail::Mechanism(c.words_until_description()?));
                }
            }
        }
        Verb::Boundary => {
            c.optional_keyword("between");
            a.refs.push(c.asset_ref(Role::Asset)?);
            if !c.optional_keyword("|") {
                c.keyword("and")?;
            }
            a.refs.push(c.asset_ref(Role::Asset)?);
            a.definition = c.id_def().map(|id| Definition { name: id.clone(), id: Some(id) });
        }
        Verb::Handles => {
            let word = c.word()?;
            a.detail =
                Some(Detail::Classification(Spanned { value: word.value.to_ascii_lowercase(), range: word.range }));
            c.keyword("on")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
        }
        Verb::Validates => {
            a.refs.push(c.name_ref(Role::Control)?);
            c.keyword("for")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
        }
        Verb::Owns => {
            a.detail = Some(Detail::Owner(c.word()?));
            c.keyword("for")?;
            a.refs.push(c.asset_ref(Role::Asset)?);
        }
        Verb::Audit | Verb::Assumes => a.refs.push(c.asset_ref(Role::Asset)?),
        Verb::Comment | Verb::Shield | Verb::ShieldBegin | Verb::ShieldEnd => {}
        Verb::Feature => {
            let name = c.next_if(|t| t.kind == TokenKind::Quoted)?;
            a.detail = Some(Detail::Feature(Spanned { value: name.text.clone(), range: name.range }));
        }
        Verb::Entitles => {
            a.refs.push(c.name_ref(Role::Actor)?);
            c.keyword("to")?;
            a.detail = Some(Detail::Capability(c.word()?));
            if c.optional_keyword("on") {
                a.refs.push(c.asset_ref(Role::Asset)?);
            }
            if c.optional_keyword("against") {
                a.refs.push(c.name_ref(Role::Threat)?);
            }
        }
        Verb::Source => {
            if !gal {
                return Err(Stop { at: None });
            }
            let file = c.prefixed("file:")?;
            let line = c.prefixed("line:")?;
            let number = line.value.parse::<u32>().ok().filter(|n| *n > 0).ok_or(Stop { at: Some(line.range) })?;
            let symbol = c.prefixed("symbol:").ok();
            a.detail = Some(Detail::Source { file, line: number, symbol });
            return if c.at_end() { Ok(a) } else { Err(c.stop()) };
        }
    }
    if verb != Verb::ShieldEnd {
        a.description = c.description()?;
    }
    if c.at_end() { Ok(a) } else { Err(c.stop()) }
}

struct Cursor<'t> {
    tokens: &'t [Token],
    pos: usize,
    verb: Verb,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn stop(&self) -> Stop {
        Stop { at: self.peek().map(|t| t.range) }
    }

    fn next_if(&mut self, ok: impl Fn(&Token) -> bool) -> Result<&'t Token, Stop> {
        match self.peek() {
            Some(t) if ok(t) => {
                self.pos += 1;
                Ok(t)
            }
            _ => Err(self.stop()),
        }
    }

    fn is_keyword(&self, token: &Token) -> bool {
        keywords(self.verb).iter().any(|k| match *k {
            "->" => token.kind == TokenKind::Arrow,
            "|" => token.kind == TokenKind::Pipe,
            k => token.is_word(k),
        })
    }

    fn optional_keyword(&mut self, keyword: &str) -> bool {
        let matches = self.peek().is_some_and(|t| match keyword {
            "->" => t.kind == TokenKind::Arrow,
            "|" => t.kind == TokenKind::Pipe,
            k => t.is_word(k),
        });
        if matches {
            self.pos += 1;
        }
        matches
    }

    fn keyword(&mut self, keyword: &str) -> Result<(), Stop> {
        if self.optional_keyword(keyword) { Ok(()) } else { Err(self.stop()) }
    }

    /// One plain word (not a keyword, reference or other token).
    fn word(&mut self) -> Result<Spanned<String>, Stop> {
        let verb_keywords = |t: &Token| self.is_keyword(t);
        let token = self.peek().filter(|t| t.kind == TokenKind::Word && !verb_keywords(t) && !t.text.starts_with('#'));
        match token {
            Some(t) => {
                self.pos += 1;
                Ok(Spanned { value: t.text.clone(), range: t.range })
            }
            None => Err(self.stop()),
        }
    }

    /// A component path in a definition: `App.Auth.Login`.
    fn path(&mut self) -> Result<Spanned<String>, Stop> {
        let word = self.word()?;
        if is_path(&word.value) { Ok(word) } else { Err(Stop { at: Some(word.range) }) }
    }

    /// A reference in an asset position: `#id`, `"quoted"`, or a component path.
    fn asset_ref(&mut self, role: Role) -> Result<Ref, Stop> {
        if let Some(r) = self.id_or_quoted(role) {
            return Ok(r);
        }
        let path = self.path()?;
        Ok(Ref { role, id: None, name: Some(path.value), range: path.range })
    }

    /// A reference in a threat or control position: `#id`, `"quoted"`, or a name of words.
    fn name_ref(&mut self, role: Role) -> Result<Ref, Stop> {
        if let Some(r) = self.id_or_quoted(role) {
            return Ok(r);
        }
        let name = self.name()?;
        Ok(Ref { role, id: None, name: Some(name.value), range: name.range })
    }

    fn id_or_quoted(&mut self, role: Role) -> Option<Ref> {
        let t = self.peek()?;
        let r = match t.kind {
            TokenKind::Word => {
                let id = t.text.strip_prefix('#').filter(|id| is_id(id))?;
                let id = Spanned { value: id.to_owned(), range: TextRange::new(t.range.start + 1, t.range.end) };
                Ref { role, id: Some(id), name: None, range: t.range }
            }
            TokenKind::Quoted if !t.text.is_empty() => {
                Ref { role, id: None, name: Some(t.text.clone()), range: t.range }
            }
            _ => return None,
        };
        self.pos += 1;
        Some(r)
    }

    /// Words joined by single spaces, `_` or `-`, each starting with a letter; stops before a
    /// keyword of the verb.
    fn name(&mut self) -> Result<Spanned<String>, Stop> {
        let first = self.word()?;
        if !is_name_word(&first.value) {
            return Err(Stop { at: Some(first.range) });
        }
        let mut name = first.value;
        let mut range = first.range;
        while let Some(t) = self.peek() {
            if t.kind != TokenKind::Word || self.is_keyword(t) || !is_name_word(&t.text) || looks_like_ext_ref(&t.text)
            {
                break;
            }
            name.push(' ');
            name.push_str(&t.text);
            range = range.cover(t.range);
            self.pos += 1;
        }
        Ok(Spanned { value: name, range })
    }

    /// The name in `@threat`, `@control` and `@actor` definitions.
    fn def_name(&mut self) -> Result<Spanned<String>, Stop> {
        self.name()
    }

    fn id_def(&mut self) -> Option<Spanned<String>> {
        let t = self.peek().filter(|t| t.kind == TokenKind::IdDef && is_id(&t.text))?;
        self.pos += 1;
        Some(Spanned { value: t.text.clone(), range: TextRange::new(t.range.start + 2, t.range.end - 1) })
    }

    fn severity(&mut self) -> Result<Option<Spanned<Severity>>, Stop> {
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Bracket) else { return Ok(None) };
        let severity = parse_severity(&t.text).ok_or(Stop { at: Some(t.range) })?;
        self.pos += 1;
        Ok(Some(Spanned { value: severity, range: t.range }))
    }

    fn ext_refs(&mut self) -> Vec<Spanned<String>> {
        let mut refs = Vec::new();
        while let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Word && looks_like_ext_ref(&t.text)) {
            refs.push(Spanned { value: t.text.clone(), range: t.range });
            self.pos += 1;
        }
        refs
    }

    /// Free text up to the description (`@flows ... via <mechanism>`).
    fn words_until_description(&mut self) -> Result<Spanned<String>, Stop> {
        let mut words: Vec<&Token> = Vec::new();
        while let Some(t) = self.peek().filter(|t| t.kind != TokenKind::DescDelim) {
            words.push(t);
            self.pos += 1;
        }
        let (Some(first), Some(last)) = (words.first(), words.last()) else { return Err(self.stop()) };
        let text: Vec<&str> = words.iter().map(|t| t.text.as_str()).collect();
        Ok(Spanned { value: text.join(" "), range: first.range.cover(last.range) })
    }

    fn description(&mut self) -> Result<Option<String>, Stop> {
        if !self.optional_keyword_kind(TokenKind::DescDelim) {
            return Ok(None);
        }
        let quoted = self.next_if(|t| t.kind == TokenKind::Quoted)?;
        Ok(Some(quoted.text.clone()).filter(|d| !d.is_empty()))
    }

    fn optional_keyword_kind(&mut self, kind: TokenKind) -> bool {
        let matches = self.peek().is_some_and(|t| t.kind == kind);
        if matches {
            self.pos += 1;
        }
        matches
    }

    /// `file:<path>`, `line:<n>`, `symbol:<name>` in `@source`.
    fn prefixed(&mut self, prefix: &str) -> Result<Spanned<String>, Stop> {
        let t =
            self.next_if(|t| t.kind == TokenKind::Word && t.text.starts_with(prefix) && t.text.len() > prefix.len())?;
        let start = t.range.start + u32::try_from(prefix.len()).unwrap_or(0);
        Ok(Spanned {
            value: t.text.get(prefix.len()..).unwrap_or("").to_owned(),
            range: TextRange::new(start, t.range.end),
        })
    }
}

/// `[P0]`..`[P3]` or `[critical|high|medium|low]`, any case (section 2.5).
pub(super) fn parse_severity(text: &str) -> Option<Severity> {
    match text.to_ascii_lowercase().as_str() {
        "p0" | "critical" => Some(Severity::Critical),
        "p1" | "high" => Some(Severity::High),
        "p2" | "medium" => Some(Severity::Medium),
        "p3" | "low" => Some(Severity::Low),
        _ => None,
    }
}

pub(super) fn is_id(s: &str) -> bool {
    crate::model::is_valid_id(s)
}

/// Dot-separated segments of letters, digits, `_` and `-`, starting with a letter or `_`; `/`
/// is allowed inside segments for route-like paths (`Api./v1/users` is still one path).
fn is_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && seg.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'))
        })
}

fn is_name_word(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphabetic) && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// `prefix:ID` with a letters-only prefix (section 2.8), or an https URL.
fn looks_like_ext_ref(s: &str) -> bool {
    match s.split_once(':') {
        Some((prefix, id)) => !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphabetic()) && !id.is_empty(),
        None => false,
    }
}
