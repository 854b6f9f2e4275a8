//! Names in code: `@mitigates App.API against SQL Injection` names a threat by a name, not an
//! `#id`. A name stands for the element whose id or name is the same once normalised (GuardLink
//! section 2.10); the first such element in path order, then source order, wins.
//!
//! The table is built on first use: most workspaces use `#id`s only, and a large model has tens
//! of thousands of names.

use hashbrown::HashMap;
use std::sync::Arc;

use crate::annotations::{Role, Verb, canonical_name};
use crate::model::{Element, Kind};

use super::{FileKind, SourceFile};

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
    /// Normalised ids and names of elements, by group, to the element's id.
    ids: HashMap<(Group, String), String>,
    /// Every name of threats and controls as written, by group, for suggestions.
    known: HashMap<Group, Vec<String>>,
}

impl NameTable {
    pub(super) fn build<'a>(files: impl Iterator<Item = &'a Arc<SourceFile>>) -> NameTable {
        let mut table = NameTable::default();
        let files: Vec<&Arc<SourceFile>> = files.collect();
        for file in &files {
            for e in &file.model.elements {
                table.add_element(e);
            }
        }
        for file in files.iter().filter(|f| f.kind == FileKind::Code) {
            for a in &file.annotations {
                let Some(def) = a.definition.as_ref().filter(|d| d.id.is_none()) else { continue };
                let group = match a.verb {
                    Verb::Threat => Group::Threat,
                    Verb::Control => Group::Control,
                    _ => continue,
                };
                table.known.entry(group).or_default().push(def.name.value.clone());
            }
        }
        table
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
