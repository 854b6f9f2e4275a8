//! Where every id is defined.

use hashbrown::HashMap;
use std::sync::{Arc, OnceLock};

use crate::catalog::{Catalog, MitigationTemplate, ThreatClass, View};
use crate::model::{ClassDef, Element, Kind, Spanned, TemplateDef};

use super::{FileKind, SourceFile, identity};

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

/// The index of one analysis: the files that define something, and the tables of where in
/// them each id is defined.
#[derive(Debug, Default)]
pub struct Index {
    /// Model files first, then files nearer the root, then by path: the first definition of an
    /// id is the original, later ones (an included file's, the code's) are duplicates.
    files: Vec<Arc<SourceFile>>,
    /// Shared with the previous analysis when no file's [`identity`] changed: the tables hold
    /// positions in `files`, not the files, so they outlive an edit that moves no definition.
    ids: Arc<IdTables>,
    /// The team's classes and templates (first definitions), as catalog entries; built again
    /// every time, since they hold the definitions' text.
    team: Catalog,
}

/// Hashed, not ordered: ids of a large model share long prefixes (`threat-0001`...), which
/// makes ordered lookups compare many bytes; the sorted list is built once, when asked for.
#[derive(Debug, Default)]
pub(super) struct IdTables {
    /// [`identity::key`] of the files the tables were built from.
    key: u64,
    /// Every definition of each element id, with the kind of the first.
    elements: HashMap<Box<str>, (Kind, Defs)>,
    /// Every definition of each team-defined class id.
    classes: HashMap<Box<str>, Defs>,
    /// Every definition of each team-defined mitigation template id.
    templates: HashMap<Box<str>, Defs>,
    /// How many elements of each kind the files define (duplicates too), by [`Kind::ALL`]'s order.
    per_kind: [usize; Kind::ALL.len()],
    /// Whether an element id is defined more than once; almost never, so the passes that ask
    /// whether a definition is the original need not look it up.
    duplicates: bool,
    sorted: OnceLock<Vec<Box<str>>>,
}

/// A definition: the position of its file in [`Index::files`] and of the definition in that
/// file's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At {
    file: u32,
    item: u32,
}

/// The definitions of one id. An id almost always has one, so the first is held inline.
#[derive(Debug)]
struct Defs {
    first: At,
    more: Vec<At>,
}

impl Defs {
    /// Adds a definition of the id under `key`, and says whether it is the first.
    fn add<V>(map: &mut HashMap<Box<str>, V>, key: &str, at: At, new: impl FnOnce(Defs) -> V) -> bool
    where
        V: AsMut<Defs>,
    {
        match map.get_mut(key) {
            Some(v) => {
                v.as_mut().more.push(at);
                false
            }
            None => {
                map.insert(Box::from(key), new(Defs { first: at, more: Vec::new() }));
                true
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = At> + '_ {
        std::iter::once(self.first).chain(self.more.iter().copied())
    }
}

impl AsMut<Defs> for Defs {
    fn as_mut(&mut self) -> &mut Defs {
        self
    }
}

impl AsMut<Defs> for (Kind, Defs) {
    fn as_mut(&mut self) -> &mut Defs {
        &mut self.1
    }
}

impl IdTables {
    fn build(files: &[Arc<SourceFile>], key: u64) -> IdTables {
        let count = |list: fn(&SourceFile) -> usize| files.iter().map(|f| list(f)).sum();
        let mut ids = IdTables {
            key,
            elements: HashMap::with_capacity(count(|f| f.model.elements.len())),
            classes: HashMap::with_capacity(count(|f| f.model.classes.len())),
            templates: HashMap::with_capacity(count(|f| f.model.templates.len())),
            ..IdTables::default()
        };
        for (file, f) in (0..).zip(files) {
            for (item, e) in (0..).zip(&f.model.elements) {
                let first = Defs::add(&mut ids.elements, &e.id.value, At { file, item }, |d| (e.kind, d));
                ids.duplicates |= !first;
                if let Some(n) = Kind::ALL.iter().position(|k| *k == e.kind).and_then(|i| ids.per_kind.get_mut(i)) {
                    *n += 1;
                }
            }
            for (item, c) in (0..).zip(&f.model.classes) {
                Defs::add(&mut ids.classes, &c.id.value, At { file, item }, |d| d);
            }
            for (item, t) in (0..).zip(&f.model.templates) {
                Defs::add(&mut ids.templates, &t.id.value, At { file, item }, |d| d);
            }
        }
        ids
    }
}

impl Index {
    /// Builds the index of `files`, taking over `previous`'s tables when no file that defines
    /// something has changed what it defines.
    pub(super) fn build<'a>(
        files: impl Iterator<Item = &'a Arc<SourceFile>>,
        previous: Option<&Arc<IdTables>>,
    ) -> Index {
        // Only files that define something; most source files define nothing.
        let mut files: Vec<Arc<SourceFile>> = files
            .filter(|f| !f.model.elements.is_empty() || !f.model.classes.is_empty() || !f.model.templates.is_empty())
            .cloned()
            .collect();
        files.sort_by_cached_key(|f| (f.kind != FileKind::Model, f.path.matches('/').count(), f.path.clone()));
        let key = identity::key(files.iter().map(Arc::as_ref));
        let ids = match previous.filter(|ids| ids.key == key) {
            Some(ids) => Arc::clone(ids),
            None => Arc::new(IdTables::build(&files, key)),
        };
        let mut index = Index { files, ids, team: Catalog::default() };
        index.team = index.team_catalog();
        index
    }

    /// The first definitions of the team's classes and templates that are not built in.
    fn team_catalog(&self) -> Catalog {
        let mut team = Catalog::default();
        for (file, f) in (0..).zip(&self.files) {
            for (item, c) in (0..).zip(&f.model.classes) {
                let first = self.ids.classes.get(c.id.value.as_str()).map(|d| d.first);
                if first == Some(At { file, item }) && !View::builtin().is_builtin(&c.id.value) {
                    team.classes.push(team_class(c));
                }
            }
            for (item, t) in (0..).zip(&f.model.templates) {
                let first = self.ids.templates.get(t.id.value.as_str()).map(|d| d.first);
                if first == Some(At { file, item }) && !View::builtin().templates().any(|b| b.id == t.id.value) {
                    team.templates.push(team_template(t));
                }
            }
        }
        team
    }

    /// The id tables, which the next analysis may take over.
    pub(super) fn tables(&self) -> &Arc<IdTables> {
        &self.ids
    }

    fn file(&self, at: At) -> Option<&SourceFile> {
        self.files.get(usize::try_from(at.file).ok()?).map(Arc::as_ref)
    }

    /// The catalog with the team's classes and templates.
    pub fn catalog(&self) -> View<'_> {
        View::new(&self.team)
    }

    /// Every definition of `id`; the first is the one references resolve to.
    pub fn defs(&self, id: &str) -> impl Iterator<Item = Def<'_>> {
        self.ids.elements.get(id).into_iter().flat_map(|(_, defs)| defs.iter()).filter_map(|at| {
            let file = self.file(at)?;
            Some(Def { file, element: file.model.elements.get(usize::try_from(at.item).ok()?)? })
        })
    }

    pub fn def(&self, id: &str) -> Option<Def<'_>> {
        self.defs(id).next()
    }

    /// The kind of element `id` names (its first definition's), without reading the definition.
    pub fn kind(&self, id: &str) -> Option<Kind> {
        self.ids.elements.get(id).map(|(kind, _)| *kind)
    }

    /// How many elements of `kind` the files define, duplicates included.
    pub fn count(&self, kind: Kind) -> usize {
        Kind::ALL.iter().position(|k| *k == kind).and_then(|i| self.ids.per_kind.get(i)).copied().unwrap_or(0)
    }

    /// Whether `element`, of a file the index was built from, is the first definition of its
    /// id (the others are duplicates).
    pub fn is_original(&self, element: &Element) -> bool {
        !self.ids.duplicates || self.def(&element.id.value).is_some_and(|d| std::ptr::eq(d.element, element))
    }

    /// Every definition of the team-defined class `id`, with its file.
    pub fn class_defs(&self, id: &str) -> impl Iterator<Item = (&SourceFile, &ClassDef)> {
        self.ids.classes.get(id).into_iter().flat_map(Defs::iter).filter_map(|at| {
            let file = self.file(at)?;
            Some((file, file.model.classes.get(usize::try_from(at.item).ok()?)?))
        })
    }

    /// Every definition of the team-defined template `id`, with its file.
    pub fn template_defs(&self, id: &str) -> impl Iterator<Item = (&SourceFile, &TemplateDef)> {
        self.ids.templates.get(id).into_iter().flat_map(Defs::iter).filter_map(|at| {
            let file = self.file(at)?;
            Some((file, file.model.templates.get(usize::try_from(at.item).ok()?)?))
        })
    }

    /// The ids whose (first) definition has one of these kinds, sorted; all ids for `None`.
    pub fn ids<'a>(&'a self, kinds: Option<&'a [Kind]>) -> impl Iterator<Item = &'a str> {
        let sorted = self.ids.sorted.get_or_init(|| {
            let mut ids: Vec<Box<str>> = self.ids.elements.keys().cloned().collect();
            ids.sort_unstable();
            ids
        });
        sorted
            .iter()
            .map(AsRef::as_ref)
            .filter(move |id| kinds.is_none_or(|ks| self.kind(id).is_some_and(|k| ks.contains(&k))))
    }

    /// All team-defined class ids, sorted.
    pub fn class_ids(&self) -> impl Iterator<Item = &str> {
        let mut ids: Vec<&str> = self.ids.classes.keys().map(AsRef::as_ref).collect();
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::analysis::{Options, Workspace};
    use crate::date::Date;

    const MODEL: &str = "threatmodel: 1\nassets:\n  - { id: web-api, name: Web API }\nthreats:\n  - { id: t1, title: Tampering, affects: [web-api], severity: high }\n";

    /// The address of the id tables after each edit of the model, and whether `t1` resolves.
    fn tables_after(edits: &[&str]) -> Vec<(usize, bool)> {
        let mut ws = Workspace::new(Options::new(Date::EPOCH));
        edits
            .iter()
            .map(|text| {
                ws.set_open_file("threatmodel.yaml", (*text).to_owned());
                let index = &ws.analysis().index;
                (Arc::as_ptr(index.tables()) as usize, index.def("t1").is_some_and(|d| d.element.id.value == "t1"))
            })
            .collect()
    }

    #[test]
    fn an_edit_that_moves_no_definition_keeps_the_tables() {
        let edits = [MODEL, &MODEL.replace("high", "low"), &format!("# a comment that moves everything\n{MODEL}")];
        let tables = tables_after(&edits);
        assert!(tables.windows(2).all(|w| w[0].0 == w[1].0), "{tables:?}");
        // The tables hold positions, not files: the definition read is the edited file's.
        assert!(tables.iter().all(|t| t.1), "{tables:?}");
    }

    #[test]
    fn adding_renaming_or_reordering_definitions_builds_new_tables() {
        let reordered = MODEL.replace("threats:", "threats:\n  - { id: t0, title: Spoofing, affects: [web-api] }");
        let edits = [MODEL, &MODEL.replace("id: t1", "id: t2"), MODEL, &reordered];
        let tables = tables_after(&edits);
        assert!(tables.windows(2).all(|w| w[0].0 != w[1].0), "{tables:?}");
        assert_eq!(tables.iter().map(|t| t.1).collect::<Vec<_>>(), [true, false, true, true]);
    }
}
