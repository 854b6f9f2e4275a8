//! The catalog as a workspace sees it: the built-in entries with the team's own classes and
//! mitigation templates (from its model files) on top, so completion, hover and validation treat
//! both alike.

use super::{Catalog, Family, MitigationTemplate, ThreatClass};

#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    team: &'a Catalog,
}

impl<'a> View<'a> {
    /// The built-in catalog with `team`'s classes and templates added.
    pub fn new(team: &'a Catalog) -> View<'a> {
        View { team }
    }

    /// The built-in catalog alone.
    pub fn builtin() -> View<'static> {
        static EMPTY: Catalog = Catalog::EMPTY;
        View { team: &EMPTY }
    }

    /// A built-in class, else a team class.
    pub fn class(self, id: &str) -> Option<&'a ThreatClass> {
        Catalog::builtin().class(id).or_else(|| self.team.class(id))
    }

    pub fn is_builtin(self, id: &str) -> bool {
        Catalog::builtin().class(id).is_some()
    }

    /// The built-in classes, then the team's.
    pub fn classes(self) -> impl Iterator<Item = &'a ThreatClass> {
        Catalog::builtin().classes.iter().chain(&self.team.classes)
    }

    /// The team's templates, then the built-in ones: a team's own practice comes first.
    pub fn templates(self) -> impl Iterator<Item = &'a MitigationTemplate> {
        self.team.templates.iter().chain(&Catalog::builtin().templates)
    }

    /// The templates for a class, then those of its parent.
    pub fn templates_for(self, class: &'a str) -> impl Iterator<Item = &'a MitigationTemplate> {
        let parent = self.class(class).and_then(|c| c.parent.as_deref());
        let covers = |m: &MitigationTemplate, id: &str| m.classes.iter().any(|c| c == id);
        let direct = self.templates().filter(move |m| covers(m, class));
        let inherited = self.templates().filter(move |m| parent.is_some_and(|p| covers(m, p) && !covers(m, class)));
        direct.chain(inherited)
    }
}

/// A team class takes its family and property from its built-in parent; one whose parent is
/// not built in (a mistake reported elsewhere) counts as STRIDE, threatening nothing named.
pub fn inherit(class: &mut ThreatClass) {
    let parent = class.parent.as_deref().and_then(|p| Catalog::builtin().class(p));
    class.family = parent.map_or(Family::Stride, |p| p.family);
    class.property = parent.map(|p| p.property.clone()).unwrap_or_default();
}
