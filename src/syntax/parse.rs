//! YAML text to span tree, built from saphyr's event stream.
//!
//! We build the tree ourselves rather than use a DOM loader so that:
//! - every node keeps its byte range;
//! - a duplicate key is an error (YAML 1.2), reported with the first occurrence;
//! - aliases are expanded under a node budget and nesting under a depth limit;
//! - after a syntax error, reading resumes at the next top-level key or the next item of a
//!   top-level list, so one typo does not hide the rest of the model.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::char_map::CharMap;
use super::line_index::to_u32;
use super::tree::{Entry, Mapping, Node, Scalar, Sequence, Value};
use super::{ScalarKind, TextRange};
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

/// How many more nodes alias expansion may add to the file, and whether running out was said.
struct AliasBudget {
    nodes: usize,
    reported: bool,
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

fn duplicate_key(key: &str, at: TextRange, first: TextRange) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateKey,
        at,
        format!("duplicate key `{key}`: YAML keys must be unique in a mapping, and this one is ignored; remove it or merge it into the first"),
    )
    .with_related("", first, format!("`{key}` first set here"))
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

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// Nodes live in an arena while the tree is built, so that an alias can copy its anchor's
/// subtree (under the budget) after the subtree has been attached to its parent.
struct ArenaNode {
    range: TextRange,
    kind: ArenaKind,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Levels of collections in the subtree (a scalar is 0).
    height: usize,
}

enum ArenaKind {
    Scalar(Scalar),
    Sequence { items: Vec<usize>, flow: bool, complete: bool },
    Mapping { entries: Vec<(usize, usize)>, flow: bool, complete: bool },
    Invalid,
}

enum Frame {
    Sequence {
        start: TextRange,
        items: Vec<usize>,
        flow: bool,
        anchor: usize,
    },
    Mapping {
        start: TextRange,
        entries: Vec<(usize, usize)>,
        key: Option<usize>,
        keys: HashMap<String, TextRange>,
        flow: bool,
        anchor: usize,
    },
    /// A collection past the depth limit: its events are counted and dropped.
    Skipped {
        start: TextRange,
    },
}

struct Builder<'a> {
    text: &'a str,
    base: u32,
    arena: Vec<ArenaNode>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, usize>,
    alias_budget: &'a mut AliasBudget,
    root: Option<usize>,
    documents: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(
        text: &'a str,
        base: u32,
        alias_budget: &'a mut AliasBudget,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Builder<'a> {
        Builder {
            text,
            base,
            arena: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_budget,
            root: None,
            documents: 0,
            diagnostics,
        }
    }

    fn event(&mut self, event: Event<'_>, range: TextRange) -> Flow {
        let skipping = matches!(self.stack.last(), Some(Frame::Skipped { .. }));
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.diagnostics.push(Diagnostic::new(
                        Code::MultipleDocuments,
                        TextRange::new(range.start, range.start + 3),
                        "a second YAML document starts here and is not read: a model file holds one document; move this one into a file of its own",
                    ));
                    return Flow::Stop;
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if skipping || self.stack.len() >= MAX_NESTING_DEPTH => {
                if !skipping {
                    self.diagnostics.push(Diagnostic::new(
                        Code::LimitExceeded,
                        range,
                        format!("YAML nesting deeper than {MAX_NESTING_DEPTH} levels is not read; a threat model needs only a few"),
                    ));
                }
                self.stack.push(Frame::Skipped { start: range });
            }
            Event::SequenceEnd | Event::MappingEnd if skipping => {
                if let Some(Frame::Skipped { start }) = self.stack.pop()
                    && !matches!(self.stack.last(), Some(Frame::Skipped { .. }))
                {
                    let id = self.push(ArenaKind::Invalid, start.cover(range), 1, 0);
                    self.attach(id);
                }
            }
            _ if skipping => {}
            Event::Scalar(value, style, anchor, tag) => {
                let kind = scalar_kind(&value, style, tag.as_deref());
                let range = self.trim_end(range);
                // saphyr hands over its scanning buffer, often a hundred bytes for a one-letter
                // scalar: keep only the text (100,000 anchored scalars cost 12 MB more).
                let mut text = value.into_owned();
                text.shrink_to_fit();
                let id = self.push(ArenaKind::Scalar(Scalar { text, kind }), range, 1, 0);
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::SequenceStart(anchor, _) => {
                let flow = self.opens_flow(range);
                self.stack.push(Frame::Sequence { start: range, items: Vec::new(), flow, anchor });
            }
            Event::MappingStart(anchor, _) => {
                let flow = self.opens_flow(range);
                self.stack.push(Frame::Mapping {
                    start: range,
                    entries: Vec::new(),
                    key: None,
                    keys: HashMap::new(),
                    flow,
                    anchor,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(Some(range), true),
            Event::Alias(anchor) => self.alias(anchor, range),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Flow::Continue
    }

    /// A block scalar's span runs on over the line breaks after it to the next token; its range
    /// ends with its last character instead, so that it does not depend on the lines after it.
    fn trim_end(&self, range: TextRange) -> TextRange {
        let local = range.start.saturating_sub(self.base) as usize..range.end.saturating_sub(self.base) as usize;
        let Some(written) = self.text.get(local) else { return range };
        let trimmed = written.trim_end_matches([' ', '\t', '\n', '\r']);
        TextRange::new(range.start, range.start + to_u32(trimmed.len()))
    }

    /// Flow collections open with `[` or `{`; block ones have an empty span (or only an anchor).
    fn opens_flow(&self, range: TextRange) -> bool {
        let local = range.start.saturating_sub(self.base) as usize..range.end.saturating_sub(self.base) as usize;
        self.text.get(local).and_then(|s| s.trim_end().chars().last()).is_some_and(|c| c == '[' || c == '{')
    }

    fn push(&mut self, kind: ArenaKind, range: TextRange, size: usize, height: usize) -> usize {
        self.arena.push(ArenaNode { range, kind, size, height });
        self.arena.len() - 1
    }

    fn anchor(&mut self, anchor: usize, id: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    /// Ends the innermost open collection; `end` is the closing event's range.
    fn close(&mut self, end: Option<TextRange>, complete: bool) {
        let Some(frame) = self.stack.pop() else { return };
        let (kind, start, anchor, children): (ArenaKind, TextRange, usize, Vec<usize>) = match frame {
            Frame::Sequence { start, items, flow, anchor } => {
                let children = items.clone();
                (ArenaKind::Sequence { items, flow, complete }, start, anchor, children)
            }
            Frame::Mapping { start, mut entries, key, flow, anchor, .. } => {
                if let Some(key) = key {
                    // A key whose value was never read: keep it so its range can be reported.
                    let at = self.arena.get(key).map_or(start.end, |n| n.range.end);
                    let value = self.push(ArenaKind::Invalid, TextRange::empty(at), 1, 0);
                    entries.push((key, value));
                }
                let children = entries.iter().flat_map(|&(k, v)| [k, v]).collect();
                (ArenaKind::Mapping { entries, flow, complete }, start, anchor, children)
            }
            Frame::Skipped { .. } => return,
        };
        let flow = matches!(kind, ArenaKind::Sequence { flow: true, .. } | ArenaKind::Mapping { flow: true, .. });
        let last_child_end = children.iter().filter_map(|&c| self.arena.get(c)).map(|n| n.range.end).max();
        let end = match end {
            // The closing bracket itself (the token's span runs on over the blanks after it).
            Some(end) if flow && !end.is_empty() => end.start + 1,
            _ => last_child_end.unwrap_or(start.end),
        };
        let size = 1 + children.iter().filter_map(|&c| self.arena.get(c)).map(|n| n.size).sum::<usize>();
        let height = 1 + children.iter().filter_map(|&c| self.arena.get(c)).map(|n| n.height).max().unwrap_or(0);
        let id = self.push(kind, TextRange::new(start.start, end), size, height);
        self.anchor(anchor, id);
        self.attach(id);
    }

    fn alias(&mut self, anchor: usize, range: TextRange) {
        let Some((size, height)) =
            self.anchors.get(&anchor).and_then(|&id| self.arena.get(id)).map(|n| (n.size, n.height))
        else {
            let id = self.push(ArenaKind::Invalid, range, 1, 0);
            self.attach(id);
            return;
        };
        let source = self.anchors.get(&anchor).copied().unwrap_or(0);
        let id = if size > self.alias_budget.nodes {
            if !self.alias_budget.reported {
                self.alias_budget.reported = true;
                self.diagnostics.push(Diagnostic::new(
                    Code::LimitExceeded,
                    range,
                    format!("YAML aliases in this file expand to more than {MAX_ALIAS_NODES} nodes, so this alias and the ones after it are not expanded; write the content out or use fewer aliases"),
                ));
            }
            self.alias_budget.nodes = 0;
            self.push(ArenaKind::Invalid, range, 1, 0)
        } else if self.stack.len() + height > MAX_NESTING_DEPTH {
            self.diagnostics.push(Diagnostic::new(
                Code::LimitExceeded,
                range,
                format!("this alias would nest YAML deeper than {MAX_NESTING_DEPTH} levels, so it is not expanded"),
            ));
            self.push(ArenaKind::Invalid, range, 1, 0)
        } else {
            self.alias_budget.nodes -= size;
            self.copy(source, range)
        };
        self.attach(id);
    }

    /// Copies a subtree for an alias; every copied node points at the alias.
    fn copy(&mut self, source: usize, range: TextRange) -> usize {
        let Some(node) = self.arena.get(source) else { return self.push(ArenaKind::Invalid, range, 1, 0) };
        let (size, height) = (node.size, node.height);
        let kind = match &node.kind {
            ArenaKind::Scalar(s) => ArenaKind::Scalar(s.clone()),
            ArenaKind::Invalid => ArenaKind::Invalid,
            ArenaKind::Sequence { items, flow, complete } => {
                let (items, flow, complete) = (items.clone(), *flow, *complete);
                let items = items.into_iter().map(|i| self.copy(i, range)).collect();
                ArenaKind::Sequence { items, flow, complete }
            }
            ArenaKind::Mapping { entries, flow, complete } => {
                let (entries, flow, complete) = (entries.clone(), *flow, *complete);
                let entries = entries.into_iter().map(|(k, v)| (self.copy(k, range), self.copy(v, range))).collect();
                ArenaKind::Mapping { entries, flow, complete }
            }
        };
        self.push(kind, range, size, height)
    }

    /// Hangs a finished node on the innermost open collection, or makes it the root.
    fn attach(&mut self, id: usize) {
        let key_range = |arena: &[ArenaNode], id: usize| arena.get(id).map(|n| n.range).unwrap_or_default();
        let key_text = |arena: &[ArenaNode], id: usize| match arena.get(id).map(|n| &n.kind) {
            Some(ArenaKind::Scalar(s)) => Some(s.text.clone()),
            _ => None,
        };
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(id);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(id),
            Some(Frame::Mapping { entries, key, keys, .. }) => match key.take() {
                None => *key = Some(id),
                Some(k) => {
                    let text = key_text(&self.arena, k);
                    let first = text.as_ref().and_then(|t| keys.get(t).copied());
                    match (text, first) {
                        (Some(text), Some(first)) => {
                            let d = duplicate_key(&text, key_range(&self.arena, k), first);
                            self.diagnostics.push(d);
                        }
                        (text, _) => {
                            if let Some(text) = text {
                                keys.insert(text, key_range(&self.arena, k));
                            }
                            entries.push((k, id));
                        }
                    }
                }
            },
            Some(Frame::Skipped { .. }) => {}
        }
    }

    /// Closes what a syntax error left open and turns the arena into the tree.
    fn finish(mut self) -> Option<Node> {
        while !self.stack.is_empty() {
            self.close(None, false);
        }
        let root = self.root?;
        Some(self.take(root))
    }

    fn take(&mut self, id: usize) -> Node {
        let Some(node) = self.arena.get_mut(id) else {
            return Node { value: Value::Invalid, range: TextRange::default() };
        };
        let range = node.range;
        let kind = std::mem::replace(&mut node.kind, ArenaKind::Invalid);
        let value = match kind {
            ArenaKind::Scalar(s) => Value::Scalar(s),
            ArenaKind::Invalid => Value::Invalid,
            ArenaKind::Sequence { items, flow, complete } => {
                Value::Sequence(Sequence { items: items.into_iter().map(|i| self.take(i)).collect(), flow, complete })
            }
            ArenaKind::Mapping { entries, flow, complete } => Value::Mapping(Mapping {
                entries: entries.into_iter().map(|(k, v)| Entry { key: self.take(k), value: self.take(v) }).collect(),
                flow,
                complete,
            }),
        };
        Node { value, range }
    }
}

fn scalar_kind(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> ScalarKind {
    if tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str") {
        return ScalarKind::Str;
    }
    match style {
        ScalarStyle::Plain => ScalarKind::of_plain(value),
        _ => ScalarKind::Str,
    }
}
