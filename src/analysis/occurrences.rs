//! Where each id is written: model ids and references, code definitions, `#id` references and
//! names that resolve to an id. Built once per analysis, on first use, so that hover, code
//! lenses, references and rename cost the places of one id, not a walk of the workspace.

use std::sync::Arc;

use hashbrown::HashMap;

use crate::syntax::TextRange;

use super::names::NameTable;
use super::{FileKind, SourceFile};

/// One place an id is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub path: Arc<str>,
    pub range: TextRange,
    pub is_definition: bool,
    /// Written as the id itself (so a rename can change it), not as a name or path that
    /// resolves to it.
    pub renamable: bool,
    /// In a source file's annotation, not in a model file.
    pub in_code: bool,
}

#[derive(Debug, Default)]
pub struct Occurrences {
    by_id: HashMap<String, Vec<Occurrence>>,
}

impl Occurrences {
    pub(super) fn build<'a>(files: impl Iterator<Item = &'a Arc<SourceFile>>, names: &NameTable) -> Occurrences {
        let mut by_id: HashMap<String, Vec<Occurrence>> = HashMap::new();
        for file in files {
            let path: Arc<str> = Arc::from(file.path.as_str());
            let in_code = file.kind == FileKind::Code;
            let mut add = |id: &str, range: TextRange, is_definition: bool, renamable: bool| {
                let occurrence = Occurrence { path: Arc::clone(&path), range, is_definition, renamable, in_code };
                match by_id.get_mut(id) {
                    Some(list) => list.push(occurrence),
                    None => {
                        by_id.insert(id.to_owned(), vec![occurrence]);
                    }
                }
            };
            if !in_code {
                for e in &file.model.elements {
                    add(&e.id.value, e.id.range, true, true);
                }
                for r in &file.model.references {
                    add(&r.target.value, r.target.range, false, true);
                }
                continue;
            }
            for a in &file.annotations {
                if let Some(def) = a.definition.as_ref().and_then(|d| d.id.as_ref()) {
                    add(&def.value, def.range, true, true);
                }
                for r in &a.refs {
                    match (&r.id, &r.name) {
                        (Some(written), _) => add(&written.value, written.range, false, true),
                        (None, Some(name)) => {
                            if let Some(id) = names.resolve(name, r.role) {
                                add(id, r.range, false, false);
                            }
                        }
                        (None, None) => {}
                    }
                }
            }
        }
        for list in by_id.values_mut() {
            list.sort();
            list.dedup();
        }
        Occurrences { by_id }
    }

    /// Every place `id` is written, sorted by path and position.
    pub fn of(&self, id: &str) -> &[Occurrence] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }
}
