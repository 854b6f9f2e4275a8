//! Where an id is defined and used, across model files and code: definition, references,
//! highlights, and renaming.

use crate::analysis::{Occurrence, Workspace};
use crate::model::is_valid_id;
use crate::syntax::TextRange;

use super::target::{self, Target};
use super::{FileEdit, FileRange};

/// Where the id (or class) at the cursor is defined.
pub fn definition(ws: &Workspace, path: &str, offset: u32) -> Vec<FileRange> {
    match target::at(ws, path, offset) {
        Some(Target::Class { id, .. }) => ws
            .analysis()
            .index
            .class_defs(&id)
            .map(|(file, class)| FileRange { path: file.path.clone(), range: class.id.range })
            .collect(),
        Some(t) => {
            let Some(id) = t.element_id() else { return Vec::new() };
            let index = &ws.analysis().index;
            index
                .def(id)
                .map(|d| FileRange { path: d.file.path.clone(), range: d.element.id.range })
                .into_iter()
                .collect()
        }
        None => Vec::new(),
    }
}

/// Every place the id at the cursor is written, with or without its definitions.
pub fn references(ws: &Workspace, path: &str, offset: u32, include_definitions: bool) -> Vec<Occurrence> {
    let Some(id) = target::at(ws, path, offset).and_then(|t| t.element_id().map(str::to_owned)) else {
        return Vec::new();
    };
    ws.occurrences(&id).iter().filter(|o| include_definitions || !o.is_definition).cloned().collect()
}

/// The places in this file the id at the cursor is written.
pub fn highlights(ws: &Workspace, path: &str, offset: u32) -> Vec<Occurrence> {
    references(ws, path, offset, true).into_iter().filter(|o| &*o.path == path).collect()
}

/// The range and text of the id a rename at the cursor would change, or why it cannot.
pub fn prepare_rename(ws: &Workspace, path: &str, offset: u32) -> Result<(TextRange, String), String> {
    match target::at(ws, path, offset) {
        Some(Target::Id { id, written }) => {
            if ws.analysis().index.def(&id).is_none() {
                return Err(format!("`{id}` is not defined anywhere, so there is nothing to rename"));
            }
            Ok((written, id))
        }
        Some(Target::Name { id, .. }) => Err(format!(
            "this is a name that stands for `{id}`; rename `{id}` where it is defined or written as `#{id}`"
        )),
        Some(Target::Class { .. }) => Err("threat classes cannot be renamed here".to_owned()),
        Some(Target::Key { .. }) => Err("this is a key of the format, not an id".to_owned()),
        Some(Target::Verb { .. }) => Err("this is an annotation verb, not an id".to_owned()),
        Some(Target::ExtRef { .. }) => Err("this is an external reference, not an id".to_owned()),
        None => Err("there is no id here to rename".to_owned()),
    }
}

/// The edits that rename the id at the cursor to `new_name` everywhere it is written as an id.
pub fn rename(ws: &Workspace, path: &str, offset: u32, new_name: &str) -> Result<Vec<FileEdit>, String> {
    let (_, id) = prepare_rename(ws, path, offset)?;
    let new_name = new_name.trim_start_matches('#');
    if !is_valid_id(new_name) {
        return Err(format!("`{new_name}` is not a valid id: ids use only letters, digits, `-` and `_`"));
    }
    if new_name != id && ws.analysis().index.def(new_name).is_some() {
        return Err(format!("`{new_name}` is already an id in this workspace"));
    }
    Ok(ws
        .occurrences(&id)
        .iter()
        .filter(|o| o.renamable)
        .map(|o| FileEdit { path: o.path.to_string(), range: o.range, new_text: new_name.to_owned() })
        .collect())
}
