//! Reading the catalog's data files. An entry that lacks a required field is skipped; the data
//! tests forbid such entries, so a skipped one fails `cargo test` rather than a user's run.

use crate::syntax::{Mapping, Node, parse_yaml};

use super::{Catalog, Entry, Family, MitigationTemplate, ThreatClass};

pub(super) fn read(text: &str, catalog: &mut Catalog) {
    let parsed = parse_yaml(text);
    let Some(root) = parsed.root.as_ref().and_then(Node::as_mapping) else { return };
    let items =
        |key: &str| root.get(key).and_then(|e| e.value.as_sequence()).map(|s| s.items.as_slice()).unwrap_or_default();
    catalog.classes.extend(items("classes").iter().filter_map(class));
    catalog.templates.extend(items("templates").iter().filter_map(template));
    catalog.cwe.extend(items("cwe").iter().filter_map(entry));
    catalog.capec.extend(items("capec").iter().filter_map(entry));
    catalog.owasp.extend(items("owasp").iter().filter_map(entry));
    catalog.asvs.extend(items("asvs").iter().filter_map(entry));
}

/// A finer class takes its family and property from its parent.
pub(super) fn inherit_from_parents(catalog: &mut Catalog) {
    let parents: Vec<Option<(Family, String)>> = catalog
        .classes
        .iter()
        .map(|c| {
            let parent = catalog.class(c.parent.as_deref()?)?;
            Some((parent.family, parent.property.clone()))
        })
        .collect();
    for (class, parent) in catalog.classes.iter_mut().zip(parents) {
        if let Some((family, property)) = parent {
            class.family = family;
            class.property = property;
        }
    }
}

fn text(map: &Mapping, key: &str) -> Option<String> {
    map.get(key).and_then(|e| e.value.as_scalar()).map(|s| s.text.clone())
}

fn list(map: &Mapping, key: &str) -> Vec<String> {
    map.get(key)
        .and_then(|e| e.value.as_sequence())
        .map(|s| s.items.iter().filter_map(|i| i.as_scalar().map(|s| s.text.clone())).collect())
        .unwrap_or_default()
}

fn numbers(map: &Mapping, key: &str) -> Vec<u32> {
    list(map, key).iter().filter_map(|n| n.parse().ok()).collect()
}

fn class(node: &Node) -> Option<ThreatClass> {
    let map = node.as_mapping()?;
    let parent = text(map, "parent");
    // The STRIDE and LINDDUN classes name their family and property; finer ones inherit them.
    let family = match text(map, "family").as_deref() {
        Some("stride") => Family::Stride,
        Some("linddun") => Family::Linddun,
        None if parent.is_some() => Family::Stride,
        _ => return None,
    };
    let property = match &parent {
        Some(_) => String::new(),
        None => text(map, "property")?,
    };
    Some(ThreatClass {
        id: text(map, "id")?,
        title: text(map, "title")?,
        family,
        property,
        description: text(map, "description")?,
        link: Some(text(map, "link").or_else(|| text(map, "cheatsheet"))?),
        cwe: numbers(map, "cwe"),
        capec: numbers(map, "capec"),
        asvs: text(map, "asvs"),
        parent,
    })
}

fn template(node: &Node) -> Option<MitigationTemplate> {
    let map = node.as_mapping()?;
    let classes = list(map, "classes");
    if classes.is_empty() {
        return None;
    }
    Some(MitigationTemplate {
        id: text(map, "id")?,
        title: text(map, "title")?,
        classes,
        description: text(map, "description")?,
        asvs: list(map, "asvs"),
    })
}

fn entry(node: &Node) -> Option<Entry> {
    let map = node.as_mapping()?;
    Some(Entry { id: text(map, "id")?, name: text(map, "name")?, link: text(map, "link") })
}
