//! `threatls catalog`: what the built-in catalog holds, for people (text) and tools (JSON).

use std::fmt::Write;

use serde_json::{Value, json};

use crate::catalog::{Catalog, Entry, Family, capec_link, cwe_link};

pub(super) fn render(json: bool) -> String {
    let catalog = Catalog::builtin();
    if json {
        let text = serde_json::to_string_pretty(&to_json(catalog)).unwrap_or_default();
        return format!("{text}\n");
    }
    let mut out = String::new();
    for family in [Family::Stride, Family::Linddun] {
        let name = if family == Family::Stride { "STRIDE" } else { "LINDDUN" };
        let _ = writeln!(out, "{name}");
        for class in catalog.classes.iter().filter(|c| c.family == family && c.parent.is_none()) {
            let _ = writeln!(out, "  {:<40} {}", class.id, class.title);
            for fine in catalog.classes.iter().filter(|c| c.parent.as_deref() == Some(class.id.as_str())) {
                let _ = writeln!(out, "    {:<38} {}", fine.id, fine.title);
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{} classes, {} mitigation templates, {} CWE, {} CAPEC, {} OWASP Top 10 and {} ASVS entries; `--format json` lists them all",
        catalog.classes.len(),
        catalog.templates.len(),
        catalog.cwe.len(),
        catalog.capec.len(),
        catalog.owasp.len(),
        catalog.asvs.len()
    );
    out
}

fn to_json(catalog: &Catalog) -> Value {
    let classes: Vec<Value> = catalog
        .classes
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title,
                "family": if c.family == Family::Stride { "stride" } else { "linddun" },
                "parent": c.parent, "property": c.property, "description": c.description, "link": c.link,
                "cwe": c.cwe, "capec": c.capec, "asvs": c.asvs,
            })
        })
        .collect();
    let templates: Vec<Value> = catalog
        .templates
        .iter()
        .map(|m| json!({ "id": m.id, "title": m.title, "classes": m.classes, "description": m.description, "asvs": m.asvs }))
        .collect();
    let numbered = |entries: &[Entry], link: fn(u32) -> String| -> Vec<Value> {
        entries.iter().map(|e| json!({ "id": e.id, "name": e.name, "link": e.id.parse().ok().map(link) })).collect()
    };
    let linked = |entries: &[Entry]| -> Vec<Value> {
        entries.iter().map(|e| json!({ "id": e.id, "name": e.name, "link": e.link })).collect()
    };
    json!({
        "classes": classes,
        "templates": templates,
        "references": {
            "cwe": numbered(&catalog.cwe, cwe_link),
            "capec": numbered(&catalog.capec, capec_link),
            "owasp": linked(&catalog.owasp),
            "asvs": linked(&catalog.asvs),
        },
    })
}
