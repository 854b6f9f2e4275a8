//! Names in code: `@mitigates App.API against SQL Injection` names a threat by a name, not an
//! `#id`. A name stands for the element whose id or name is the same once normalised (GuardLink
//! section 2.10); the first such element in path order, then source order, wins.
//!
//! The table is built on first use: most workspaces use `#id`s only, and a large model has tens
//! of thousands of names. Most edits change no name, so a new analysis takes over the last
//! one's table when every file it reads has the same [`identity`], in the same order.

use hashbrown::HashMap;
use std::sync::Arc;

use crate::annotations::{Role, Verb, canonical_name};
use crate::model::{Element, Kind};

use super::{FileKind, SourceFile, identity};

/// What a name in code can stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Asset,
    Threat,
    Control,
}

impl Group {
    fn of_kind(kind: Kind) -> Option<Group> {
        match kind {
            Kind::Asset | Kind::Flow => Some(Group::Asset),
            Kind::Threat => Some(Group::Threat),
            Kind::Mitigation => Some(Group::Control),
            Kind::Boundary | Kind::Data => None,
        }
    }

    pub fn of_role(role: Role) -> Group {
        match role {
            Role::Asset | Role::Actor => Group::Asset,
            Role::Threat => Group::Threat,
            Role::Control => Group::Control,
        }
    }

    /// The word used in implicit keys (`threat:sql_injection`) and messages.
    pub fn word(self) -> &'static str {
        match self {
            Group::Asset => "asset",
            Group::Threat => "threat",
            Group::Control => "control",
        }
    }
}

#[derive(Debug, Default)]
pub struct NameTable {
    /// The files it was built from: [`identity::key`].
    key: u64,
    /// Normalised ids and names of elements, by group, to the element's id.
    ids: HashMap<(Group, String), String>,
    /// Every name of threats and controls as written, by group, for suggestions.
    known: HashMap<Group, Vec<String>>,
}

impl NameTable {
    /// The table of `files`, or `previous` when it was built from the same names.
    pub(super) fn of<'a>(
        files: impl Iterator<Item = &'a Arc<SourceFile>>,
        previous: Option<&Arc<NameTable>>,
    ) -> Arc<NameTable> {
        let files: Vec<&Arc<SourceFile>> = files.collect();
        let key = identity::key(files.iter().map(|f| f.as_ref()));
        if let Some(previous) = previous.filter(|p| p.key == key) {
            return Arc::clone(previous);
        }
        let mut table = NameTable { key, ..NameTable::default() };
        for file in &files {
            for e in &file.model.elements {
                table.add_element(e);
            }
        }
        for file in &files {
            for (group, name) in code_names(file) {
                table.known.entry(group).or_default().push(name.to_owned());
            }
        }
        Arc::new(table)
    }

    fn add_element(&mut self, e: &Element) {
        let Some(group) = Group::of_kind(e.kind) else { return };
        for name in std::iter::once(&e.id.value).chain(e.name.as_ref().map(|n| &n.value)) {
            self.ids.entry((group, canonical_name(name))).or_insert_with(|| e.id.value.clone());
            self.known.entry(group).or_default().push(name.clone());
        }
    }

    /// The element id that `name`, in a position of `role`, stands for.
    pub fn resolve(&self, name: &str, role: Role) -> Option<&str> {
        self.ids.get(&(Group::of_role(role), canonical_name(name))).map(String::as_str)
    }

    /// Every name of the group's elements as written.
    pub(super) fn known(&self, group: Group) -> &[String] {
        self.known.get(&group).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Threat and control names that annotations define without an `#id`.
pub(super) fn code_names(file: &SourceFile) -> impl Iterator<Item = (Group, &str)> {
    let annotations = if file.kind == FileKind::Code { &file.annotations[..] } else { &[] };
    annotations.iter().filter_map(|a| {
        let def = a.definition.as_ref().filter(|d| d.id.is_none())?;
        let group = match a.verb {
            Verb::Threat => Group::Threat,
            Verb::Control => Group::Control,
            _ => return None,
        };
        Some((group, def.name.value.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::{FileInput, Options, Workspace};
    use crate::date::Date;

    fn table_after(edits: &[&str]) -> Vec<usize> {
        let mut ws = Workspace::new(Options::new(Date::EPOCH));
        ws.set_file("app.go", FileInput::Text("// @exposes Web_API to Tampering_Of_Orders\n".to_owned()));
        edits
            .iter()
            .map(|text| {
                ws.set_open_file("threatmodel.yaml", (*text).to_owned());
                std::ptr::from_ref(ws.names()) as usize
            })
            .collect()
    }

    const MODEL: &str = "threatmodel: 1\nassets:\n  - { id: web-api, name: Web API }\nthreats:\n  - { id: t1, title: Tampering of orders, affects: [web-api], severity: high }\n";

    #[test]
    fn an_edit_that_changes_no_name_keeps_the_table() {
        let tables = table_after(&[MODEL, &MODEL.replace("high", "low"), &MODEL.replace("high", "medium, class: x")]);
        assert!(tables.windows(2).all(|w| w[0] == w[1]), "{tables:?}");
    }

    #[test]
    fn renaming_builds_a_new_table() {
        let tables = table_after(&[MODEL, &MODEL.replace("Web API", "Web APIs"), &MODEL.replace("id: t1", "id: t2")]);
        assert!(tables[0] != tables[1] && tables[1] != tables[2], "{tables:?}");
    }
}
