//! Incremental reparsing: after an edit inside the items of a top-level block list (a threat,
//! an asset ...), only those items are read again and spliced into the old tree.
//!
//! A model of thousands of threats takes tens of milliseconds to read in full; an editor sends
//! an edit per keystroke. The result must be exactly what [`parse_yaml`](super::parse_yaml)
//! gives for the new text, so the fast path is taken only where that is certain, and everything
//! else (an edit outside list items, text that no longer parses, anchors and aliases, document
//! markers, directives) falls back to a full read. A differential test holds the two equal.

use super::line_index::to_u32;
use super::parse::{is_item_line, item_line_at, parse_chunk_clean};
use super::tree::{Node, Value};
use super::{ParsedYaml, Shift, TextRange};
use crate::limits::MAX_NESTING_DEPTH;

/// What was read again, for layers that keep facts per item (the lowered model).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    /// The top-level key whose list was edited.
    pub section: String,
    /// The replaced text in the old file: whole lines, from the first edited item's `-` line
    /// to the start of the line after the last.
    pub old: TextRange,
    /// The same lines in the new file.
    pub new: TextRange,
    /// The new items' places in the list.
    pub items: std::ops::Range<usize>,
}

/// The new tree, and what changed; or, where the fast path does not apply, the old tree back
/// untouched, for the caller to read the new text in full.
pub fn reparse(mut old: Node, old_text: &str, new_text: &str) -> Result<(ParsedYaml, Splice), Node> {
    let Some(plan) = plan(&old, old_text, new_text) else { return Err(old) };
    let Some(chunk) = read_window(new_text, plan.new, plan.indent) else { return Err(old) };
    let Ok(delta) = i64::try_from(new_text.len()).map(|n| n - i64::try_from(old_text.len()).unwrap_or(i64::MAX)) else {
        return Err(old);
    };
    let Value::Mapping(root) = &mut old.value else { return Err(old) };
    let Some(entry) = root.entries.get_mut(plan.entry) else { return Err(old) };
    let section = entry.key_text().unwrap_or_default().to_owned();
    let Value::Sequence(list) = &mut entry.value.value else { return Err(old) };
    let kept = list.items.len() - plan.items.len();
    if kept + chunk.len() == 0 {
        // The list is now empty: `key:` with nothing under it is a null, not a list.
        return Err(old);
    }
    list.items.splice(plan.items.clone(), std::iter::empty());
    old.shift_from(plan.old.end, delta);
    let Value::Mapping(root) = &mut old.value else { return Err(old) };
    let Some(entry) = root.entries.get_mut(plan.entry) else { return Err(old) };
    let Value::Sequence(list) = &mut entry.value.value else { return Err(old) };
    let inserted = plan.items.start..plan.items.start + chunk.len();
    list.items.splice(plan.items.start..plan.items.start, chunk);
    // Block collections end where their last child ends; the list starts at its first `-`.
    if plan.items.start == 0
        && let Some(first) = list.items.first().map(|n| line_dash(new_text, n.range.start, plan.indent))
    {
        entry.value.range.start = first;
    }
    entry.value.range.end = children_end(&entry.value).unwrap_or(entry.value.range.end);
    old.range.end = children_end(&old).unwrap_or(old.range.end);
    let splice = Splice { section, old: plan.old, new: plan.new, items: inserted };
    Ok((ParsedYaml { root: Some(old), diagnostics: Vec::new() }, splice))
}

/// Where the edit is and which items it touches.
struct Plan {
    /// The top-level entry whose list holds the edited items.
    entry: usize,
    indent: u32,
    items: std::ops::Range<usize>,
    old: TextRange,
    new: TextRange,
}

fn plan(old: &Node, old_text: &str, new_text: &str) -> Option<Plan> {
    let root = old.as_mapping().filter(|m| !m.flow && m.complete)?;
    let (changed_from, old_changed_to, new_changed_to) = changed(old_text, new_text)?;
    // The top-level entry whose value runs over the edit: a block list.
    let entry = root.entries.iter().rposition(|e| e.key.range.start <= changed_from)?;
    let list_node = &root.entries.get(entry)?.value;
    let list = list_node.as_sequence().filter(|s| !s.flow && s.complete && !s.items.is_empty())?;
    let indent = column(old_text, list_node.range.start);
    let first_line = item_line_at(old_text, indent, list_node.range.start)?;
    // The window: from the item line at or before the edit to the next item or top-level line
    // at or after its end.
    let start = item_line_at(old_text, indent, changed_from)?;
    if start < first_line {
        return None;
    }
    let boundary = next_boundary(old_text, indent, old_changed_to.max(start + 1));
    // The window ends where the next token starts (the next item's `-`), as the end of the text
    // does when the window is read alone: what YAML reads at "the next token" (an empty value's
    // place, say) is then the same in both.
    let end = if is_item_line(old_text, indent, boundary) { boundary + indent } else { boundary };
    let items = item_range(&list.items, start, end);
    if items.is_empty() || !lines_match_items(old_text, indent, start, boundary, items.len()) {
        return None;
    }
    let delta = i64::try_from(new_text.len()).ok()? - i64::try_from(old_text.len()).ok()?;
    let new_end = u32::try_from(i64::from(end) + delta).ok()?;
    let new_boundary = u32::try_from(i64::from(boundary) + delta).ok()?;
    if new_boundary < new_changed_to || new_boundary < start {
        return None;
    }
    // The line after the window must still start a line in the new text.
    let before = new_text.as_bytes().get((new_boundary as usize).checked_sub(1)?).copied();
    if (new_boundary as usize) < new_text.len() && !matches!(before, Some(b'\n' | b'\r')) {
        return None;
    }
    let (old_window, new_window) = (TextRange::new(start, end), TextRange::new(start, new_end));
    // Anchors and aliases tie items to each other; document markers and directives change how
    // everything after them is read.
    let tied = |text: &str, r: TextRange| {
        text.get(r.as_usize()).is_none_or(|w| w.contains(['&', '*']) || has_line_starting(w, &["---", "...", "%"]))
    };
    if tied(old_text, old_window) || tied(new_text, new_window) {
        return None;
    }
    Some(Plan { entry, indent, items, old: old_window, new: new_window })
}

/// The first byte where the texts differ, and where the difference ends in each.
fn changed(old: &str, new: &str) -> Option<(u32, u32, u32)> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = common_prefix(a, b);
    if prefix == a.len() && prefix == b.len() {
        return None;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = common_suffix(a.get(prefix..)?, b.get(prefix..)?).min(max_suffix);
    Some((to_u32(prefix), to_u32(a.len() - suffix), to_u32(b.len() - suffix)))
}

/// Compared a block at a time (slice equality is a `memcmp`), then byte by byte in the block
/// that differs: a megabyte is compared in tens of microseconds.
const BLOCK: usize = 256;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    while let (Some(x), Some(y)) = (a.get(n..n + BLOCK), b.get(n..n + BLOCK)) {
        if x != y {
            break;
        }
        n += BLOCK;
    }
    n + a.iter().skip(n).zip(b.iter().skip(n)).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    while n + BLOCK <= a.len().min(b.len()) {
        if a.get(a.len() - n - BLOCK..a.len() - n) != b.get(b.len() - n - BLOCK..b.len() - n) {
            break;
        }
        n += BLOCK;
    }
    n + a.iter().rev().skip(n).zip(b.iter().rev().skip(n)).take_while(|(x, y)| x == y).count()
}

/// Reads the new window's lines on their own: `Some(items)` when they read cleanly as items of
/// a block list (or as nothing but blanks and comments).
fn read_window(text: &str, window: TextRange, indent: u32) -> Option<Vec<Node>> {
    let window_text = text.get(window.as_usize())?;
    let root = parse_chunk_clean(window_text, window.start)?;
    let Some(root) = root else { return Some(Vec::new()) };
    // Items at another indentation than their neighbours' are a syntax error in the file.
    if column(text, root.range.start) != indent {
        return None;
    }
    let Value::Sequence(list) = root.value else { return None };
    // Read on its own, the list sits two levels higher than in the file.
    if list.flow || root_depth(&list.items) + 2 >= MAX_NESTING_DEPTH {
        return None;
    }
    // saphyr places an empty block scalar (`key: |` with no lines) at the next token when one
    // follows and at its indicator at the end of the text, so its range depends on the window.
    if list.items.iter().any(|n| has_empty_block_scalar(n, text)) {
        return None;
    }
    Some(list.items)
}

fn has_empty_block_scalar(node: &Node, text: &str) -> bool {
    match &node.value {
        Value::Scalar(s) => {
            s.text.is_empty() && matches!(text.as_bytes().get(node.range.start as usize), Some(b'|' | b'>'))
        }
        Value::Sequence(s) => s.items.iter().any(|n| has_empty_block_scalar(n, text)),
        Value::Mapping(m) => {
            m.entries.iter().any(|e| has_empty_block_scalar(&e.key, text) || has_empty_block_scalar(&e.value, text))
        }
        Value::Invalid => false,
    }
}

fn root_depth(items: &[Node]) -> usize {
    fn depth(node: &Node) -> usize {
        match &node.value {
            Value::Sequence(s) => 1 + s.items.iter().map(depth).max().unwrap_or(0),
            Value::Mapping(m) => 1 + m.entries.iter().map(|e| depth(&e.key).max(depth(&e.value))).max().unwrap_or(0),
            Value::Scalar(_) | Value::Invalid => 0,
        }
    }
    1 + items.iter().map(depth).max().unwrap_or(0)
}

/// The items whose node starts inside `start..end`.
fn item_range(items: &[Node], start: u32, end: u32) -> std::ops::Range<usize> {
    let first = items.partition_point(|n| n.range.start < start);
    let last = items.partition_point(|n| n.range.start < end);
    first..last.max(first)
}

/// The window's lines are items of the list and nothing else: no top-level key among them, and
/// every item line stands for one item (an item written on several `-` lines would not).
fn lines_match_items(text: &str, indent: u32, start: u32, end: u32, items: usize) -> bool {
    let mut at = start;
    let mut lines = 0;
    while at < end {
        if is_top_level_line(text, at) {
            return false;
        }
        if is_item_line(text, indent, at) {
            lines += 1;
        }
        let Some(next) = text.get(at as usize..).and_then(|rest| rest.find(['\n', '\r'])) else { break };
        let next = at as usize + next;
        let skip = if text.get(next..next + 2) == Some("\r\n") { 2 } else { 1 };
        at = to_u32(next + skip);
    }
    lines == items
}

/// The start of the first line at or after `from` that begins an item of the list or a
/// top-level key (or the end of the text).
fn next_boundary(text: &str, indent: u32, from: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = from as usize;
    // From the start of the line after `from`, unless `from` is a line start itself.
    if at > 0 && !matches!(bytes.get(at - 1), Some(b'\n' | b'\r')) {
        match text.get(at..).and_then(|rest| rest.find(['\n', '\r'])) {
            Some(i) => at += i + if text.get(at + i..at + i + 2) == Some("\r\n") { 2 } else { 1 },
            None => return to_u32(text.len()),
        }
    }
    while at < text.len() {
        let line = text.get(at..).unwrap_or("");
        if is_top_level_line(text, to_u32(at)) || is_item_line(text, indent, to_u32(at)) {
            return to_u32(at);
        }
        match line.find(['\n', '\r']) {
            Some(i) => at += i + if line.get(i..i + 2) == Some("\r\n") { 2 } else { 1 },
            None => break,
        }
    }
    to_u32(text.len())
}

/// A line that may start a top-level key: not indented, not a comment, not an item.
fn is_top_level_line(text: &str, at: u32) -> bool {
    let first = text.as_bytes().get(at as usize).copied();
    !matches!(first, None | Some(b' ' | b'\t' | b'#' | b'-' | b'\n' | b'\r'))
}

fn has_line_starting(text: &str, prefixes: &[&str]) -> bool {
    let starts_line = |i: usize| i == 0 || matches!(text.as_bytes().get(i - 1), Some(b'\n' | b'\r'));
    prefixes.iter().any(|p| text.match_indices(p).any(|(i, _)| starts_line(i)))
}

fn column(text: &str, offset: u32) -> u32 {
    let before = text.get(..offset as usize).unwrap_or("");
    offset - to_u32(before.rfind(['\n', '\r']).map_or(0, |i| i + 1))
}

/// The offset of the `-` on the item line holding `offset`.
fn line_dash(text: &str, offset: u32, indent: u32) -> u32 {
    item_line_at(text, indent, offset).map_or(offset, |line| line + indent)
}

fn children_end(node: &Node) -> Option<u32> {
    match &node.value {
        Value::Sequence(s) => s.items.iter().map(|n| n.range.end).max(),
        Value::Mapping(m) => m.entries.iter().map(|e| e.value.range.end.max(e.key.range.end)).max(),
        Value::Scalar(_) | Value::Invalid => None,
    }
}
