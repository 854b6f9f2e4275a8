//! The outline of a file (a model's sections and elements, a source file's annotations) and
//! the workspace's ids.

use crate::analysis::{FileKind, Workspace};
use crate::model::{Element, Kind, Spanned, schema};
use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Section,
    Element(Kind),
    Class,
    Template,
    Annotation,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole item.
    pub range: TextRange,
    /// What to select when the symbol is chosen (its id).
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(ws: &Workspace, path: &str) -> Vec<Symbol> {
    let Some(file) = ws.file(path) else { return Vec::new() };
    if file.kind == FileKind::Code {
        return file
            .annotations
            .iter()
            .map(|a| {
                let what = a
                    .definition
                    .as_ref()
                    .map(|d| d.name.value.clone())
                    .or_else(|| {
                        a.refs.first().map(|r| {
                            r.id.as_ref()
                                .map_or_else(|| r.name.clone().unwrap_or_default(), |id| format!("#{}", id.value))
                        })
                    })
                    .unwrap_or_default();
                Symbol {
                    name: format!("@{} {what}", a.verb.as_str()).trim_end().to_owned(),
                    detail: a.description.clone(),
                    kind: SymbolKind::Annotation,
                    range: a.range,
                    selection: a.verb_range,
                    children: Vec::new(),
                }
            })
            .collect();
    }
    let Some(root) = file.tree.as_ref().and_then(|t| t.as_mapping()) else { return Vec::new() };
    let mut out = Vec::new();
    // Sections are the keys that hold lists or mappings.
    for entry in root.entries.iter().filter(|e| e.value.as_sequence().is_some() || e.value.as_mapping().is_some()) {
        let Some(key) = entry.key_text() else { continue };
        let in_section = |r: TextRange| entry.value.range.start <= r.start && r.end <= entry.value.range.end;
        let mut children: Vec<Symbol> = file
            .model
            .elements
            .iter()
            .filter(|e| in_section(e.range) && section_of(e.kind) == key)
            .map(element_symbol)
            .collect();
        let entry_symbol = |id: &Spanned<String>, title: Option<&str>, kind, range| Symbol {
            name: id.value.clone(),
            detail: title.map(str::to_owned),
            kind,
            range,
            selection: id.range,
            children: Vec::new(),
        };
        match key {
            "classes" => {
                children.extend(file.model.classes.iter().filter(|c| in_section(c.range)).map(|c| {
                    entry_symbol(&c.id, c.title.as_ref().map(|t| t.value.as_str()), SymbolKind::Class, c.range)
                }))
            }
            "templates" => children.extend(
                file.model
                    .templates
                    .iter()
                    .filter(|t| in_section(t.range))
                    .map(|t| entry_symbol(&t.id, Some(&t.title), SymbolKind::Template, t.range)),
            ),
            _ => {}
        }
        out.push(Symbol {
            name: key.to_owned(),
            detail: None,
            kind: SymbolKind::Section,
            range: entry.key.range.cover(entry.value.range),
            selection: entry.key.range,
            children,
        });
    }
    out
}

fn section_of(kind: Kind) -> &'static str {
    schema::section(kind).0
}

fn element_symbol(e: &Element) -> Symbol {
    Symbol {
        name: e.id.value.clone(),
        detail: e.name.as_ref().map(|n| n.value.clone()),
        kind: SymbolKind::Element(e.kind),
        range: e.range,
        selection: e.id.range,
        children: Vec::new(),
    }
}

/// Every element whose id or name holds the query's characters in order (case-insensitive),
/// with the file it is defined in; the closest matches first.
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<(String, Symbol)> {
    let query = query.to_lowercase();
    let mut out: Vec<(usize, String, Symbol)> = Vec::new();
    for path in ws.paths() {
        let Some(file) = ws.file(path) else { continue };
        for e in &file.model.elements {
            let name = e.name.as_ref().map_or("", |n| n.value.as_str());
            let score = [e.id.value.as_str(), name]
                .iter()
                .filter_map(|text| subsequence_gap(&text.to_lowercase(), &query))
                .min();
            if let Some(score) = score {
                out.push((score, path.to_owned(), element_symbol(e)));
            }
        }
    }
    out.sort_by(|a, b| (a.0, &a.2.name).cmp(&(b.0, &b.2.name)));
    out.into_iter().map(|(_, path, symbol)| (path, symbol)).collect()
}

/// How spread out `query`'s characters are in `text` (0 for a prefix), or `None` when `text`
/// does not hold them in order.
fn subsequence_gap(text: &str, query: &str) -> Option<usize> {
    let mut gap = 0;
    let mut chars = text.chars().enumerate();
    let mut last = None;
    for q in query.chars() {
        let (i, _) = chars.find(|(_, c)| *c == q)?;
        gap += i - last.map_or(0, |l: usize| l + 1);
        last = Some(i);
    }
    Some(gap)
}
