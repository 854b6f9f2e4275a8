//! Where the cursor stands in a model file, read from the text around it rather than from the
//! parsed tree, so that it works on the half-typed YAML an editor holds while someone types.
//!
//! Block structure comes from indentation (a key line's parents are the lines above it with
//! less indentation), flow structure (`{ id: x, class: ` or `affects: [a, `) from the brackets
//! open on the cursor's line.

use crate::model::schema::{self, Field, Shape, Ty};
use crate::syntax::TextRange;

/// One step of the path from the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Item,
}

/// What the cursor is writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A key of the mapping at `path`.
    Key,
    /// The value of `key` in the mapping at `path`.
    Value(String),
    /// An entry of the list under `key` (`affects: [a, |` or `- |` below it).
    ListEntry(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlPosition {
    pub path: Vec<Seg>,
    pub slot: Slot,
    /// The word being typed, and its range (a completion replaces it).
    pub prefix: String,
    pub replace: TextRange,
    /// Keys already written in the mapping the cursor is in.
    pub siblings: Vec<String>,
    /// The column of the keys of that mapping.
    pub key_column: usize,
    /// The cursor is on a `- ` line of its own (a new list item).
    pub on_dash: bool,
    /// Inside `{ }` or `[ ]`.
    pub in_flow: bool,
}

/// What a position means under the format's schema.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Meaning {
    /// Writing a key of this shape.
    Key(&'static Shape),
    /// Writing a new item of a list of this shape (an element of a section).
    NewItem(&'static Shape),
    /// Writing the value of this field.
    Value(&'static Field),
    /// Writing an entry of this list field.
    ListEntry(&'static Field),
}

impl YamlPosition {
    /// What the position means under the schema, if the path is one the format has.
    pub(crate) fn meaning(&self) -> Option<Meaning> {
        let mut shape: &'static Shape = &schema::MODEL;
        let mut list_of: Option<&'static Field> = None;
        for seg in &self.path {
            match (seg, list_of) {
                (Seg::Key(key), None) => {
                    let field = shape.field(key)?;
                    match field.ty {
                        Ty::Object(inner) => shape = inner,
                        Ty::List(_)
                        | Ty::Refs(_)
                        | Ty::ExtRefs
                        | Ty::Paths
                        | Ty::Classes
                        | Ty::Cited { list: true, .. } => list_of = Some(field),
                        _ => return None,
                    }
                }
                (Seg::Item, Some(field)) => match field.ty {
                    Ty::List(inner) => {
                        shape = inner;
                        list_of = None;
                    }
                    _ => return Some(Meaning::ListEntry(field)),
                },
                _ => return None,
            }
        }
        if let Some(field) = list_of {
            return match (&self.slot, field.ty) {
                (Slot::Key, Ty::List(inner)) => Some(Meaning::NewItem(inner)),
                (Slot::Key, _) => Some(Meaning::ListEntry(field)),
                _ => None,
            };
        }
        match &self.slot {
            Slot::Key => Some(Meaning::Key(shape)),
            Slot::Value(key) => {
                let field = shape.field(key)?;
                Some(match field.ty {
                    Ty::List(inner) if self.on_dash || self.prefix.is_empty() => Meaning::NewItem(inner),
                    _ => Meaning::Value(field),
                })
            }
            Slot::ListEntry(key) => Some(Meaning::ListEntry(shape.field(key)?)),
        }
    }
}

struct Line<'a> {
    text: &'a str,
    indent: usize,
}

impl<'a> Line<'a> {
    fn new(text: &'a str) -> Line<'a> {
        Line { text, indent: text.len() - text.trim_start_matches(' ').len() }
    }

    fn content(&self) -> &'a str {
        self.text.get(self.indent..).unwrap_or("")
    }

    /// Blank, or only a comment.
    fn is_empty(&self) -> bool {
        let c = self.content().trim();
        c.is_empty() || c.starts_with('#')
    }

    fn dash(&self) -> Option<&'a str> {
        let c = self.content();
        if c == "-" { Some("") } else { c.strip_prefix("- ") }
    }

    /// `key:` (with nothing after but a comment) opening a nested block.
    fn opening_key(text: &str) -> Option<&str> {
        let text = strip_comment(text).trim_end();
        let key = text.strip_suffix(':')?;
        (!key.is_empty() && !key.contains(": ")).then(|| unquote(key.trim()))
    }

    /// The key of a `key: value` or `key:` line.
    fn key(text: &str) -> Option<&str> {
        let text = strip_comment(text);
        let (key, _) = text.split_once(':')?;
        let key = key.trim();
        (!key.is_empty() && !key.contains(['{', '[', '"']) || key.starts_with('"')).then(|| unquote(key))
    }
}

fn strip_comment(text: &str) -> &str {
    match text.find(" #") {
        Some(i) => text.get(..i).unwrap_or(text),
        None if text.starts_with('#') => "",
        None => text,
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// The position at `offset` in `text`.
pub(crate) fn position(text: &str, offset: u32) -> YamlPosition {
    let offset = (offset as usize).min(text.len());
    let offset = (0..=offset).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let line_start = text.get(..offset).and_then(|t| t.rfind(['\n', '\r'])).map_or(0, |i| i + 1);
    let line_end = text.get(offset..).and_then(|t| t.find(['\n', '\r'])).map_or(text.len(), |i| offset + i);
    let before = text.get(line_start..offset).unwrap_or("");
    let line = Line::new(text.get(line_start..line_end).unwrap_or(""));
    let indent = before.len() - before.trim_start_matches(' ').len();
    let here = Line { text: before, indent };

    let (rest, key_column, on_dash) = match here.dash() {
        Some(after) => {
            let spaces = after.len() - after.trim_start().len();
            (after.trim_start(), indent + 2 + spaces, true)
        }
        None => (here.content(), indent, false),
    };
    let rest_start = offset - rest.len();

    let mut pos = YamlPosition {
        path: Vec::new(),
        slot: Slot::Key,
        prefix: String::new(),
        replace: TextRange::empty(to_u32(offset)),
        siblings: Vec::new(),
        key_column,
        on_dash,
        in_flow: false,
    };
    let mut flow_path: Vec<Seg> = Vec::new();
    match innermost_bracket(rest) {
        Some((open, at)) => {
            pos.in_flow = true;
            let inside = rest.get(at + 1..).unwrap_or("");
            let segment_start = inside.rfind(',').map_or(0, |i| i + 1);
            let segment = inside.get(segment_start..).unwrap_or("");
            let segment_offset = rest_start + at + 1 + segment_start;
            let outer = rest.get(..at).unwrap_or("");
            if open == '[' {
                // The list belongs to the key written before its bracket.
                let key = outer.rsplit([',', '{']).next().and_then(Line::key).unwrap_or("").to_owned();
                flow_path = flow_context(outer, on_dash);
                set_word(&mut pos, segment, segment_offset);
                pos.slot = Slot::ListEntry(key);
            } else {
                flow_path = flow_context(outer, on_dash);
                // A `{` right after the line's dash is that dash's item, already on the path.
                if !(on_dash && outer.trim().is_empty()) {
                    flow_path.push(Seg::Item);
                }
                pos.siblings = flow_keys(line.text);
                match segment.split_once(':') {
                    Some((key, value)) => {
                        let value_offset = segment_offset + key.len() + 1;
                        set_word(&mut pos, value, value_offset);
                        pos.slot = Slot::Value(key.trim().to_owned());
                    }
                    None => set_word(&mut pos, segment, segment_offset),
                }
                if outer.trim_end().ends_with(':') {
                    // `key: { ...`: a mapping value, not a list item.
                    flow_path.pop();
                    let key = outer.trim_end().trim_end_matches(':').rsplit([',', '{']).next().unwrap_or("").trim();
                    flow_path.push(Seg::Key(unquote(key).to_owned()));
                }
            }
        }
        None => match strip_comment(rest).split_once(':') {
            Some((key, value)) if !key.trim().is_empty() => {
                set_word(&mut pos, value, rest_start + key.len() + 1);
                pos.slot = Slot::Value(unquote(key.trim()).to_owned());
            }
            _ => set_word(&mut pos, rest, rest_start),
        },
    }
    let lines: Vec<&str> = text.get(..line_start).unwrap_or("").lines().collect();
    let below: Vec<&str> = text.get(line_end..).unwrap_or("").lines().collect();
    let mut path = parents(&lines, key_column, on_dash, &mut pos.siblings, line.dash().is_some() || on_dash);
    if !pos.in_flow {
        pos.siblings.extend(keys_below(&below, key_column));
    }
    path.extend(flow_path);
    pos.path = path;
    pos
}

/// The word at the end of `text` (which starts at `start`): what is being typed.
fn set_word(pos: &mut YamlPosition, text: &str, start: usize) {
    let trimmed = text.trim_start();
    let word_start = start + (text.len() - trimmed.len());
    pos.prefix = unquote(trimmed.trim_end()).to_owned();
    pos.replace = TextRange::new(to_u32(word_start), to_u32(start + text.len()));
}

/// The innermost `[` or `{` left open in `text`, outside quotes: its character and position.
fn innermost_bracket(text: &str) -> Option<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if i == 0 || text.get(..i).is_some_and(|t| t.ends_with(' ')) => break,
            (None, '[' | '{') => stack.push((c, i)),
            (None, ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// The path the flow mappings opened in `outer` (the text before the cursor's bracket) add: an
/// item each, but for a `{` right after the line's dash, which is that dash's item.
fn flow_context(outer: &str, on_dash: bool) -> Vec<Seg> {
    match innermost_bracket(outer) {
        Some(('{', at)) => {
            let before = outer.get(..at).unwrap_or("");
            let mut path = flow_context(before, on_dash);
            if !(on_dash && before.trim().is_empty()) {
                path.push(Seg::Item);
            }
            path
        }
        _ => Vec::new(),
    }
}

/// The keys written in the flow mappings of a line.
fn flow_keys(line: &str) -> Vec<String> {
    line.split(['{', ','])
        .filter_map(|part| {
            let (key, _) = part.split_once(':')?;
            let key = key.trim();
            (!key.is_empty() && !key.contains([' ', '[', '-']) || key.starts_with('"')).then(|| unquote(key).to_owned())
        })
        .collect()
}

/// The keys above the cursor: walks up through parent lines, collecting the sibling keys of the
/// cursor's mapping on the way, and returns the path from the top.
fn parents(lines: &[&str], key_column: usize, on_dash: bool, siblings: &mut Vec<String>, is_item: bool) -> Vec<Seg> {
    let mut path = Vec::new();
    // Looking for: the rest of a mapping whose keys are at `column`, or (after an item's dash)
    // the key that owns a list whose dashes are at `column`.
    let mut column = key_column;
    let mut in_list = false;
    if is_item {
        path.push(Seg::Item);
        column = key_column.saturating_sub(2);
        in_list = true;
        if on_dash {
            // The rest of this item's keys come after the cursor; no siblings above.
        }
    }
    let mut collecting = !is_item;
    for raw in lines.iter().rev() {
        let line = Line::new(raw);
        if line.is_empty() {
            continue;
        }
        let i = line.indent;
        if in_list {
            if i > column || (i == column && line.dash().is_some()) {
                continue; // a sibling item
            }
            // The key that owns the list (an indentless list's key may sit at the dashes' column).
            match owner(&line) {
                Some((key, item_dash)) => {
                    path.push(Seg::Key(key.to_owned()));
                    if item_dash {
                        path.push(Seg::Item);
                        column = i;
                        in_list = true;
                    } else {
                        column = i;
                        in_list = false;
                    }
                }
                None => break,
            }
            continue;
        }
        if i > column {
            continue; // inside a sibling's value
        }
        if i == column {
            match line.dash() {
                // The cursor sits where the items of this list start: a new item.
                Some(_) if !is_item => {
                    collecting = false;
                    in_list = true;
                    continue;
                }
                Some(_) => break,
                None => {
                    if collecting && let Some(key) = Line::key(line.content()) {
                        siblings.push(key.to_owned());
                    }
                    continue;
                }
            }
        }
        // i < column
        if column >= 2
            && i == column - 2
            && let Some(after) = line.dash()
        {
            // This mapping is a list item that starts on this dash line.
            if collecting && let Some(key) = Line::key(after) {
                siblings.push(key.to_owned());
            }
            collecting = false;
            path.push(Seg::Item);
            column = i;
            in_list = true;
            continue;
        }
        collecting = false;
        match owner(&line) {
            Some((key, item_dash)) => {
                path.push(Seg::Key(key.to_owned()));
                column = i;
                if item_dash {
                    path.push(Seg::Item);
                    in_list = true;
                }
            }
            None => break,
        }
    }
    path.reverse();
    path
}

/// A line that opens a nested block: `key:` or `- key:`; the key, and whether it sits on a dash.
fn owner<'a>(line: &Line<'a>) -> Option<(&'a str, bool)> {
    match line.dash() {
        Some(after) => Line::opening_key(after).map(|k| (k, true)),
        None => Line::opening_key(line.content()).map(|k| (k, false)),
    }
}

/// The keys after the cursor's line that belong to its mapping.
fn keys_below(lines: &[&str], column: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for raw in lines {
        let line = Line::new(raw);
        if line.is_empty() {
            continue;
        }
        if line.indent < column || (line.indent == column.saturating_sub(2) && line.dash().is_some()) {
            break;
        }
        if line.indent == column
            && line.dash().is_none()
            && let Some(key) = Line::key(line.content())
        {
            keys.push(key.to_owned());
        }
    }
    keys
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text_with_cursor: &str) -> YamlPosition {
        let offset = text_with_cursor.find("$0").unwrap();
        let text = text_with_cursor.replace("$0", "");
        position(&text, offset as u32)
    }

    fn keys(path: &[Seg]) -> String {
        path.iter()
            .map(|s| match s {
                Seg::Key(k) => k.as_str(),
                Seg::Item => "-",
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn block_positions() {
        let p = at("threatmodel: 1\nthreats:\n  - id: t1\n    title: T\n    cl$0\n    severity: low\n");
        assert_eq!((keys(&p.path), &p.slot, p.prefix.as_str()), ("threats/-".to_owned(), &Slot::Key, "cl"));
        assert_eq!(p.siblings, ["title", "id", "severity"]);
        let p = at("threats:\n  - id: t1\n    class: spo$0\n");
        assert_eq!(
            (keys(&p.path), &p.slot, p.prefix.as_str()),
            ("threats/-".to_owned(), &Slot::Value("class".into()), "spo")
        );
        let p = at("threats:\n  - id: t1\n    affects:\n      - bil$0\n");
        assert_eq!(keys(&p.path), "threats/-/affects/-");
        assert!(matches!(p.meaning(), Some(Meaning::ListEntry(f)) if f.key == "affects"));
        let p = at("threats:\n  - $0\n");
        assert!(matches!(p.meaning(), Some(Meaning::Key(s)) if s.what == "a threat"), "{p:?}");
        let p = at("threats:\n  $0");
        assert!(matches!(p.meaning(), Some(Meaning::NewItem(s)) if s.what == "a threat"), "{p:?}");
        let p = at("review:\n  cadence: quarterly\n  $0");
        assert!(matches!(p.meaning(), Some(Meaning::Key(s)) if s.what == "a review schedule"), "{p:?}");
        let p = at("ti$0");
        assert!(matches!(p.meaning(), Some(Meaning::Key(s)) if s.what == "a threat model"));
    }

    #[test]
    fn flow_positions() {
        let p = at("assets:\n  - { id: api, kind: pro$0 }\n");
        assert_eq!(
            (keys(&p.path), &p.slot, p.prefix.as_str()),
            ("assets/-".to_owned(), &Slot::Value("kind".into()), "pro")
        );
        assert_eq!(p.siblings, ["id", "kind"]);
        let p = at("threats:\n  - { id: t, affects: [api, we$0] }\n");
        assert_eq!(
            (keys(&p.path), &p.slot, p.prefix.as_str()),
            ("threats/-".to_owned(), &Slot::ListEntry("affects".into()), "we")
        );
        let p = at("threats:\n  - id: t\n    accepted: { by: me, un$0 }\n");
        assert_eq!(keys(&p.path), "threats/-/accepted");
        assert!(matches!(p.meaning(), Some(Meaning::Key(s)) if s.what == "a risk acceptance"));
        let p = at("flows:\n- {id: f, from: $0}\n");
        assert!(matches!(p.meaning(), Some(Meaning::Value(f)) if f.key == "from"), "{p:?}");
    }

    #[test]
    fn broken_yaml_around_the_cursor() {
        let p = at("threats:\n  - id: t1\n    title: \"unterminated\n  - id: t2\n    class: $0\n");
        assert!(matches!(p.meaning(), Some(Meaning::Value(f)) if f.key == "class"), "{p:?}");
        let p = at("\t\tweird: [\n$0");
        let _ = p.meaning();
    }
}
