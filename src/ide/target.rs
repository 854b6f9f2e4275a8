//! What the cursor is on: an id (defined or referenced, in a model file or in code), a threat
//! class, a model key, or an annotation verb.

use crate::analysis::{FileKind, SourceFile, Workspace};
use crate::annotations::{Role, Verb};
use crate::model::schema;
use crate::syntax::TextRange;

#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// An element id; `written` is the range of the id as written (without a `#`).
    Id {
        id: String,
        written: TextRange,
    },
    /// A name or path in code that resolves to an element id.
    Name {
        id: String,
        written: TextRange,
    },
    Class {
        id: String,
        written: TextRange,
    },
    /// A key of the model format: the shape's name and the key.
    Key {
        shape: &'static schema::Shape,
        key: String,
        written: TextRange,
    },
    Verb {
        verb: Verb,
        written: TextRange,
    },
    /// An external reference: `cwe:CWE-79`, `owasp:A03:2021`.
    ExtRef {
        text: String,
        written: TextRange,
    },
}

impl Target {
    pub(crate) fn range(&self) -> TextRange {
        match self {
            Target::Id { written, .. }
            | Target::Name { written, .. }
            | Target::Class { written, .. }
            | Target::Key { written, .. }
            | Target::Verb { written, .. }
            | Target::ExtRef { written, .. } => *written,
        }
    }

    pub(crate) fn element_id(&self) -> Option<&str> {
        match self {
            Target::Id { id, .. } | Target::Name { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// The target at `offset` of the file at `path`.
pub(crate) fn at(ws: &Workspace, path: &str, offset: u32) -> Option<Target> {
    let file = ws.file(path)?;
    let hit = |r: TextRange| r.contains_inclusive(offset);
    for e in &file.model.elements {
        if hit(e.id.range) && file.kind == FileKind::Model {
            return Some(Target::Id { id: e.id.value.clone(), written: e.id.range });
        }
    }
    if file.kind == FileKind::Model {
        if let Some(r) = file.model.references.iter().find(|r| hit(r.target.range)) {
            return Some(Target::Id { id: r.target.value.clone(), written: r.target.range });
        }
        if let Some(r) = file.model.class_refs.iter().find(|r| hit(r.target.range)) {
            return Some(Target::Class { id: r.target.value.clone(), written: r.target.range });
        }
        if let Some(c) = file.model.classes.iter().find(|c| hit(c.id.range)) {
            return Some(Target::Class { id: c.id.value.clone(), written: c.id.range });
        }
        if let Some(r) = file.model.ext_refs.iter().find(|r| hit(r.range)) {
            return Some(Target::ExtRef { text: r.value.clone(), written: r.range });
        }
        return key_at(file, offset);
    }
    for a in file.annotations.iter().filter(|a| a.range.contains_inclusive(offset)) {
        if let Some(id) = a.definition.as_ref().and_then(|d| d.id.as_ref()).filter(|id| hit(id.range)) {
            return Some(Target::Id { id: id.value.clone(), written: id.range });
        }
        if let Some(r) = a.refs.iter().find(|r| hit(r.range)) {
            if let Some(id) = &r.id {
                return Some(Target::Id { id: id.value.clone(), written: id.range });
            }
            let name = r.name.as_deref()?;
            return resolve_name(ws, name, r.role).map(|id| Target::Name { id, written: r.range });
        }
        if let Some(r) = a.ext_refs.iter().find(|r| hit(r.range)) {
            return Some(Target::ExtRef { text: r.value.clone(), written: r.range });
        }
        if hit(a.verb_range) {
            return Some(Target::Verb { verb: a.verb, written: a.verb_range });
        }
    }
    None
}

/// The element id a name or path in code stands for, when it names one (by its id or name,
/// normalised as GuardLink section 2.10 says).
pub(crate) fn resolve_name(ws: &Workspace, name: &str, role: Role) -> Option<String> {
    ws.names().resolve(name, role).map(str::to_owned)
}

/// A key of the model format at `offset`, with the shape it belongs to.
fn key_at(file: &SourceFile, offset: u32) -> Option<Target> {
    let tree = file.tree.as_ref()?;
    let mut shape = &schema::MODEL;
    let mut node = tree;
    loop {
        let map = node.as_mapping()?;
        let entry = map
            .entries
            .iter()
            .find(|e| e.key.range.start <= offset && offset <= e.value.range.end.max(e.key.range.end))?;
        let key = entry.key_text()?;
        if entry.key.range.contains_inclusive(offset) {
            shape.field(key)?;
            return Some(Target::Key { shape, key: key.to_owned(), written: entry.key.range });
        }
        match shape.field(key)?.ty {
            schema::Ty::Object(inner) => {
                shape = inner;
                node = &entry.value;
            }
            schema::Ty::List(inner) => {
                shape = inner;
                node = entry.value.as_sequence()?.items.iter().find(|i| i.range.contains_inclusive(offset))?;
            }
            _ => return None,
        }
    }
}
