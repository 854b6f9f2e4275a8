//! Built-in knowledge: threat classes (STRIDE, LINDDUN and finer classes of common threats),
//! mitigation templates for each, and the reference ids (CWE, CAPEC, OWASP Top 10, ASVS) that
//! `refs:` lists cite.
//!
//! The data lives in `catalog/*.yaml` at the repository root, embedded at build time and read
//! once with the same YAML reader as model files. Adding a class is editing data; the tests at
//! the bottom hold the data together (unique ids, parents and references that resolve,
//! mitigations for every class).

mod load;
mod refs;
mod view;

use std::sync::OnceLock;

pub use refs::{RefInfo, capec_link, cwe_link, cwe_number, reference};
pub use view::{View, inherit};

/// The data files, in the order their entries are listed.
const FILES: &[(&str, &str)] = &[
    ("classes.yaml", include_str!("../../catalog/classes.yaml")),
    ("application.yaml", include_str!("../../catalog/application.yaml")),
    ("architecture.yaml", include_str!("../../catalog/architecture.yaml")),
    ("stride-linddun-mitigations.yaml", include_str!("../../catalog/stride-linddun-mitigations.yaml")),
    ("references.yaml", include_str!("../../catalog/references.yaml")),
];

/// Which taxonomy a class belongs to; a finer class belongs to its parent's.
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
    /// The STRIDE class a finer class refines; `None` for the STRIDE and LINDDUN classes.
    pub parent: Option<String>,
    /// The security or privacy property the class threatens (a finer class: its parent's).
    pub property: String,
    pub description: String,
    /// Where to read more: the taxonomy's page, or the OWASP cheat sheet of a finer class
    /// (a team class may have none).
    pub link: Option<String>,
    /// The usual CWE and CAPEC numbers.
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    /// The OWASP ASVS 4.0.3 chapter that covers it (`V5`).
    pub asvs: Option<String>,
}

/// A mitigation a reviewer would expect for some classes: completion turns one into a
/// mitigation of the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MitigationTemplate {
    pub id: String,
    pub title: String,
    pub classes: Vec<String>,
    pub description: String,
    /// ASVS 4.0.3 requirement ids (`V5.3.4`).
    pub asvs: Vec<String>,
}

/// A numbered entry of a taxonomy (CWE, CAPEC), or a named one with its own link (OWASP Top 10,
/// ASVS chapters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub link: Option<String>,
}

/// The built-in catalog, or a workspace's own classes and templates (see [`View`]).
#[derive(Debug, Default)]
pub struct Catalog {
    pub classes: Vec<ThreatClass>,
    pub templates: Vec<MitigationTemplate>,
    pub cwe: Vec<Entry>,
    pub capec: Vec<Entry>,
    pub owasp: Vec<Entry>,
    pub asvs: Vec<Entry>,
}

impl Catalog {
    const EMPTY: Catalog = Catalog {
        classes: Vec::new(),
        templates: Vec::new(),
        cwe: Vec::new(),
        capec: Vec::new(),
        owasp: Vec::new(),
        asvs: Vec::new(),
    };

    /// The catalog built into this binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let mut catalog = Catalog::default();
            for (_, text) in FILES {
                load::read(text, &mut catalog);
            }
            load::inherit_from_parents(&mut catalog);
            catalog
        })
    }

    pub fn class(&self, id: &str) -> Option<&ThreatClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    pub fn cwe(&self, number: u32) -> Option<&Entry> {
        let id = number.to_string();
        self.cwe.iter().find(|e| e.id == id)
    }

    pub fn capec(&self, number: u32) -> Option<&Entry> {
        let id = number.to_string();
        self.capec.iter().find(|e| e.id == id)
    }
}

#[cfg(test)]
mod tests;
