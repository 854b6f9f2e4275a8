//! YAML text to span tree, built from saphyr's event stream.
//!
//! We build the tree ourselves rather than use a DOM loader so that:
//! - every node keeps its byte range;
//! - a duplicate key is an error (YAML 1.2), reported with the first occurrence;
//! - aliases are expanded under a node budget and nesting under a depth limit;
//! - after a syntax error, reading resumes at the next top-level key or the next item of a
//!   top-level list, so one typo does not hide the rest of the model.

use saphyr_parser::{Parser, Span};

use super::TextRange;
use super::build::{AliasBudget, Builder, Flow, duplicate_key};
use super::char_map::CharMap;
use super::line_index::to_u32;
use super::tree::{Node, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_ALIAS_NODES, MAX_NESTING_DEPTH, MAX_SYNTAX_ERRORS};

#[derive(Debug, Default)]
pub struct ParsedYaml {
    /// The first document's root, or `None` for a file with no content at all.
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse_yaml(text: &str) -> ParsedYaml {
    let mut out = ParsedYaml::default();
    let mut alias_budget = AliasBudget { nodes: MAX_ALIAS_NODES, reported: false };
    // Re-reading after errors may revisit text; this bounds the total work to a few passes.
    let mut work_budget = text.len().saturating_mul(4).saturating_add(4096);
    let mut errors: Vec<SyntaxError> = Vec::new();
    let mut start = 0u32;
    let mut items_until: Option<u32> = None;

    loop {
        let end = items_until.unwrap_or(to_u32(text.len()));
        let chunk_text = text.get(start as usize..end as usize).unwrap_or("");
        work_budget = work_budget.saturating_sub(chunk_text.len());
        let chunk = parse_chunk(chunk_text, start, &mut alias_budget, &mut out.diagnostics);
        let in_items = items_until.is_some();
        merge(&mut out.root, chunk.root, in_items, &mut out.diagnostics);

        let Some(error) = chunk.error else {
            match items_until.take() {
                Some(end) if (end as usize) < text.len() => {
                    start = end;
                    continue;
                }
                _ => break,
            }
        };
        // Re-reading from an earlier point failed sooner: the errors found further on were
        // cascades of this one (an unclosed bracket read as flow content, say). Drop them.
        errors.retain(|e| e.range.start <= error.range.start);
        let at = error.range;
        let stop = error.code == Code::LimitExceeded;
        if !errors.iter().any(|e| e.range == error.range) {
            errors.push(error);
        }
        if stop {
            break;
        }
        if errors.len() >= MAX_SYNTAX_ERRORS || work_budget == 0 {
            out.diagnostics.push(Diagnostic::new(
                Code::LimitExceeded,
                at,
                format!(
                    "stopped reading after {} YAML syntax errors; fix the ones above and the rest of the file will be checked",
                    errors.len()
                ),
            ));
            break;
        }
        let error = at;
        match next_restart(text, out.root.as_ref(), start, end, error.start, in_items) {
            Some(Restart::Items { at, until }) => {
                if let Some(root) = out.root.as_mut() {
                    root.truncate_from(at);
                }
                start = at;
                items_until = Some(until);
            }
            Some(Restart::TopLevel { at }) => {
                if let Some(root) = out.root.as_mut() {
                    root.truncate_from(at);
                }
                start = at;
                items_until = None;
            }
            None => break,
        }
    }
    out.diagnostics.extend(errors.into_iter().map(|e| Diagnostic::new(e.code, e.range, e.message)));
    out
}

struct SyntaxError {
    code: Code,
    range: TextRange,
    message: String,
}

struct ChunkOutcome {
    root: Option<Node>,
    error: Option<SyntaxError>,
}

fn parse_chunk(
    text: &str,
    base: u32,
    alias_budget: &mut AliasBudget,
    diagnostics: &mut Vec<Diagnostic>,
) -> ChunkOutcome {
    let map = CharMap::new(text);
    let range_of = |span: &Span| {
        TextRange::new(map.byte_offset(span.start.index()), map.byte_offset(span.end.index())).shifted(base)
    };
    let mut builder = Builder::new(text, base, alias_budget, diagnostics);
    let mut parser = Parser::new_from_str(text);
    let error = loop {
        match parser.next_event() {
            None => break None,
            Some(Ok((event, span))) => {
                if builder.event(event, range_of(&span)) == Flow::Stop {
                    break None;
                }
            }
            Some(Err(e)) => {
                let at = map.byte_offset(e.marker().index());
                break Some(syntax_error(text, at, e.info(), base));
            }
        }
    };
    let root = builder.finish();
    ChunkOutcome { root, error }
}

fn syntax_error(text: &str, at: u32, info: &str, base: u32) -> SyntaxError {
    let rest = text.get(at as usize..).unwrap_or("");
    let width = rest.chars().next().filter(|c| *c != '\n' && *c != '\r').map_or(0, char::len_utf8);
    let range = TextRange::new(at, at + to_u32(width)).shifted(base);
    if info.contains("recursion limit") {
        return SyntaxError {
            code: Code::LimitExceeded,
            range,
            message: format!(
                "YAML nesting is deeper than the parser allows; a model needs fewer than {MAX_NESTING_DEPTH} levels"
            ),
        };
    }
    let mut message = format!("YAML syntax error: {info}");
    if rest.starts_with('\t') || info.contains("tab") {
        message.push_str("; YAML does not allow tabs for indentation, use spaces");
    } else if info.contains("mapping values are not allowed") {
        message.push_str("; a `:` followed by a space starts a key, so quote a value that contains one");
    }
    SyntaxError { code: Code::YamlSyntax, range, message }
}

/// Folds one chunk's tree into the file's tree.
fn merge(root: &mut Option<Node>, chunk: Option<Node>, items: bool, diagnostics: &mut Vec<Diagnostic>) {
    let Some(chunk) = chunk else { return };
    let Some(existing) = root.as_mut() else {
        *root = Some(chunk);
        return;
    };
    let Value::Mapping(top) = &mut existing.value else { return };
    if items {
        // The chunk is the rest of the list under the last top-level key.
        let Some(entry) = top.entries.last_mut() else { return };
        let Value::Sequence(new) = chunk.value else { return };
        match &mut entry.value.value {
            Value::Sequence(seq) => {
                seq.items.extend(new.items);
                seq.complete &= new.complete;
            }
            _ => entry.value = Node { range: chunk.range, value: Value::Sequence(new) },
        }
        entry.value.range = entry.value.range.cover(chunk.range);
    } else {
        let Value::Mapping(new) = chunk.value else { return };
        for entry in new.entries {
            let key = entry.key_text().map(str::to_owned);
            match key.and_then(|k| top.get(&k).map(|first| (k, first.key.range))) {
                Some((key, first)) => diagnostics.push(duplicate_key(&key, entry.key.range, first)),
                None => top.entries.push(entry),
            }
        }
        top.complete &= new.complete;
    }
    existing.range = existing.range.cover(chunk.range);
}

enum Restart {
    /// Read the next items of the top-level list that the error interrupted, up to `until`.
    Items {
        at: u32,
        until: u32,
    },
    TopLevel {
        at: u32,
    },
}

/// Where to resume after an error at `error`, in the chunk `start..end` that was being read.
fn next_restart(text: &str, root: Option<&Node>, start: u32, end: u32, error: u32, in_items: bool) -> Option<Restart> {
    let top = root.and_then(Node::as_mapping);
    let last_entry = top.and_then(|m| m.entries.last());
    // The list whose item was being read: the last top-level entry's value, if a block list.
    let list = last_entry.and_then(|e| {
        let seq = e.value.as_sequence()?;
        (!seq.flow && e.key.range.start <= error).then_some((e, seq))
    });
    if let Some((entry, seq)) = list {
        let indent = column(text, entry.value.range.start);
        let after = seq.items.last().map_or(entry.value.range.start, |n| n.range.start).max(start);
        let until = if in_items { end } else { next_top_level_line(text, entry.key.range.start).unwrap_or(end) };
        if let Some(at) = item_lines(text, indent, after, until).next() {
            return Some(Restart::Items { at, until });
        }
        if in_items {
            return (until < to_u32(text.len())).then_some(Restart::TopLevel { at: until });
        }
    }
    let after = last_entry.map_or(start, |e| e.key.range.start).max(start);
    next_top_level_line(text, after).map(|at| Restart::TopLevel { at })
}

/// Start offsets of the lines after `after` (and before `until`) that begin with `indent`
/// spaces and a `- ` item marker.
fn item_lines(text: &str, indent: u32, after: u32, until: u32) -> impl Iterator<Item = u32> + '_ {
    line_starts(text, after).take_while(move |&at| at < until).filter(move |&at| is_item_line(text, indent, at))
}

/// Whether the line starting at `at` begins with `indent` spaces and a `- ` item marker.
pub(super) fn is_item_line(text: &str, indent: u32, at: u32) -> bool {
    let line = text.get(at as usize..).unwrap_or("").as_bytes();
    let spaces = line.iter().take_while(|&&b| b == b' ').count();
    to_u32(spaces) == indent
        && line.get(spaces) == Some(&b'-')
        && matches!(line.get(spaces + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// The start of the last item line (see [`is_item_line`]) at or before `offset`.
pub(super) fn item_line_at(text: &str, indent: u32, offset: u32) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut line = line_start(text, (offset as usize).min(text.len()));
    loop {
        if is_item_line(text, indent, to_u32(line)) {
            return Some(to_u32(line));
        }
        if line == 0 {
            return None;
        }
        // The previous line ends with `\n`, `\r` or `\r\n`.
        let terminator = if line >= 2 && bytes.get(line - 2..line) == Some(b"\r\n") { line - 2 } else { line - 1 };
        line = line_start(text, terminator);
    }
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|before| before.rfind(['\n', '\r'])).map_or(0, |i| i + 1)
}

/// Reads `text` (which starts at `base` in its file) as one piece: `None` if that gives any
/// error or diagnostic, else its root (`Some(None)` for blanks and comments only).
pub(super) fn parse_chunk_clean(text: &str, base: u32) -> Option<Option<Node>> {
    let mut alias_budget = AliasBudget { nodes: MAX_ALIAS_NODES, reported: false };
    let mut diagnostics = Vec::new();
    let chunk = parse_chunk(text, base, &mut alias_budget, &mut diagnostics);
    (chunk.error.is_none() && diagnostics.is_empty()).then_some(chunk.root)
}

/// The first line after `after` that could start a top-level key: it begins in column 0 with
/// something other than a comment, an item marker, a closing bracket or a document marker.
fn next_top_level_line(text: &str, after: u32) -> Option<u32> {
    line_starts(text, after).find(|&at| {
        let line = text.get(at as usize..).unwrap_or("");
        let first = line.as_bytes().first().copied();
        !matches!(first, None | Some(b' ' | b'\t' | b'#' | b'-' | b']' | b'}' | b',' | b'\n' | b'\r'))
            && !line.starts_with("...")
    })
}

/// Start offsets of every line that starts strictly after `after`.
fn line_starts(text: &str, after: u32) -> impl Iterator<Item = u32> + '_ {
    let bytes = text.as_bytes();
    (after as usize..bytes.len()).filter_map(move |i| {
        let b = *bytes.get(i)?;
        let starts_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        (starts_line && i + 1 < bytes.len()).then(|| to_u32(i + 1))
    })
}

fn column(text: &str, offset: u32) -> u32 {
    let before = text.get(..offset as usize).unwrap_or("");
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    offset - to_u32(line_start)
}
