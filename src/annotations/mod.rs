//! Annotations in code comments, in the GuardLink and threatspec dialects.
//!
//! [`scan`] reads one source file: a byte prefilter finds `@verb` candidates (most files have
//! none and cost one `memchr` pass), a comment lexer tells which candidates open a comment
//! body, and each such line is parsed as GuardLink, then as threatspec. Lines that start with a
//! known verb but parse as neither are an error when they carry structural evidence and a
//! warning (prose) otherwise, as GuardLink's SPEC.md section 2.12 describes. No I/O.

mod comments;
mod guardlink;
mod languages;
mod lexer;
mod normalize;
mod threatspec;
mod verbs;

pub use languages::for_path as comment_syntax;
pub use normalize::canonical_name;
pub use verbs::Verb;
pub use verbs::keywords as verb_keywords;

use std::borrow::Cow;

use comments::Comments;
use memchr::memchr_iter;

use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_ANNOTATION_LINE_BYTES;
use crate::model::{Severity, Spanned};
use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    GuardLink,
    Threatspec,
}

/// What a reference in an annotation stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Asset,
    Threat,
    Control,
    Actor,
}

/// A reference to something in the model: `#id`, or a name or path (`App.Auth`, `Web:Form`,
/// `SQL Injection`), or threatspec's `Name (#id)`, which carries both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub role: Role,
    /// The id, without its `#`; its range covers just the id's characters.
    pub id: Option<Spanned<String>>,
    pub name: Option<String>,
    /// The whole reference as written.
    pub range: TextRange,
}

/// The thing an `@asset`, `@threat`, `@control`, `@actor` or `@boundary` defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub name: Spanned<String>,
    pub id: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    Mechanism(Spanned<String>),
    Classification(Spanned<String>),
    Owner(Spanned<String>),
    Capability(Spanned<String>),
    Feature(Spanned<String>),
    Source { file: Spanned<String>, line: u32, symbol: Option<Spanned<String>> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub verb: Verb,
    pub dialect: Dialect,
    /// From the `@` to the end of the annotation's first line.
    pub range: TextRange,
    pub verb_range: TextRange,
    pub definition: Option<Definition>,
    /// In the order written.
    pub refs: Vec<Ref>,
    pub severity: Option<Spanned<Severity>>,
    pub ext_refs: Vec<Spanned<String>>,
    /// The `-- "..."` text with its continuation lines, or threatspec's details.
    pub description: Option<String>,
    pub detail: Option<Detail>,
}

impl Annotation {
    fn new(verb: Verb, dialect: Dialect) -> Annotation {
        Annotation {
            verb,
            dialect,
            range: TextRange::default(),
            verb_range: TextRange::default(),
            definition: None,
            refs: Vec::new(),
            severity: None,
            ext_refs: Vec::new(),
            description: None,
            detail: None,
        }
    }
}

/// A line of a scanned file that something points into, kept so positions can be shown
/// without keeping the file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptLine {
    /// Zero-based line number.
    pub number: u32,
    /// Byte offset of the line's start.
    pub start: u32,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub annotations: Vec<Annotation>,
    pub diagnostics: Vec<Diagnostic>,
    /// The lines annotations and diagnostics are on, in order.
    pub lines: Vec<KeptLine>,
}

/// Finds and parses the annotations of one file, chosen by `path`'s comment syntax.
pub fn scan(path: &str, bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let Some(syntax) = languages::for_path(path) else { return out };
    let gal = std::ptr::eq(syntax, &languages::GAL);
    let candidates: Vec<usize> =
        memchr_iter(b'@', bytes).filter(|&i| verbs::may_start_annotation(bytes, i + 1)).collect();
    let Some(&last) = candidates.last() else { return out };
    // Offsets are into the file's text: for a file that is not UTF-8, its lossy decoding, as for
    // a model file and as an editor shows it. Reading the lines one by one instead let a range
    // that passed an invalid byte run past its line's end, and past the end of the file.
    if let Cow::Owned(text) = String::from_utf8_lossy(bytes) {
        return scan(path, text.as_bytes());
    }
    let comments = Comments::scan(bytes, syntax, line_bounds(bytes, last).1 + 1);
    let mut lines = LineCounter::default();
    let mut shield: Option<TextRange> = None;
    let mut next_line_start = 0;
    for at in candidates {
        let (start, end) = line_bounds(bytes, at);
        if start < next_line_start {
            continue; // a line already read (several `@` on one line, or a continuation)
        }
        let Some((body_start, body_end)) = comments.body_of_line(bytes, start, end) else { continue };
        if body_start != at {
            continue; // `@` mid-sentence: prose, not an annotation
        }
        next_line_start = end + 1;
        let number = lines.line_of(bytes, start);
        let text = String::from_utf8_lossy(bytes.get(at..body_end).unwrap_or_default());
        let text = text.trim_end();
        let keep = |out: &mut Scan| keep_line(out, bytes, number, start, end);
        if body_end - at > MAX_ANNOTATION_LINE_BYTES {
            let range = TextRange::new(to_u32(at), to_u32(at + 16));
            out.diagnostics.push(Diagnostic::new(
                Code::LimitExceeded,
                range,
                format!("this annotation line is longer than {MAX_ANNOTATION_LINE_BYTES} bytes and is not read"),
            ));
            keep(&mut out);
            continue;
        }
        let parsed = parse_line(text, to_u32(at), gal);
        if shield.is_some() {
            // Inside a shield, only its end counts (GuardLink section 3.5).
            if let Parsed::Annotation(a, _) = parsed
                && a.verb == Verb::ShieldEnd
            {
                shield = None;
                out.annotations.push(a);
                keep(&mut out);
            }
            continue;
        }
        match parsed {
            Parsed::Annotation(mut a, extended) => {
                if a.verb == Verb::ShieldBegin {
                    shield = Some(a.verb_range);
                }
                let (description, consumed) = if extended {
                    extended_description(bytes, &comments, end)
                } else {
                    continuation(bytes, &comments, end)
                };
                if let Some(more) = description {
                    a.description = Some(match a.description.take() {
                        Some(first) => format!("{first} {more}"),
                        None => more,
                    });
                }
                next_line_start = next_line_start.max(consumed);
                out.annotations.push(a);
                keep(&mut out);
            }
            Parsed::Diagnostic(d) => {
                out.diagnostics.push(d);
                keep(&mut out);
            }
            Parsed::Nothing => {}
        }
    }
    if let Some(range) = shield {
        out.diagnostics.push(Diagnostic::new(
            Code::UnmatchedShield,
            range,
            "`@shield:begin` has no `@shield:end` after it, so no annotation after it in this file is read; add `@shield:end` where the shielded part ends",
        ));
    }
    out
}

enum Parsed {
    /// The annotation, and whether threatspec's extended form (a YAML block) follows.
    Annotation(Annotation, bool),
    Diagnostic(Diagnostic),
    Nothing,
}

/// Parses one annotation line: `text` starts with `@` at offset `base` of the file.
fn parse_line(text: &str, base: u32, gal: bool) -> Parsed {
    let word_len = text.find(char::is_whitespace).unwrap_or(text.len());
    let word = text.get(1..word_len).unwrap_or("");
    let verb_range = TextRange::new(base, base + to_u32(word_len));
    let Some(spelling) = verbs::spelling(word) else { return unknown_verb(word, verb_range) };
    let verb = spelling.verb;
    if verb == Verb::Source && !gal {
        return Parsed::Nothing; // phpDoc's `@source`; GuardLink's only means something in .gal files
    }
    let rest = text.get(word_len..).unwrap_or("");
    let rest_base = base + to_u32(word_len);
    let whole = TextRange::new(base, base + to_u32(text.len()));
    let tokens = lexer::tokenize(rest, rest_base);
    let gl =
        if spelling.threatspec_only { Err(guardlink::Stop { at: None }) } else { guardlink::parse(verb, &tokens, gal) };
    let stop = match gl {
        Ok(mut a) => {
            a.range = whole;
            a.verb_range = verb_range;
            return Parsed::Annotation(a, false);
        }
        Err(stop) => stop,
    };
    let (ts_rest, extended) = match rest.trim_end().strip_suffix(':') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if let Some(mut a) = threatspec::parse(verb, word, ts_rest, rest_base) {
        a.range = whole;
        a.verb_range = verb_range;
        return Parsed::Annotation(a, extended);
    }
    let usage = usage(verb);
    match evidence(verb, rest) {
        Some(evidence) => {
            let at = stop.at.unwrap_or(whole);
            let message = format!(
                "malformed `@{}` annotation: {evidence}, so it is meant as one, but it does not read as `{usage}`",
                verb.as_str()
            );
            Parsed::Diagnostic(Diagnostic::new(Code::MalformedAnnotation, at, message))
        }
        None => {
            let message = format!(
                "`@{}` opens this comment, but the rest is not an annotation, so it is read as prose; an annotation reads `{usage}`, and documentation that quotes annotations goes between `@shield:begin` and `@shield:end`",
                word
            );
            Parsed::Diagnostic(Diagnostic::new(Code::ProseLike, verb_range, message))
        }
    }
}

/// A lower-case word one letter away from a verb is probably a typo of it; anything else after
/// `@` (`@param`, `@Override`, an e-mail) is not ours and is left alone.
fn unknown_verb(word: &str, range: TextRange) -> Parsed {
    let word = word.trim_end_matches([',', '.', ';', ':', '!', '?', ')']);
    let Some(verb) = verbs::near_verb(word).filter(|_| verbs::spelling(word).is_none()) else { return Parsed::Nothing };
    let message = format!("unknown annotation verb `@{word}`, so this line is not read; did you mean `@{verb}`?");
    let range = TextRange::new(range.start, range.start + 1 + to_u32(word.len()));
    Parsed::Diagnostic(Diagnostic::new(Code::UnknownVerb, range, message).with_fix(
        format!("Replace with `@{verb}`"),
        range,
        format!("@{verb}"),
    ))
}

/// Why a line that failed to parse was meant as an annotation (GuardLink section 2.12).
fn evidence(verb: Verb, rest: &str) -> Option<String> {
    let bare_is_valid = matches!(verb, Verb::Comment | Verb::Shield | Verb::ShieldBegin | Verb::ShieldEnd);
    if rest.trim().is_empty() {
        return (!bare_is_valid).then(|| "it has no arguments".to_owned());
    }
    let bytes = rest.as_bytes();
    let has_ref = bytes.windows(2).any(|w| {
        w.first() == Some(&b'#') && w.get(1).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    });
    if has_ref {
        return Some("it holds a `#reference`".to_owned());
    }
    if rest.split_whitespace().any(|w| w == "--") || rest.trim_start().starts_with("-- ") {
        return Some("it holds a `--` description".to_owned());
    }
    let keyword = verbs::keywords(verb).iter().find(|k| match **k {
        "->" | "|" => rest.contains(**k),
        k => rest.split_whitespace().any(|w| w.eq_ignore_ascii_case(k)),
    });
    keyword.map(|k| format!("it holds `{k}`, a keyword of `@{}`", verb.as_str()))
}

/// The verb a word after `@` spells, in either dialect.
pub fn spelling_of(word: &str) -> Option<Verb> {
    verbs::spelling(word).map(|s| s.verb)
}

/// Where the comment text of a line starts, judged from the line alone (for an editor's
/// cursor line, where the text may be half typed): after leading blanks and a comment marker,
/// a block opener or a decorating `*`, and the blanks after it.
pub fn comment_body_start(path: &str, line: &str) -> Option<usize> {
    let syntax = languages::for_path(path)?;
    let trimmed = line.trim_start();
    let mut at = line.len() - trimmed.len();
    if !std::ptr::eq(syntax, &languages::GAL) {
        let marker = syntax
            .line
            .iter()
            .copied()
            .chain(syntax.block.iter().map(|(open, _)| *open))
            .chain(["*"])
            .find(|m| trimmed.starts_with(m));
        match marker {
            Some(m) => at += m.len(),
            None => {
                // A trailing comment after code.
                let found = syntax.line.iter().filter_map(|m| line.find(m).map(|i| i + m.len())).min()?;
                at = found;
            }
        }
        let rest = line.get(at..).unwrap_or("");
        at += rest.len() - rest.trim_start_matches(['/', '!', '*', '#', '-', ';', '%']).len();
    }
    let rest = line.get(at..).unwrap_or("");
    Some(at + rest.len() - rest.trim_start().len())
}

/// The form of each verb, for messages and hovers.
pub fn usage(verb: Verb) -> &'static str {
    match verb {
        Verb::Asset => "@asset <path> [(#id)] [-- \"description\"]",
        Verb::Threat => "@threat <name> [(#id)] [severity] [refs] [-- \"description\"]",
        Verb::Control => "@control <name> [(#id)] [-- \"description\"]",
        Verb::Actor => "@actor <name> [(#id)] [-- \"description\"]",
        Verb::Mitigates => "@mitigates <asset> against <threat> [using <control>] [-- \"description\"]",
        Verb::Exposes => "@exposes <asset> to <threat> [severity] [refs] [-- \"description\"]",
        Verb::Confirmed => "@confirmed <threat> on <asset> [severity] [refs] [-- \"description\"]",
        Verb::Accepts => "@accepts <threat> on <asset> [-- \"description\"]",
        Verb::Transfers => "@transfers <threat> from <asset> to <asset> [-- \"description\"]",
        Verb::Flows => "@flows <asset> -> <asset> [via <mechanism>] [-- \"description\"]",
        Verb::Boundary => "@boundary between <asset> and <asset> [(#id)] [-- \"description\"]",
        Verb::Handles => "@handles <classification> on <asset> [-- \"description\"]",
        Verb::Validates => "@validates <control> for <asset> [-- \"description\"]",
        Verb::Audit => "@audit <asset> [-- \"description\"]",
        Verb::Owns => "@owns <owner> for <asset> [-- \"description\"]",
        Verb::Assumes => "@assumes <asset> [-- \"description\"]",
        Verb::Comment => "@comment [-- \"description\"]",
        Verb::Shield | Verb::ShieldBegin => "@shield[:begin] [-- \"reason\"]",
        Verb::ShieldEnd => "@shield:end",
        Verb::Feature => "@feature \"<name>\" [-- \"description\"]",
        Verb::Entitles => "@entitles <actor> to <capability> [on <asset>] [against <threat>] [-- \"description\"]",
        Verb::Source => "@source file:<path> line:<n> [symbol:<name>]",
    }
}

/// GuardLink continuation lines (`// -- "more"`) after the line ending at `end`: their text,
/// joined with spaces, and where reading may resume.
fn continuation(bytes: &[u8], comments: &Comments, end: usize) -> (Option<String>, usize) {
    let mut parts = Vec::new();
    let mut resume = end + 1;
    let mut line_start = next_line(bytes, end);
    while let Some(start) = line_start {
        let (_, line_end) = line_bounds(bytes, start);
        let Some((body, body_end)) = comments.body_of_line(bytes, start, line_end) else { break };
        let text = String::from_utf8_lossy(bytes.get(body..body_end).unwrap_or_default()).into_owned();
        let Some(quoted) = text.strip_prefix("--").map(str::trim_start).filter(|t| t.starts_with('"')) else { break };
        let tokens = lexer::tokenize(quoted, 0);
        let Some(first) = tokens.first().filter(|t| t.kind == lexer::TokenKind::Quoted) else { break };
        parts.push(first.text.clone());
        resume = line_end + 1;
        line_start = next_line(bytes, line_end);
    }
    ((!parts.is_empty()).then(|| parts.join(" ")), resume)
}

/// threatspec's extended form: the comment lines after an annotation ending in `:`, up to a
/// blank one, are YAML; its `description` becomes the annotation's.
fn extended_description(bytes: &[u8], comments: &Comments, end: usize) -> (Option<String>, usize) {
    let mut lines: Vec<String> = Vec::new();
    let mut resume = end + 1;
    let mut line_start = next_line(bytes, end);
    while let Some(start) = line_start {
        let (_, line_end) = line_bounds(bytes, start);
        let Some((body, body_end)) = comments.body_of_line(bytes, start, line_end) else { break };
        if bytes.get(body..body_end).is_none_or(|b| b.iter().all(u8::is_ascii_whitespace)) {
            break;
        }
        // Keep the indentation after the comment's decoration: it is YAML's structure.
        let raw = String::from_utf8_lossy(bytes.get(start..body_end).unwrap_or_default()).into_owned();
        let trimmed = raw.trim_start();
        let content = ["//", "#", "--", ";", "%", "*"]
            .iter()
            .find_map(|m| trimmed.strip_prefix(m).filter(|_| !trimmed.starts_with("*/")))
            .unwrap_or(&raw);
        lines.push(content.to_owned());
        resume = line_end + 1;
        line_start = next_line(bytes, line_end);
        if lines.len() > 200 {
            break;
        }
    }
    let indent = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let yaml: String = lines.iter().map(|l| format!("{}\n", l.get(indent..).unwrap_or(""))).collect();
    let parsed = crate::syntax::parse_yaml(&yaml);
    let description = parsed
        .root
        .as_ref()
        .and_then(|r| r.as_mapping())
        .and_then(|m| m.get("description"))
        .and_then(|e| e.value.as_scalar())
        .map(|s| s.text.trim().to_owned())
        .filter(|d| !d.is_empty());
    (description, resume)
}

/// Start and end (before the terminator) of the line holding byte `at`.
fn line_bounds(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or_default();
    let start = memchr::memrchr2(b'\n', b'\r', before).map_or(0, |i| i + 1);
    let end = memchr::memchr2(b'\n', b'\r', bytes.get(at..).unwrap_or_default()).map_or(bytes.len(), |i| at + i);
    (start, end)
}

/// The start of the line after the one ending at `end`.
fn next_line(bytes: &[u8], end: usize) -> Option<usize> {
    let next = match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => return None,
    };
    (next < bytes.len()).then_some(next)
}

fn keep_line(out: &mut Scan, bytes: &[u8], number: u32, start: usize, end: usize) {
    if out.lines.last().is_some_and(|l| l.number == number) {
        return;
    }
    let end = end.min(start + MAX_ANNOTATION_LINE_BYTES);
    let text = String::from_utf8_lossy(bytes.get(start..end).unwrap_or_default()).into_owned();
    out.lines.push(KeptLine { number, start: to_u32(start), text });
}

/// Counts line breaks (`\n`, `\r\n`, lone `\r`, as LSP does) forward through the file.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u32,
}

impl LineCounter {
    fn line_of(&mut self, bytes: &[u8], line_start: usize) -> u32 {
        let span = bytes.get(self.offset..line_start).unwrap_or_default();
        let newlines = memchr_iter(b'\n', span).count();
        let lone_cr = memchr_iter(b'\r', span).filter(|&i| span.get(i + 1) != Some(&b'\n')).count();
        self.line += to_u32(newlines + lone_cr);
        self.offset = line_start.max(self.offset);
        self.line
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
