//! Code actions: the fixes diagnostics carry ("did you mean"), and edits that add what the
//! model lacks: a mitigation for an open threat, an acceptance of it, a threat a reference
//! names. Each keeps the YAML valid and the file's comments and layout.

use crate::analysis::{FileKind, SourceFile, Workspace};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Detail, Kind};
use crate::syntax::{Node, TextRange, Value};

use super::FileEdit;
use super::target::{self, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    Refactor,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<FileEdit>,
    /// The diagnostic the action fixes.
    pub diagnostic: Option<Diagnostic>,
    /// The fix most likely wanted (an editor may apply it on a key press).
    pub preferred: bool,
}

/// The actions available for `range` of the file at `path`.
pub fn code_actions(ws: &Workspace, path: &str, range: TextRange) -> Vec<Action> {
    let mut out = Vec::new();
    let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;
    for d in ws.diagnostics(path).into_iter().filter(|d| touches(d.range)) {
        if let Some(fix) = &d.fix {
            out.push(Action {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| FileEdit { path: path.to_owned(), range: e.range, new_text: e.new_text.clone() })
                    .collect(),
                diagnostic: Some(d.clone()),
                preferred: true,
            });
        }
        if d.code == Code::UnknownReference
            && let Some(action) = define_threat(ws, path, &d)
        {
            out.push(action);
        }
    }
    // On a threat: add a mitigation, or accept the risk.
    let threat = target::at(ws, path, range.start).and_then(|t| match t {
        Target::Id { id, .. } | Target::Name { id, .. } => Some(id),
        _ => None,
    });
    if let Some(id) = threat
        && let Some(def) = ws.analysis().index.def(&id).filter(|d| d.element.kind == Kind::Threat)
        && def.file.kind == FileKind::Model
    {
        let open = ws
            .diagnostics(&def.file.path)
            .into_iter()
            .find(|d| d.code == Code::OpenThreat && d.range == def.element.id.range);
        if let Some(action) = add_mitigation(ws, def.file, &id) {
            out.push(Action { diagnostic: open.clone(), ..action });
        }
        if let Some(action) = accept(ws, def.file, &id) {
            out.push(Action { diagnostic: open, ..action });
        }
    }
    out
}

fn add_mitigation(ws: &Workspace, file: &SourceFile, threat: &str) -> Option<Action> {
    let id = fresh_id(ws, &format!("{threat}-mitigation"));
    let fields = [
        ("id", id.clone()),
        ("title", "TODO describe the control".to_owned()),
        ("mitigates", format!("[{threat}]")),
        ("status", "planned".to_owned()),
    ];
    let edit = add_item(file, "mitigations", &fields)?;
    Some(Action {
        title: format!("Add a mitigation of `{threat}`"),
        kind: ActionKind::QuickFix,
        edits: vec![edit],
        diagnostic: None,
        preferred: false,
    })
}

fn accept(ws: &Workspace, file: &SourceFile, threat: &str) -> Option<Action> {
    let element = file.model.elements.iter().find(|e| e.id.value == threat)?;
    let Detail::Threat(t) = &element.detail else { return None };
    if t.accepted.is_some() {
        return None;
    }
    let item = find_item(file.tree.as_ref()?, "threats", threat)?;
    let until = ws.options().today.add_days(90)?;
    let owner = file.model.owner.as_ref().map_or("TODO who accepts the risk".to_owned(), |o| o.value.clone());
    let fields =
        [("by", owner), ("reason", "TODO why the risk is acceptable for now".to_owned()), ("until", until.to_string())];
    let edit = add_entry(file, item, "accepted", &fields)?;
    Some(Action {
        title: format!("Accept the risk of `{threat}` for 90 days"),
        kind: ActionKind::QuickFix,
        edits: vec![edit],
        diagnostic: None,
        preferred: false,
    })
}

/// For a reference to an unknown threat: a stub of it in the model.
fn define_threat(ws: &Workspace, path: &str, d: &Diagnostic) -> Option<Action> {
    let file = ws.file(path)?;
    let id = match file.kind {
        FileKind::Model => {
            let r = file.model.references.iter().find(|r| r.target.range == d.range)?;
            r.expected.contains(Kind::Threat).then(|| r.target.value.clone())?
        }
        FileKind::Code => {
            let r = file.annotations.iter().flat_map(|a| a.refs.iter()).find(|r| r.range == d.range)?;
            (r.role == crate::annotations::Role::Threat).then(|| r.id.as_ref().map(|i| i.value.clone()))??
        }
        FileKind::Config => return None,
    };
    // The model file to add it to: this one, or the one nearest the workspace root.
    let target = if file.kind == FileKind::Model {
        file
    } else {
        let mut models: Vec<&SourceFile> =
            ws.paths().filter_map(|p| ws.file(p)).filter(|f| f.kind == FileKind::Model && f.tree.is_some()).collect();
        models.sort_by_key(|f| (f.path.matches('/').count(), f.path.clone()));
        *models.first()?
    };
    let fields = [
        ("id", id.clone()),
        ("title", "TODO what could go wrong".to_owned()),
        ("class", "tampering".to_owned()),
        ("severity", "medium".to_owned()),
        ("affects", "[]".to_owned()),
    ];
    let edit = add_item(target, "threats", &fields)?;
    Some(Action {
        title: format!("Define the threat `{id}` in `{}`", target.path),
        kind: ActionKind::QuickFix,
        edits: vec![edit],
        diagnostic: Some(d.clone()),
        preferred: false,
    })
}

/// An id not yet used: `base`, else `base-2`, `base-3`...
fn fresh_id(ws: &Workspace, base: &str) -> String {
    let index = &ws.analysis().index;
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}-{n}") })
        .find(|id| index.def(id).is_none())
        .unwrap_or_default()
}

/// The item of the top-level list `section` whose `id` is `id`.
fn find_item<'t>(tree: &'t Node, section: &str, id: &str) -> Option<&'t Node> {
    let list = tree.as_mapping()?.get(section)?.value.as_sequence()?;
    list.items.iter().find(|item| {
        item.as_mapping().and_then(|m| m.get("id")).and_then(|e| e.value.as_scalar()).is_some_and(|s| s.text == id)
    })
}

/// An edit that appends an item with `fields` to the top-level list `section`, writing it the
/// way the list is written (block or flow), or creates the section at the end of the file.
fn add_item(file: &SourceFile, section: &str, fields: &[(&str, String)]) -> Option<FileEdit> {
    let text = &file.text;
    let root = file.tree.as_ref()?.as_mapping()?;
    let edit = |range: TextRange, new_text: String| Some(FileEdit { path: file.path.clone(), range, new_text });
    let block = |indent: usize| -> String {
        let pad = " ".repeat(indent);
        let mut out = String::new();
        for (i, (key, value)) in fields.iter().enumerate() {
            out.push_str(&format!("\n{pad}{}{key}: {value}", if i == 0 { "- " } else { "  " }));
        }
        out
    };
    let flow = || format!("{{ {} }}", fields.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "));
    let Some(entry) = root.get(section) else {
        let end = u32::try_from(text.len()).ok()?;
        let newline = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
        return edit(TextRange::empty(end), format!("{newline}{section}:{}\n", block(2)));
    };
    match &entry.value.value {
        Value::Sequence(seq) if seq.flow && seq.items.is_empty() => {
            // `section: []` becomes a block list, from just after the colon.
            let after_colon = entry.key.range.end + 1;
            edit(TextRange::new(after_colon, entry.value.range.end), block(column(text, entry.key.range.start) + 2))
        }
        Value::Sequence(seq) if seq.flow => {
            let close = entry.value.range.end.checked_sub(1)?;
            edit(TextRange::empty(close), format!(", {}", flow()))
        }
        Value::Sequence(seq) => {
            let last = seq.items.last()?;
            let indent = column(text, seq.items.first()?.range.start).saturating_sub(2);
            edit(TextRange::empty(line_end(text, last.range.end)), block(indent))
        }
        _ if entry.value.is_null() => {
            edit(TextRange::empty(line_end(text, entry.key.range.end)), block(column(text, entry.key.range.start) + 2))
        }
        _ => None,
    }
}

/// An edit that adds `key:` with the mapping `fields` to the mapping `item`.
fn add_entry(file: &SourceFile, item: &Node, key: &str, fields: &[(&str, String)]) -> Option<FileEdit> {
    let text = &file.text;
    let map = item.as_mapping()?;
    if map.flow {
        // Before the closing brace, with the space before it kept.
        let inner = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
        let last = map.entries.last()?;
        let at = last.value.range.end.max(last.key.range.end);
        return Some(FileEdit {
            path: file.path.clone(),
            range: TextRange::empty(at),
            new_text: format!(", {key}: {{ {inner} }}"),
        });
    }
    let indent = column(text, map.entries.first()?.key.range.start);
    let pad = " ".repeat(indent);
    let mut new_text = format!("\n{pad}{key}:");
    for (k, v) in fields {
        new_text.push_str(&format!("\n{pad}  {k}: {v}"));
    }
    let last = map.entries.last()?;
    Some(FileEdit {
        path: file.path.clone(),
        range: TextRange::empty(line_end(text, last.value.range.end.max(last.key.range.end))),
        new_text,
    })
}

fn column(text: &str, offset: u32) -> usize {
    let before = text.get(..offset as usize).unwrap_or("");
    before.len() - before.rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// The end of the line holding `offset` (before its terminator).
fn line_end(text: &str, offset: u32) -> u32 {
    let from = (offset as usize).min(text.len());
    let end = text.get(from..).and_then(|t| t.find(['\n', '\r'])).map_or(text.len(), |i| from + i);
    u32::try_from(end).unwrap_or(u32::MAX)
}
