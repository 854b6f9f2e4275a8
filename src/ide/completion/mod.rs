//! Completion: keys, values, classes, ids and element snippets in model files; verbs, ids,
//! keywords and severities in code annotations.

use crate::analysis::{FileKind, SourceFile, Workspace, is_model_file_name, parent_dir};
use crate::annotations::{Role, Verb, comment_body_start, spelling_of, usage, verb_keywords};
use crate::catalog::{Catalog, Entry, Family};
use crate::limits::MAX_COMPLETIONS;
use crate::model::schema::{self, Field, Kinds, Shape, Taxonomy, Ty};
use crate::model::{Kind, Mitigation};
use crate::syntax::TextRange;

use super::yaml_context::{self, Meaning};

mod templates;

use templates::{mitigation_templates, templates};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Value,
    Class,
    Element(Kind),
    Snippet,
    Verb,
    Keyword,
    Severity,
    Reference,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text that replaces `replace`; a snippet (`$1`, `${2:x}`) when `snippet` is set.
    pub insert: String,
    pub snippet: bool,
    pub replace: TextRange,
    /// Orders the list: expected items first.
    pub sort: String,
}

impl CompletionItem {
    fn new(label: impl Into<String>, kind: CompletionKind, replace: TextRange) -> CompletionItem {
        let label = label.into();
        CompletionItem {
            insert: label.clone(),
            sort: format!("5-{label}"),
            label,
            kind,
            detail: None,
            documentation: None,
            snippet: false,
            replace,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> CompletionItem {
        self.detail = Some(detail.into());
        self
    }

    fn docs(mut self, docs: impl Into<String>) -> CompletionItem {
        self.documentation = Some(docs.into());
        self
    }

    fn snippet(mut self, text: impl Into<String>) -> CompletionItem {
        self.insert = text.into();
        self.snippet = true;
        self
    }

    fn rank(mut self, rank: u8) -> CompletionItem {
        self.sort = format!("{rank}-{}", self.label);
        self
    }
}

/// What to offer at a position: the items that match what is typed, best first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    /// At most [`MAX_COMPLETIONS`].
    pub items: Vec<CompletionItem>,
    /// More items matched than are listed: the editor should ask again as the user types.
    pub incomplete: bool,
}

pub fn completions(ws: &Workspace, path: &str, offset: u32) -> Completions {
    let Some(file) = ws.file(path) else { return Completions::default() };
    let items = match file.kind {
        FileKind::Model => model(ws, file, offset),
        FileKind::Code => code(ws, file, offset),
        FileKind::Config => Vec::new(),
    };
    best(items, &file.text, offset)
}

/// The items whose label holds what is typed before the cursor (its letters in order, in any
/// case, as editors filter), those that start with it first, at most [`MAX_COMPLETIONS`]: a
/// workspace of thousands of ids must not send them all on every keystroke.
fn best(items: Vec<CompletionItem>, text: &str, offset: u32) -> Completions {
    let mut items: Vec<(bool, CompletionItem)> = items
        .into_iter()
        .filter_map(|item| {
            let typed = text.get(item.replace.start as usize..offset as usize).unwrap_or("");
            Some((weak_match(typed, item.label.chars())?, item))
        })
        .collect();
    items.sort_by(|(a_weak, a), (b_weak, b)| (a_weak, &a.sort).cmp(&(b_weak, &b.sort)));
    let incomplete = items.len() > MAX_COMPLETIONS;
    items.truncate(MAX_COMPLETIONS);
    Completions { items: items.into_iter().map(|(_, item)| item).collect(), incomplete }
}

/// Whether `label` holds the letters of `typed` in order, ignoring case: `None` when it does not,
/// `Some(true)` when it does but does not start with them (a weaker match, listed later).
fn weak_match(typed: &str, label: impl Iterator<Item = char> + Clone) -> Option<bool> {
    let typed = typed.chars().flat_map(char::to_lowercase);
    let label = label.flat_map(char::to_lowercase);
    let mut rest = label.clone();
    if !typed.clone().all(|c| rest.any(|l| l == c)) {
        return None;
    }
    let (mut typed, mut label) = (typed, label);
    Some(!typed.all(|c| label.next() == Some(c)))
}

/// The ids (with their rank) that [`best`] would keep for what is typed, and one more so that
/// it still sees the list is incomplete: building an item for each of ten thousand ids on
/// every keystroke is what this avoids.
fn shortlist<'a>(ids: impl Iterator<Item = (u8, &'a str)>, typed: &str, prefix: &str) -> Vec<(u8, &'a str)> {
    let mut kept: Vec<(bool, u8, &str)> =
        ids.filter_map(|(rank, id)| Some((weak_match(typed, prefix.chars().chain(id.chars()))?, rank, id))).collect();
    if kept.len() > MAX_COMPLETIONS + 1 {
        kept.select_nth_unstable(MAX_COMPLETIONS + 1);
        kept.truncate(MAX_COMPLETIONS + 1);
    }
    kept.into_iter().map(|(_, rank, id)| (rank, id)).collect()
}

fn model(ws: &Workspace, file: &SourceFile, offset: u32) -> Vec<CompletionItem> {
    let pos = yaml_context::position(&file.text, offset);
    let replace = pos.replace;
    let Some(meaning) = pos.meaning() else { return Vec::new() };
    match meaning {
        Meaning::Key(shape) => {
            let mut items: Vec<CompletionItem> = shape
                .fields
                .iter()
                .filter(|f| !pos.siblings.iter().any(|s| s == f.key))
                .map(|f| key_item(f, pos.key_column, pos.in_flow, replace))
                .collect();
            if pos.on_dash && pos.siblings.is_empty() && !pos.in_flow {
                let column = pos.key_column.saturating_sub(2);
                items.extend(element_snippet(shape, column, false, replace));
                if shape.name == "mitigation" {
                    items.extend(templates(ws, file, column, false, replace));
                }
            }
            items
        }
        Meaning::NewItem(shape) => {
            let mut items: Vec<CompletionItem> =
                element_snippet(shape, pos.key_column, !pos.on_dash, replace).into_iter().collect();
            if shape.name == "mitigation" && !pos.in_flow {
                items.extend(templates(ws, file, pos.key_column, !pos.on_dash, replace));
            }
            items
        }
        Meaning::Value(field) => {
            let mut items = mitigation_templates(ws, file, field, offset, replace);
            items.extend(values(ws, file, field, replace, false, offset));
            items
        }
        Meaning::ListEntry(field) => values(ws, file, field, replace, true, offset),
    }
}

fn key_item(field: &'static Field, column: usize, in_flow: bool, replace: TextRange) -> CompletionItem {
    let nested = " ".repeat(column + 2);
    let insert = match field.ty {
        _ if in_flow => format!("{}: $0", field.key),
        Ty::List(_) => format!("{}:\n{nested}- $0", field.key),
        Ty::Object(_) => format!("{}:\n{nested}$0", field.key),
        Ty::Refs(_) | Ty::ExtRefs | Ty::Paths | Ty::Classes | Ty::Cited { list: true, .. } => {
            format!("{}: [$0]", field.key)
        }
        Ty::Enum(values) => format!("{}: ${{1|{}|}}", field.key, values.join(",")),
        _ => format!("{}: $0", field.key),
    };
    let required = if field.required { "required · " } else { "" };
    CompletionItem::new(field.key, CompletionKind::Key, replace)
        .detail(format!("{required}{}", ty_name(field)))
        .docs(format!("{}\n\nExample: `{}: {}`", field.doc, field.key, field.example))
        .snippet(insert)
        .rank(if field.required { 0 } else { 1 })
}

fn ty_name(field: &Field) -> String {
    match field.ty {
        Ty::Version => "the format version".into(),
        Ty::Text => "text".into(),
        Ty::Id => "id".into(),
        Ty::Date => "date".into(),
        Ty::Cadence => "cadence".into(),
        Ty::Enum(_) => "one of a set".into(),
        Ty::Class => "threat class".into(),
        Ty::Classes => "list of threat classes".into(),
        Ty::Cited { taxonomy, list } => {
            let name = match taxonomy {
                Taxonomy::Cwe => "CWE",
                Taxonomy::Capec => "CAPEC",
                Taxonomy::Asvs => "ASVS",
            };
            if list { format!("list of {name} ids") } else { format!("{name} id") }
        }
        Ty::Ref(kinds) => format!("{kinds}"),
        Ty::Refs(kinds) => format!("list: {kinds}"),
        Ty::ExtRefs => "list of references".into(),
        Ty::Paths => "list of paths".into(),
        Ty::Object(shape) => shape.what.into(),
        Ty::List(shape) => format!("list of {}", shape.what),
    }
}

/// A new element of a section, as a snippet with its required keys.
fn element_snippet(
    shape: &'static Shape,
    column: usize,
    with_dash: bool,
    replace: TextRange,
) -> Option<CompletionItem> {
    let body: &[&str] = match shape.name {
        "threat" => &[
            "id: ${1:new-threat}",
            "title: ${2:What could go wrong}",
            "class: ${3:tampering}",
            "severity: ${4|critical,high,medium,low|}",
            "affects: [$5]",
        ],
        "mitigation" => &[
            "id: ${1:new-mitigation}",
            "title: ${2:What the control does}",
            "mitigates: [$3]",
            "status: ${4|planned,in-progress,implemented,verified|}",
        ],
        "asset" => &["id: ${1:new-asset}", "name: ${2:Name}", "kind: ${3|process,datastore,external-entity,actor|}"],
        "flow" => &["id: ${1:new-flow}", "from: $2", "to: $3", "via: ${4:https}", "data: [$5]"],
        "boundary" => &["id: ${1:new-boundary}", "name: ${2:Name}"],
        "data" => &["id: ${1:new-data}", "classification: ${2|pii,phi,financial,secrets,internal,public|}"],
        "class" => &["id: ${1:new-class}", "title: ${2:Title}", "parent: ${3:tampering}"],
        _ => return None,
    };
    let indent = " ".repeat(column + 2);
    let mut text = String::from(if with_dash { "- " } else { "" });
    for (i, line) in body.iter().enumerate() {
        if i > 0 {
            text.push('\n');
            text.push_str(&indent);
        }
        text.push_str(line);
    }
    Some(
        CompletionItem::new(format!("new {}", shape.name), CompletionKind::Snippet, replace)
            .detail(format!("a new {}", shape.what.trim_start_matches("a ").trim_start_matches("an ")))
            .docs(shape.doc)
            .snippet(text)
            .rank(0),
    )
}

/// Values of a field; `in_list` when the cursor is on one entry of a list.
fn values(
    ws: &Workspace,
    file: &SourceFile,
    field: &'static Field,
    replace: TextRange,
    in_list: bool,
    offset: u32,
) -> Vec<CompletionItem> {
    let typed = file.text.get(replace.start as usize..offset as usize).unwrap_or("");
    let wrap = |id: &str| if in_list { id.to_owned() } else { format!("[{id}]") };
    match field.ty {
        Ty::Enum(values) => values.iter().map(|v| CompletionItem::new(*v, CompletionKind::Value, replace)).collect(),
        Ty::Cadence => {
            let mut items: Vec<CompletionItem> =
                schema::CADENCES.iter().map(|v| CompletionItem::new(*v, CompletionKind::Value, replace)).collect();
            items.push(CompletionItem::new("90d", CompletionKind::Value, replace).detail("a number of days"));
            items
        }
        Ty::Version => vec![CompletionItem::new("1", CompletionKind::Value, replace)],
        Ty::Date => {
            let today = ws.options().today;
            let offsets: &[(i64, &str)] = match field.key {
                "until" => &[(30, "in 30 days"), (90, "in 90 days"), (180, "in 180 days")],
                _ => &[(0, "today")],
            };
            offsets
                .iter()
                .filter_map(|(days, what)| {
                    let date = today.add_days(*days)?.to_string();
                    Some(CompletionItem::new(date, CompletionKind::Value, replace).detail(*what))
                })
                .collect()
        }
        Ty::Class => classes(ws, replace, &|id| id.to_owned()),
        Ty::Classes => classes(ws, replace, &wrap),
        Ty::Cited { taxonomy, list } => {
            let (prefix, _) = taxonomy_entries(taxonomy);
            let wrap = |id: &str| if list { wrap(id) } else { id.to_owned() };
            taxonomy_entries(taxonomy)
                .1
                .iter()
                .map(|e| {
                    let item = CompletionItem::new(e.id.clone(), CompletionKind::Reference, replace)
                        .detail(format!("{prefix} · {}", e.name));
                    CompletionItem { insert: wrap(&e.id), ..item }
                })
                .collect()
        }
        Ty::Ref(kinds) => ids(ws, kinds, replace, typed, &|id| id.to_owned()),
        Ty::Refs(kinds) => ids(ws, kinds, replace, typed, &wrap),
        Ty::ExtRefs => match typed.split_once(':') {
            Some((prefix, _)) => reference_ids(prefix)
                .into_iter()
                .map(|(id, name)| {
                    let insert = wrap(&id);
                    CompletionItem {
                        insert,
                        ..CompletionItem::new(id, CompletionKind::Reference, replace).detail(name)
                    }
                })
                .collect(),
            None => schema::REF_PREFIXES
                .iter()
                .map(|p| {
                    CompletionItem::new(format!("{p}:"), CompletionKind::Reference, replace)
                        .snippet(wrap(&format!("{p}:$0")))
                })
                .collect(),
        },
        Ty::Paths => ws
            .paths()
            .filter(|p| *p != file.path && is_model_file_name(p.rsplit('/').next().unwrap_or(p)))
            .map(|p| {
                let relative = relative_path(parent_dir(&file.path), p);
                CompletionItem::new(relative.clone(), CompletionKind::Value, replace).snippet(wrap(&relative))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `to` as a path relative to the directory `from`, both workspace paths.
fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(to_parts.iter().skip(common));
    parts.join("/")
}

/// Threat classes: the built-in ones grouped by family, then the team's.
fn classes(ws: &Workspace, replace: TextRange, insert: &dyn Fn(&str) -> String) -> Vec<CompletionItem> {
    // Grouped as the taxonomies are: each STRIDE class followed by its finer classes, then
    // LINDDUN, then the team's.
    let catalog = ws.analysis().index.catalog();
    catalog
        .classes()
        .map(|c| {
            let family = match c.family {
                Family::Stride => "STRIDE",
                Family::Linddun => "LINDDUN",
            };
            let (detail, sort) = match (&c.parent, c.family) {
                (Some(parent), _) if !catalog.is_builtin(&c.id) => {
                    (format!("team class · under {parent} · {}", c.title), format!("2-{}", c.id))
                }
                (Some(parent), _) => (format!("under {parent} · {}", c.title), format!("0-{parent}-1-{}", c.id)),
                (None, Family::Stride) => (format!("{family} · {}", c.property), format!("0-{}-0", c.id)),
                (None, Family::Linddun) => (format!("{family} · {}", c.property), format!("1-{}", c.id)),
            };
            let docs = if c.description.is_empty() {
                format!("**{}**", c.title)
            } else {
                format!("**{}**\n\n{}", c.title, c.description)
            };
            let mut item = CompletionItem::new(&c.id, CompletionKind::Class, replace).detail(detail).docs(docs);
            item.insert = insert(&c.id);
            item.sort = sort;
            item
        })
        .collect()
}

/// The ids of elements of some kinds, with their names.
fn ids(
    ws: &Workspace,
    kinds: Kinds,
    replace: TextRange,
    typed: &str,
    insert: &dyn Fn(&str) -> String,
) -> Vec<CompletionItem> {
    let kinds: Vec<Kind> = kinds.iter().collect();
    let index = &ws.analysis().index;
    shortlist(index.ids(Some(&kinds)).map(|id| (5, id)), typed, "")
        .into_iter()
        .filter_map(|(_, id)| {
            let def = index.def(id)?;
            let item = CompletionItem::new(id, CompletionKind::Element(def.element.kind), replace).detail(
                def.element.name.as_ref().map_or_else(|| def.element.kind.noun().to_owned(), |n| n.value.clone()),
            );
            Some(CompletionItem { insert: insert(id), ..item })
        })
        .collect()
}

/// Completion inside a code comment: `@` verbs, `#` ids (the kind the verb expects there
/// first), the verb's keywords, and severities inside `[`.
fn code(ws: &Workspace, file: &SourceFile, offset: u32) -> Vec<CompletionItem> {
    let Some((_, line_start, line)) = file.line_at(offset) else { return Vec::new() };
    let cursor = (offset - line_start) as usize;
    let before = line.get(..cursor).unwrap_or("");
    let Some(body_start) = comment_body_start(&file.path, before) else { return Vec::new() };
    let body = before.get(body_start..).unwrap_or("");
    if !body.starts_with('@') {
        return Vec::new();
    }
    let word_start = body.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let word = body.get(word_start..).unwrap_or("");
    let at = |start: usize| TextRange::new(line_start + to_u32(body_start + start), offset);
    if word_start == 0 {
        return verbs(at(0));
    }
    let verb_word = body.get(1..body.find(char::is_whitespace).unwrap_or(body.len())).unwrap_or("");
    let Some(verb) = spelling_of(verb_word) else { return Vec::new() };
    let written = body.get(..word_start).unwrap_or("");
    if word.starts_with('#') {
        let typed = word.get(1..).unwrap_or("");
        return code_ids(ws, expected_role(verb, written), at(word_start + 1), typed, "");
    }
    if word.starts_with('[') {
        return ["critical", "high", "medium", "low", "P0", "P1", "P2", "P3"]
            .iter()
            .map(|s| CompletionItem::new(*s, CompletionKind::Severity, at(word_start + 1)).snippet(format!("{s}]")))
            .collect();
    }
    let used: Vec<String> = written.split_whitespace().map(str::to_ascii_lowercase).collect();
    let keywords = verb_keywords(verb)
        .iter()
        .filter(|k| !used.iter().any(|u| u == *k))
        .map(|k| CompletionItem::new(*k, CompletionKind::Keyword, at(word_start)).detail(usage(verb)).rank(1));
    // Right after the verb or one of its keywords an argument goes: offer `#id`s as well, so
    // the user need not type the `#` first.
    let in_slot = used.len() == 1 || used.last().is_some_and(|w| verb_keywords(verb).contains(&w.as_str()));
    let mut items: Vec<CompletionItem> = keywords.collect();
    if in_slot && !word.contains(['(', '"', '[']) {
        items.extend(code_ids(ws, expected_role(verb, written), at(word_start), word, "#"));
    }
    items.sort_by(|a, b| a.sort.cmp(&b.sort));
    items
}

fn verbs(replace: TextRange) -> Vec<CompletionItem> {
    let verbs = [
        Verb::Exposes,
        Verb::Mitigates,
        Verb::Accepts,
        Verb::Transfers,
        Verb::Flows,
        Verb::Confirmed,
        Verb::Asset,
        Verb::Threat,
        Verb::Control,
        Verb::Actor,
        Verb::Boundary,
        Verb::Handles,
        Verb::Validates,
        Verb::Audit,
        Verb::Owns,
        Verb::Assumes,
        Verb::Comment,
        Verb::Shield,
        Verb::ShieldBegin,
        Verb::ShieldEnd,
        Verb::Feature,
        Verb::Entitles,
    ];
    verbs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut item =
                CompletionItem::new(format!("@{}", v.as_str()), CompletionKind::Verb, replace).detail(usage(*v));
            item.sort = format!("{i:02}");
            item
        })
        .collect()
}

/// The role of the argument being written after `written` (the annotation so far).
fn expected_role(verb: Verb, written: &str) -> Role {
    let last_keyword = written.split_whitespace().rev().find_map(|w| {
        let w = w.to_ascii_lowercase();
        verb_keywords(verb).iter().find(|k| **k == w).copied()
    });
    match (verb, last_keyword) {
        (Verb::Mitigates, Some("against")) | (Verb::Exposes, Some("to")) | (Verb::Entitles, Some("against")) => {
            Role::Threat
        }
        (Verb::Mitigates, Some("using" | "with")) => Role::Control,
        (Verb::Confirmed | Verb::Accepts | Verb::Transfers, None) => Role::Threat,
        (Verb::Validates, None) => Role::Control,
        (Verb::Entitles, None) => Role::Actor,
        _ => Role::Asset,
    }
}

/// Ids for a `#` in code: elements of the expected kind first.
fn code_ids(ws: &Workspace, role: Role, replace: TextRange, typed: &str, prefix: &str) -> Vec<CompletionItem> {
    let expected: &[Kind] = match role {
        Role::Threat => &[Kind::Threat],
        Role::Control => &[Kind::Mitigation],
        Role::Asset | Role::Actor => &[Kind::Asset, Kind::Flow],
    };
    let index = &ws.analysis().index;
    let rank = |id: &str| index.def(id).map_or(3, |def| if expected.contains(&def.element.kind) { 0 } else { 3 });
    shortlist(index.ids(None).map(|id| (rank(id), id)), typed, prefix)
        .into_iter()
        .filter_map(|(rank, id)| {
            let def = index.def(id)?;
            let kind = def.element.kind;
            let mut detail = def.element.name.as_ref().map_or_else(|| kind.noun().to_owned(), |n| n.value.clone());
            if let crate::model::Detail::Mitigation(Mitigation { status, .. }) = &def.element.detail {
                detail.push_str(&format!(" ({})", status.as_str()));
            }
            let item = CompletionItem::new(format!("{prefix}{id}"), CompletionKind::Element(kind), replace);
            Some(item.detail(detail).rank(rank))
        })
        .collect()
}

/// The ids a reference prefix takes, with their names: `cwe:CWE-79`, `owasp:A03:2021` ...
fn reference_ids(prefix: &str) -> Vec<(String, String)> {
    let catalog = Catalog::builtin();
    let (entries, form): (&[Entry], fn(&str) -> String) = match prefix {
        "cwe" => (&catalog.cwe, |id| format!("cwe:CWE-{id}")),
        "capec" => (&catalog.capec, |id| format!("capec:CAPEC-{id}")),
        "owasp" => (&catalog.owasp, |id| format!("owasp:{id}")),
        "asvs" => (&catalog.asvs, |id| format!("asvs:{id}")),
        _ => return Vec::new(),
    };
    entries.iter().map(|e| (form(&e.id), e.name.clone())).collect()
}

/// The catalog's entries of a taxonomy that catalog files cite by bare id, and its name.
fn taxonomy_entries(taxonomy: Taxonomy) -> (&'static str, &'static [Entry]) {
    let catalog = Catalog::builtin();
    match taxonomy {
        Taxonomy::Cwe => ("CWE", &catalog.cwe),
        Taxonomy::Capec => ("CAPEC", &catalog.capec),
        Taxonomy::Asvs => ("ASVS", &catalog.asvs),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;
    use crate::date::Date;

    /// A workspace with more ids than a list holds: the best ones for what is typed are offered,
    /// and the list says it is incomplete.
    #[test]
    fn long_lists_are_cut_to_the_best_matches() {
        let mut model = String::from("threatmodel: 1\ntitle: T\nthreats:\n");
        for i in 0..300 {
            model.push_str(&format!("  - {{ id: t{i:03}, title: Threat {i}, class: tampering, severity: low }}\n"));
        }
        let mut ws = Workspace::new(Options::new(Date::EPOCH));
        ws.set_open_file("threatmodel.yaml", model);
        let code = "// @exposes #api to #";
        ws.set_open_file("api.go", code.to_owned());
        let all = completions(&ws, "api.go", code.len() as u32);
        assert!(all.incomplete);
        assert_eq!(all.items.len(), MAX_COMPLETIONS);
        assert_eq!(all.items.first().map(|i| i.label.as_str()), Some("t000"));

        let typed = format!("{code}t29");
        ws.set_open_file("api.go", typed.clone());
        let some = completions(&ws, "api.go", typed.len() as u32);
        assert!(!some.incomplete);
        let labels: Vec<&str> = some.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels[..10], ["t290", "t291", "t292", "t293", "t294", "t295", "t296", "t297", "t298", "t299"]);
        assert_eq!(
            labels[10..],
            ["t029", "t129", "t209", "t219", "t229", "t239", "t249", "t259", "t269", "t279", "t289"]
        );
    }
}
