//! Built-in knowledge: threat classes (and, as the catalog grows, mitigations and references).
//!
//! The data lives in `catalog/*.yaml` at the repository root and is embedded at build time. It is
//! read once, with the same YAML reader as model files.

use std::sync::OnceLock;

use crate::syntax::{Node, parse_yaml};

/// Which taxonomy a built-in class belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Stride,
    Linddun,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreatClass {
    pub id: String,
    pub title: String,
    pub family: Family,
    /// The security or privacy property the class threatens.
    pub property: String,
    pub description: String,
    pub link: String,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub classes: Vec<ThreatClass>,
}

impl Catalog {
    /// The catalog built into this binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::from_yaml(include_str!("../../catalog/classes.yaml")))
    }

    pub fn class(&self, id: &str) -> Option<&ThreatClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    /// Reads catalog data; entries that lack a field are skipped (the data tests forbid them).
    fn from_yaml(text: &str) -> Catalog {
        let parsed = parse_yaml(text);
        let classes = parsed
            .root
            .as_ref()
            .and_then(Node::as_mapping)
            .and_then(|m| m.get("classes"))
            .and_then(|e| e.value.as_sequence())
            .map(|seq| seq.items.iter().filter_map(class).collect())
            .unwrap_or_default();
        Catalog { classes }
    }
}

fn class(node: &Node) -> Option<ThreatClass> {
    let map = node.as_mapping()?;
    let text = |key: &str| map.get(key).and_then(|e| e.value.as_scalar()).map(|s| s.text.clone());
    let family = match text("family")?.as_str() {
        "stride" => Family::Stride,
        "linddun" => Family::Linddun,
        _ => return None,
    };
    Some(ThreatClass {
        id: text("id")?,
        title: text("title")?,
        family,
        property: text("property")?,
        description: text("description")?,
        link: text("link")?,
    })
}

#[cfg(test)]
mod tests {
    use super::{Catalog, Family};
    use crate::syntax::parse_yaml;

    #[test]
    fn every_entry_loads() {
        let text = include_str!("../../catalog/classes.yaml");
        assert!(parse_yaml(text).diagnostics.is_empty());
        let entries = text.lines().filter(|l| l.trim_start().starts_with("- id:")).count();
        let catalog = Catalog::builtin();
        assert_eq!(catalog.classes.len(), entries, "an entry of classes.yaml lacks a field");
        assert_eq!(catalog.classes.iter().filter(|c| c.family == Family::Stride).count(), 6);
        assert_eq!(catalog.classes.iter().filter(|c| c.family == Family::Linddun).count(), 7);
    }

    #[test]
    fn ids_are_unique_and_valid() {
        let catalog = Catalog::builtin();
        let mut ids: Vec<&str> = catalog.classes.iter().map(|c| c.id.as_str()).collect();
        assert!(ids.iter().all(|id| crate::model::is_valid_id(id)));
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }
}
