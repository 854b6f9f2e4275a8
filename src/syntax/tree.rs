//! The span tree: YAML values, each with the byte range it came from.

use super::{ScalarKind, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Sequence(Sequence),
    Mapping(Mapping),
    /// Content that was not read: past a limit, or cut off by a syntax error.
    Invalid,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The value after YAML's unquoting, escapes and folding.
    pub text: String,
    /// Its type under the YAML 1.2 core schema (`no` is a string, `~` is null).
    pub kind: ScalarKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    pub items: Vec<Node>,
    /// `[a, b]` rather than `- a` lines.
    pub flow: bool,
    /// False when a syntax error cut the sequence short.
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    /// In source order; a duplicate key is reported and left out, so keys are unique.
    pub entries: Vec<Entry>,
    pub flow: bool,
    /// False when a syntax error cut the mapping short: its missing keys may exist in the file.
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    /// The key's text when it is a scalar (the only kind of key the format uses).
    pub fn key_text(&self) -> Option<&str> {
        self.key.as_scalar().map(|s| s.text.as_str())
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&Sequence> {
        match &self.value {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(Scalar { kind: ScalarKind::Null, .. }))
    }

    /// A short name of what the node holds, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.value {
            Value::Scalar(s) => s.kind.describe(),
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
            Value::Invalid => "unreadable content",
        }
    }

    /// Calls `f` on the range of this node and of every node under it.
    pub(super) fn each_range_mut(&mut self, f: &mut impl FnMut(&mut TextRange)) {
        f(&mut self.range);
        match &mut self.value {
            Value::Sequence(s) => s.items.iter_mut().for_each(|n| n.each_range_mut(f)),
            Value::Mapping(m) => m.entries.iter_mut().for_each(|e| {
                e.key.each_range_mut(f);
                e.value.each_range_mut(f);
            }),
            Value::Scalar(_) | Value::Invalid => {}
        }
    }

    /// Drops every item and entry that starts at or after `offset` (recovery re-reads them).
    pub(super) fn truncate_from(&mut self, offset: u32) {
        match &mut self.value {
            Value::Sequence(s) => {
                s.items.retain(|n| n.range.start < offset);
                s.items.iter_mut().for_each(|n| n.truncate_from(offset));
            }
            Value::Mapping(m) => {
                m.entries.retain(|e| e.key.range.start < offset);
                m.entries.iter_mut().for_each(|e| e.value.truncate_from(offset));
            }
            Value::Scalar(_) | Value::Invalid => {}
        }
    }
}

impl Mapping {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key_text() == Some(key))
    }
}
