//! The catalog's data holds together: these tests fail on a typo in a data file.

use std::collections::HashSet;

use super::{Catalog, FILES, Family, reference};
use crate::model::check_ext_ref;
use crate::syntax::{Node, parse_yaml};

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "{what} `{id}` is listed twice");
    }
}

#[test]
fn every_entry_of_every_file_loads() {
    let mut written = 0;
    for (name, text) in FILES {
        let parsed = parse_yaml(text);
        assert!(parsed.diagnostics.is_empty(), "{name}: {:?}", parsed.diagnostics);
        let root = parsed.root.as_ref().and_then(Node::as_mapping).unwrap_or_else(|| panic!("{name} is not a mapping"));
        for entry in &root.entries {
            let section =
                entry.value.as_sequence().unwrap_or_else(|| panic!("{name}: `{:?}` is not a list", entry.key_text()));
            written += section.items.len();
        }
    }
    let c = Catalog::builtin();
    let loaded = c.classes.len() + c.templates.len() + c.cwe.len() + c.capec.len() + c.owasp.len() + c.asvs.len();
    assert_eq!(loaded, written, "an entry lacks a required field, or a section is misnamed");
}

#[test]
fn ids_are_unique_and_valid() {
    let c = Catalog::builtin();
    unique("class", c.classes.iter().map(|x| x.id.as_str()));
    unique("mitigation", c.templates.iter().map(|x| x.id.as_str()));
    unique("CWE", c.cwe.iter().map(|x| x.id.as_str()));
    unique("CAPEC", c.capec.iter().map(|x| x.id.as_str()));
    unique("OWASP", c.owasp.iter().map(|x| x.id.as_str()));
    unique("ASVS", c.asvs.iter().map(|x| x.id.as_str()));
    for id in c.classes.iter().map(|x| &x.id).chain(c.templates.iter().map(|x| &x.id)) {
        assert!(crate::model::is_valid_id(id), "`{id}` is not a valid id");
    }
    for e in c.cwe.iter().chain(&c.capec) {
        assert!(e.id.parse::<u32>().is_ok(), "`{}` is not a number", e.id);
    }
}

#[test]
fn the_taxonomies_are_complete() {
    let c = Catalog::builtin();
    let top = |family| c.classes.iter().filter(|x| x.family == family && x.parent.is_none()).count();
    assert_eq!(top(Family::Stride), 6);
    assert_eq!(top(Family::Linddun), 7);
    assert!(c.classes.iter().filter(|x| x.parent.is_some()).count() >= 42);
    for id in [
        "sql-nosql-injection",
        "cross-site-scripting",
        "server-side-request-forgery",
        "missing-authentication",
        "unencrypted-communication",
        "path-traversal",
        "untrusted-deserialization",
    ] {
        assert!(c.class(id).is_some(), "the class `{id}` is missing");
    }
    for n in 1..=10 {
        assert!(c.owasp.iter().any(|e| e.id == format!("A{n:02}:2021")), "OWASP A{n:02}:2021 is missing");
    }
    for n in 1..=14 {
        assert!(c.asvs.iter().any(|e| e.id == format!("V{n}")), "ASVS V{n} is missing");
    }
    assert!(c.cwe.len() >= 25);
}

#[test]
fn every_reference_resolves() {
    let c = Catalog::builtin();
    for class in &c.classes {
        if let Some(parent) = &class.parent {
            let p = c.class(parent).unwrap_or_else(|| panic!("`{}`: unknown parent `{parent}`", class.id));
            assert!(
                p.family == Family::Stride && p.parent.is_none(),
                "`{}`: the parent must be a STRIDE class",
                class.id
            );
            assert!(class.asvs.is_some(), "`{}` names no ASVS chapter", class.id);
            assert!(!class.cwe.is_empty(), "`{}` names no CWE", class.id);
        }
        for n in &class.cwe {
            assert!(c.cwe(*n).is_some(), "`{}`: CWE-{n} has no name in the catalog", class.id);
        }
        for n in &class.capec {
            assert!(c.capec(*n).is_some(), "`{}`: CAPEC-{n} has no name in the catalog", class.id);
        }
        if let Some(chapter) = &class.asvs {
            assert!(c.asvs.iter().any(|e| &e.id == chapter), "`{}`: unknown ASVS chapter `{chapter}`", class.id);
        }
        assert!(
            class.link.as_deref().is_some_and(|l| l.starts_with("https://")),
            "`{}`: the link is not https",
            class.id
        );
    }
    for m in &c.templates {
        for class in &m.classes {
            assert!(c.class(class).is_some(), "mitigation `{}`: unknown class `{class}`", m.id);
        }
        for a in &m.asvs {
            let r = format!("asvs:{a}");
            assert!(check_ext_ref(&r).is_ok() && reference(&r).is_some(), "mitigation `{}`: bad ASVS id `{a}`", m.id);
        }
    }
    for e in c.owasp.iter().chain(&c.asvs) {
        assert!(e.link.as_deref().is_some_and(|l| l.starts_with("https://")), "`{}` has no https link", e.id);
    }
}

#[test]
fn every_class_has_mitigations() {
    let c = Catalog::builtin();
    for class in &c.classes {
        let direct = c.templates.iter().filter(|m| m.classes.contains(&class.id)).count();
        let needed = if class.parent.is_some() { 2 } else { 1 };
        assert!(direct >= needed, "`{}` has {direct} mitigations; it needs {needed}", class.id);
    }
}

#[test]
fn references_name_what_they_point_at() {
    let r = reference("cwe:CWE-79").unwrap_or_else(|| panic!("no CWE-79"));
    assert!(r.name.as_deref().is_some_and(|n| n.contains("Cross-site Scripting")));
    assert_eq!(r.link, "https://cwe.mitre.org/data/definitions/79.html");
    let unknown = reference("cwe:CWE-999999").unwrap_or_else(|| panic!("no answer"));
    assert!(unknown.unknown_number && unknown.name.is_none());
    let asvs = reference("asvs:V5.3.4").unwrap_or_else(|| panic!("no V5"));
    assert!(asvs.name.as_deref().is_some_and(|n| n.starts_with("V5.3.4, in ")));
    assert_eq!(
        reference("attack:T1078.004").map(|r| r.link).as_deref(),
        Some("https://attack.mitre.org/techniques/T1078/004/")
    );
    assert_eq!(reference("nope:1"), None);
}
