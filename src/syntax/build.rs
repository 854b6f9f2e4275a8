//! The span tree built from saphyr's events, in place: each open collection holds its finished
//! children, and a closed one moves into its parent. Nothing is built twice.
//!
//! An alias copies its anchor's subtree, which by then sits somewhere in the tree. Instead of
//! keeping every node in an arena (an arena and the tree it becomes cost three times the tree),
//! an anchor records where its node was put: a slot of a collection, numbered as collections
//! open. A collection that holds an anchored node records, when it closes, where it was put in
//! turn; an alias follows that chain up to a collection still open (or the root) and walks back
//! down. Entries left out of the tree (a duplicate key's) are set aside when they hold anchors,
//! since an alias may still name them.

use std::collections::HashMap;

use saphyr_parser::{Event, ScalarStyle, Tag};

use super::line_index::to_u32;
use super::tree::{Entry, Mapping, Node, Scalar, Sequence, Value};
use super::{ScalarKind, TextRange};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_ALIAS_NODES, MAX_NESTING_DEPTH};

/// How many more nodes alias expansion may add to the file, and whether running out was said.
pub(super) struct AliasBudget {
    pub nodes: usize,
    pub reported: bool,
}

#[derive(PartialEq, Eq)]
pub(super) enum Flow {
    Continue,
    Stop,
}

/// A child's position in a collection.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Item(u32),
    Key(u32),
    Value(u32),
}

/// Where a finished node was put.
#[derive(Clone, Copy)]
enum Place {
    /// In the collection with this serial number (the order in which collections opened).
    In(u32, Slot),
    Root,
    /// Left out of the tree, kept for aliases: `Builder::aside`.
    Aside(u32),
}

/// A node with an anchor: where it is, and what a copy of it costs.
#[derive(Clone, Copy)]
struct Anchored {
    place: Place,
    /// Nodes in the subtree, itself included.
    size: u32,
    /// Levels of collections in the subtree (a scalar is 0).
    height: u32,
}

/// A finished node on its way into its parent.
struct Finished {
    node: Node,
    meta: Meta,
}

/// What a parent adds up of a child, and what must be recorded of where it goes.
#[derive(Clone, Copy)]
struct Meta {
    /// Nodes in the subtree, itself included.
    size: u32,
    /// Levels of collections in the subtree (a scalar is 0).
    height: u32,
    /// Saphyr's id of the node's anchor; 0 for none.
    anchor: usize,
    /// The serial number of a collection that holds an anchored node: where it is put must be
    /// known to find that node.
    holder: Option<u32>,
}

impl Meta {
    const LEAF: Meta = Meta { size: 1, height: 0, anchor: 0, holder: None };

    fn holds_anchor(&self) -> bool {
        self.anchor != 0 || self.holder.is_some()
    }
}

/// What every open collection keeps besides its children.
struct Open {
    start: TextRange,
    flow: bool,
    anchor: usize,
    serial: u32,
    /// Nodes and levels of the children so far.
    size: u32,
    height: u32,
    holds_anchor: bool,
}

impl Open {
    fn add(&mut self, child: Meta) {
        self.size = self.size.saturating_add(child.size);
        self.height = self.height.max(child.height);
        self.holds_anchor |= child.holds_anchor();
    }
}

enum Frame {
    Sequence {
        open: Open,
        items: Vec<Node>,
    },
    Mapping {
        open: Open,
        entries: Vec<Entry>,
        /// A key waiting for its value.
        key: Option<Finished>,
        keys: HashMap<String, TextRange>,
    },
}

/// Collections past the depth limit: their events are counted and dropped, and the outermost
/// becomes one invalid node.
struct Skipped {
    start: TextRange,
    depth: usize,
}

impl Frame {
    fn child(&self, slot: Slot) -> Option<&Node> {
        match (self, slot) {
            (Frame::Sequence { items, .. }, Slot::Item(i)) => items.get(i as usize),
            (Frame::Mapping { entries, key, .. }, Slot::Key(i)) => match entries.get(i as usize) {
                Some(entry) => Some(&entry.key),
                None => key.as_ref().map(|k| &k.node).filter(|_| i as usize == entries.len()),
            },
            (Frame::Mapping { entries, .. }, Slot::Value(i)) => entries.get(i as usize).map(|e| &e.value),
            _ => None,
        }
    }

    fn serial(&self) -> u32 {
        match self {
            Frame::Sequence { open, .. } | Frame::Mapping { open, .. } => open.serial,
        }
    }
}

fn child(node: &Node, slot: Slot) -> Option<&Node> {
    match (&node.value, slot) {
        (Value::Sequence(s), Slot::Item(i)) => s.items.get(i as usize),
        (Value::Mapping(m), Slot::Key(i)) => m.entries.get(i as usize).map(|e| &e.key),
        (Value::Mapping(m), Slot::Value(i)) => m.entries.get(i as usize).map(|e| &e.value),
        _ => None,
    }
}

/// Gives a copied subtree the alias's range, which is where its content appears in the file.
fn relocate(node: &mut Node, range: TextRange) {
    node.each_range_mut(&mut |r| *r = range);
}

pub(super) struct Builder<'a> {
    text: &'a str,
    base: u32,
    stack: Vec<Frame>,
    /// Collections past the depth limit, being read past.
    skipped: Option<Skipped>,
    /// By anchor id less one (saphyr numbers anchors from 1, in order).
    anchors: Vec<Option<Anchored>>,
    /// Where each closed collection that holds an anchored node was put, by serial number.
    placements: HashMap<u32, Place>,
    /// Nodes with anchors that were left out of the tree (duplicate keys and their values).
    aside: Vec<Node>,
    serials: u32,
    alias_budget: &'a mut AliasBudget,
    root: Option<Node>,
    documents: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        text: &'a str,
        base: u32,
        alias_budget: &'a mut AliasBudget,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Builder<'a> {
        Builder {
            text,
            base,
            stack: Vec::new(),
            skipped: None,
            anchors: Vec::new(),
            placements: HashMap::new(),
            aside: Vec::new(),
            serials: 0,
            alias_budget,
            root: None,
            documents: 0,
            diagnostics,
        }
    }

    pub(super) fn event(&mut self, event: Event<'_>, range: TextRange) -> Flow {
        let skipping = self.skipped.is_some();
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
                let skipped = self.skipped.get_or_insert(Skipped { start: range, depth: 0 });
                skipped.depth += 1;
            }
            Event::SequenceEnd | Event::MappingEnd if skipping => {
                if let Some(skipped) = &mut self.skipped {
                    skipped.depth -= 1;
                    if skipped.depth == 0 {
                        let start = skipped.start;
                        self.skipped = None;
                        self.attach(invalid(start.cover(range)));
                    }
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
                let node = Node { value: Value::Scalar(Scalar { text, kind }), range };
                self.attach(Finished { node, meta: Meta { anchor, ..Meta::LEAF } });
            }
            Event::SequenceStart(anchor, _) => {
                let open = self.open(range, anchor);
                self.stack.push(Frame::Sequence { open, items: Vec::new() });
            }
            Event::MappingStart(anchor, _) => {
                let open = self.open(range, anchor);
                self.stack.push(Frame::Mapping { open, entries: Vec::new(), key: None, keys: HashMap::new() });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(Some(range), true),
            Event::Alias(anchor) => self.alias(anchor, range),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Flow::Continue
    }

    fn open(&mut self, start: TextRange, anchor: usize) -> Open {
        self.serials = self.serials.wrapping_add(1);
        let flow = self.opens_flow(start);
        Open { start, flow, anchor, serial: self.serials, size: 0, height: 0, holds_anchor: false }
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

    /// Ends the innermost open collection; `end` is the closing event's range.
    fn close(&mut self, end: Option<TextRange>, complete: bool) {
        let Some(frame) = self.stack.pop() else { return };
        let (value, open, last_child_end) = match frame {
            Frame::Sequence { open, items } => {
                let last = items.iter().map(|n| n.range.end).max();
                (Value::Sequence(Sequence { items, flow: open.flow, complete }), open, last)
            }
            Frame::Mapping { mut open, mut entries, key, .. } => {
                if let Some(key) = key {
                    // A key whose value was never read: keep it so its range can be reported.
                    let value = invalid(TextRange::empty(key.node.range.end));
                    open.add(key.meta);
                    open.add(value.meta);
                    entries.push(Entry { key: key.node, value: value.node });
                }
                let last = entries.iter().map(|e| e.key.range.end.max(e.value.range.end)).max();
                (Value::Mapping(Mapping { entries, flow: open.flow, complete }), open, last)
            }
        };
        let end = match end {
            // The closing bracket itself (the token's span runs on over the blanks after it).
            Some(end) if open.flow && !end.is_empty() => end.start + 1,
            _ => last_child_end.unwrap_or(open.start.end),
        };
        let node = Node { value, range: TextRange::new(open.start.start, end) };
        let meta = Meta {
            size: open.size.saturating_add(1),
            height: open.height + 1,
            anchor: open.anchor,
            holder: open.holds_anchor.then_some(open.serial),
        };
        self.attach(Finished { node, meta });
    }

    /// Records that a node was put at `place`, for the aliases that name its anchor or one
    /// below it.
    fn placed(&mut self, meta: Meta, place: Place) {
        if let Some(serial) = meta.holder {
            self.placements.insert(serial, place);
        }
        let Some(index) = meta.anchor.checked_sub(1) else { return };
        let Meta { size, height, .. } = meta;
        if self.anchors.len() <= index {
            self.anchors.resize(index + 1, None);
        }
        if let Some(slot) = self.anchors.get_mut(index) {
            *slot = Some(Anchored { place, size, height });
        }
    }

    fn alias(&mut self, anchor: usize, range: TextRange) {
        let found = anchor.checked_sub(1).and_then(|i| self.anchors.get(i).copied().flatten());
        let Some(Anchored { place, size, height }) = found else {
            self.attach(invalid(range));
            return;
        };
        let finished = if size as usize > self.alias_budget.nodes {
            if !self.alias_budget.reported {
                self.alias_budget.reported = true;
                self.diagnostics.push(Diagnostic::new(
                    Code::LimitExceeded,
                    range,
                    format!("YAML aliases in this file expand to more than {MAX_ALIAS_NODES} nodes, so this alias and the ones after it are not expanded; write the content out or use fewer aliases"),
                ));
            }
            self.alias_budget.nodes = 0;
            invalid(range)
        } else if self.stack.len() + height as usize > MAX_NESTING_DEPTH {
            self.diagnostics.push(Diagnostic::new(
                Code::LimitExceeded,
                range,
                format!("this alias would nest YAML deeper than {MAX_NESTING_DEPTH} levels, so it is not expanded"),
            ));
            invalid(range)
        } else {
            self.alias_budget.nodes -= size as usize;
            match self.find(place).cloned() {
                Some(mut node) => {
                    relocate(&mut node, range);
                    Finished { node, meta: Meta { size, height, ..Meta::LEAF } }
                }
                None => invalid(range),
            }
        };
        self.attach(finished);
    }

    /// The node at `place`: up the chain of closed collections to one still open (or the root,
    /// or a node set aside), then down again.
    fn find(&self, mut place: Place) -> Option<&Node> {
        let mut path = Vec::new();
        let mut node = loop {
            match place {
                Place::Root => break self.root.as_ref()?,
                Place::Aside(i) => break self.aside.get(i as usize)?,
                Place::In(serial, slot) => {
                    if let Some(frame) = self.stack.iter().find(|f| f.serial() == serial) {
                        break frame.child(slot)?;
                    }
                    path.push(slot);
                    place = *self.placements.get(&serial)?;
                }
            }
        };
        for &slot in path.iter().rev() {
            node = child(node, slot)?;
        }
        Some(node)
    }

    /// Hangs a finished node on the innermost open collection, or makes it the root.
    fn attach(&mut self, finished: Finished) {
        let meta = finished.meta;
        if let Some(place) = self.put(finished) {
            self.placed(meta, place);
        }
    }

    /// Where [`Builder::attach`] puts a node, or `None` when it is left out and holds no anchor.
    fn put(&mut self, finished: Finished) -> Option<Place> {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(finished.node);
                return Some(Place::Root);
            }
            return self.set_aside(finished);
        };
        match frame {
            Frame::Sequence { open, items } => {
                open.add(finished.meta);
                let slot = Slot::Item(to_u32(items.len()));
                items.push(finished.node);
                Some(Place::In(open.serial, slot))
            }
            Frame::Mapping { open, entries, key, keys } => {
                let index = to_u32(entries.len());
                let Some(k) = key.take() else {
                    *key = Some(finished);
                    return Some(Place::In(open.serial, Slot::Key(index)));
                };
                let text = k.node.as_scalar().map(|s| s.text.as_str());
                match text.and_then(|t| keys.get(t).map(|first| (t, *first))) {
                    Some((text, first)) => {
                        let d = duplicate_key(text, k.node.range, first);
                        self.diagnostics.push(d);
                        // The key's anchors were recorded in the mapping: they move with it.
                        let meta = k.meta;
                        if let Some(place) = self.set_aside(k) {
                            self.placed(meta, place);
                        }
                        self.set_aside(finished)
                    }
                    None => {
                        if let Some(text) = text {
                            keys.insert(text.to_owned(), k.node.range);
                        }
                        open.add(k.meta);
                        open.add(finished.meta);
                        entries.push(Entry { key: k.node, value: finished.node });
                        Some(Place::In(open.serial, Slot::Value(index)))
                    }
                }
            }
        }
    }

    fn set_aside(&mut self, finished: Finished) -> Option<Place> {
        if !finished.meta.holds_anchor() {
            return None;
        }
        self.aside.push(finished.node);
        Some(Place::Aside(to_u32(self.aside.len() - 1)))
    }

    /// Closes what a syntax error left open and hands over the tree.
    pub(super) fn finish(mut self) -> Option<Node> {
        while !self.stack.is_empty() {
            self.close(None, false);
        }
        self.root
    }
}

fn invalid(range: TextRange) -> Finished {
    Finished { node: Node { value: Value::Invalid, range }, meta: Meta::LEAF }
}

pub(super) fn duplicate_key(key: &str, at: TextRange, first: TextRange) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateKey,
        at,
        format!("duplicate key `{key}`: YAML keys must be unique in a mapping, and this one is ignored; remove it or merge it into the first"),
    )
    .with_related("", first, format!("`{key}` first set here"))
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
