//! Where every id is defined.

use hashbrown::HashMap;
use std::sync::{Arc, OnceLock};

use crate::catalog::{Catalog, MitigationTemplate, ThreatClass, View};
use crate::model::{ClassDef, Element, Kind, Spanned, TemplateDef};

use super::{FileKind, SourceFile};

/// One definition of an element id.
#[derive(Clone, Copy, Debug)]
pub struct Def<'a> {
    pub file: &'a SourceFile,
    pub element: &'a Element,
}

impl<'a> Def<'a> {
    /// The external references the definition writes: a model element's `refs:`, or those on
    /// the annotation that defines it in code.
    pub fn ext_refs(self) -> impl Iterator<Item = &'a Spanned<String>> {
        let range = self.element.range;
        let inside = move |r: &&Spanned<String>| range.start <= r.range.start && r.range.end <= range.end;
        // A model's references are sorted by position: skip to the element's.
        let model = &self.file.model.ext_refs;
        let first = model.partition_point(|r| r.range.start < range.start);
        let in_model = model.get(first..).unwrap_or_default().iter().take_while(move |r| r.range.start < range.end);
        let in_code = self.file.annotations.iter().flat_map(|a| &a.ext_refs);
        in_model.chain(in_code).filter(inside)
    }
}

/// Hashed, not ordered: ids of a large model share long prefixes (`threat-0001`...), which
/// makes ordered lookups compare many bytes; the sorted list is built once, when asked for.
#[derive(Debug, Default)]
pub struct Index {
    /// Every definition of each element id, in path order then source order.
    elements: HashMap<Arc<str>, Defs>,
    /// Every definition of each team-defined class id.
    classes: HashMap<Arc<str>, Defs>,
    /// Every definition of each team-defined mitigation template id.
    templates: HashMap<Arc<str>, Defs>,
    /// The team's classes and templates (first definitions), as catalog entries.
    team: Catalog,
    sorted_ids: OnceLock<Vec<Arc<str>>>,
}

/// The definitions of one id, as a file and a position in one of its lists. An id almost always
/// has one, so the first is held inline: the index is built again after every edit, and a list
/// per id was a heap allocation per element of the model.
#[derive(Debug)]
struct Defs {
    first: (Arc<SourceFile>, usize),
    more: Vec<(Arc<SourceFile>, usize)>,
}

impl Defs {
    /// Adds a definition of the id under `key`, and says whether it is the first.
    fn add(map: &mut HashMap<Arc<str>, Defs>, key: &str, def: (Arc<SourceFile>, usize)) -> bool {
        match map.get_mut(key) {
            Some(defs) => {
                defs.more.push(def);
                false
            }
            None => {
                map.insert(Arc::from(key), Defs { first: def, more: Vec::new() });
                true
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(Arc<SourceFile>, usize)> {
        std::iter::once(&self.first).chain(&self.more)
    }
}

impl Index {
    /// Model files come before source files and files nearer the root first, so a top-level
    /// model's definition is the original and an included file's or the code's the duplicate.
    pub(super) fn build<'a>(files: impl Iterator<Item = &'a Arc<SourceFile>>) -> Index {
        // Only files that define something; most source files define nothing.
        let mut files: Vec<&Arc<SourceFile>> = files
            .filter(|f| !f.model.elements.is_empty() || !f.model.classes.is_empty() || !f.model.templates.is_empty())
            .collect();
        files.sort_by_cached_key(|f| (f.kind != FileKind::Model, f.path.matches('/').count(), f.path.as_str()));
        let count = |list: fn(&SourceFile) -> usize| files.iter().map(|f| list(f)).sum();
        let mut index = Index {
            elements: HashMap::with_capacity(count(|f| f.model.elements.len())),
            classes: HashMap::with_capacity(count(|f| f.model.classes.len())),
            templates: HashMap::with_capacity(count(|f| f.model.templates.len())),
            ..Index::default()
        };
        for file in files {
            for (i, e) in file.model.elements.iter().enumerate() {
                Defs::add(&mut index.elements, &e.id.value, (Arc::clone(file), i));
            }
            for (i, c) in file.model.classes.iter().enumerate() {
                if Defs::add(&mut index.classes, &c.id.value, (Arc::clone(file), i))
                    && !View::builtin().is_builtin(&c.id.value)
                {
                    index.team.classes.push(team_class(c));
                }
            }
            for (i, t) in file.model.templates.iter().enumerate() {
                if Defs::add(&mut index.templates, &t.id.value, (Arc::clone(file), i))
                    && !View::builtin().templates().any(|b| b.id == t.id.value)
                {
                    index.team.templates.push(team_template(t));
                }
            }
        }
        index
    }

    /// The catalog with the team's classes and templates.
    pub fn catalog(&self) -> View<'_> {
        View::new(&self.team)
    }

    /// Every definition of `id`; the first is the one references resolve to.
    pub fn defs(&self, id: &str) -> impl Iterator<Item = Def<'_>> {
        self.elements
            .get(id)
            .into_iter()
            .flat_map(Defs::iter)
            .filter_map(|(file, i)| Some(Def { file, element: file.model.elements.get(*i)? }))
    }

    pub fn def(&self, id: &str) -> Option<Def<'_>> {
        self.defs(id).next()
    }

    /// Every definition of the team-defined class `id`, with its file.
    pub fn class_defs(&self, id: &str) -> impl Iterator<Item = (&SourceFile, &ClassDef)> {
        self.classes
            .get(id)
            .into_iter()
            .flat_map(Defs::iter)
            .filter_map(|(file, i)| Some((file.as_ref(), file.model.classes.get(*i)?)))
    }

    /// Every definition of the team-defined template `id`, with its file.
    pub fn template_defs(&self, id: &str) -> impl Iterator<Item = (&SourceFile, &TemplateDef)> {
        self.templates
            .get(id)
            .into_iter()
            .flat_map(Defs::iter)
            .filter_map(|(file, i)| Some((file.as_ref(), file.model.templates.get(*i)?)))
    }

    /// The ids whose (first) definition has one of these kinds, sorted; all ids for `None`.
    pub fn ids<'a>(&'a self, kinds: Option<&'a [Kind]>) -> impl Iterator<Item = &'a str> {
        let sorted = self.sorted_ids.get_or_init(|| {
            let mut ids: Vec<Arc<str>> = self.elements.keys().cloned().collect();
            ids.sort_unstable();
            ids
        });
        sorted
            .iter()
            .map(AsRef::as_ref)
            .filter(move |id| kinds.is_none_or(|ks| self.def(id).is_some_and(|d| ks.contains(&d.element.kind))))
    }

    /// All team-defined class ids, sorted.
    pub fn class_ids(&self) -> impl Iterator<Item = &str> {
        let mut ids: Vec<&str> = self.classes.keys().map(AsRef::as_ref).collect();
        ids.sort_unstable();
        ids.into_iter()
    }
}

fn team_class(c: &ClassDef) -> ThreatClass {
    let mut class = ThreatClass {
        id: c.id.value.clone(),
        title: c.title.as_ref().map_or_else(|| c.id.value.clone(), |t| t.value.clone()),
        family: crate::catalog::Family::Stride,
        parent: c.parent.as_ref().map(|p| p.value.clone()),
        property: String::new(),
        description: c.description.clone().unwrap_or_default(),
        link: c.cheatsheet.clone(),
        cwe: c.cwe.clone(),
        capec: c.capec.clone(),
        asvs: c.asvs.clone(),
    };
    crate::catalog::inherit(&mut class);
    class
}

fn team_template(t: &TemplateDef) -> MitigationTemplate {
    MitigationTemplate {
        id: t.id.value.clone(),
        title: t.title.clone(),
        classes: t.classes.clone(),
        description: t.description.clone().unwrap_or_default(),
        asvs: t.asvs.clone(),
    }
}
