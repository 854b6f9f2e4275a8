//! Keeping a lowered model across an edit: what lies before the edited items stays, what lies
//! after moves by the change in length, and the edited items' facts are put in their place.

use crate::syntax::{Shift, TextRange};

use super::{
    Acceptance, ClassDef, ClassRef, Detail, Element, Mitigation, ModelFile, Reference, Review, Spanned, TemplateDef,
    Threat,
};

impl ModelFile {
    /// Replaces what was lowered from the text `old` (whole items of one list) with `part`,
    /// lowered from the new text of those items; everything after `old` moves by `delta`.
    pub fn splice(&mut self, old: TextRange, delta: i64, part: ModelFile) {
        self.version.shift_from(old.end, delta);
        self.title.shift_from(old.end, delta);
        self.owner.shift_from(old.end, delta);
        self.review.shift_from(old.end, delta);
        self.includes.shift_from(old.end, delta);
        splice_sorted(&mut self.elements, part.elements, old, delta, |e| e.range);
        splice_sorted(&mut self.classes, part.classes, old, delta, |c| c.range);
        splice_sorted(&mut self.templates, part.templates, old, delta, |t| t.range);
        splice_sorted(&mut self.references, part.references, old, delta, |r| r.target.range);
        splice_sorted(&mut self.class_refs, part.class_refs, old, delta, |r| r.target.range);
        splice_sorted(&mut self.ext_refs, part.ext_refs, old, delta, |r| r.range);
    }
}

/// In a list sorted by position: drops what lay inside `old`, moves what lay after it, and puts
/// `new` (already in the new text's positions) in between.
fn splice_sorted<T: Shift>(
    list: &mut Vec<T>,
    new: Vec<T>,
    old: TextRange,
    delta: i64,
    range: impl Fn(&T) -> TextRange,
) {
    let from = list.partition_point(|x| range(x).start < old.start);
    let to = list.partition_point(|x| range(x).start < old.end).max(from);
    if delta != 0 {
        list.iter_mut().skip(to).for_each(|x| x.shift_from(old.end, delta));
    }
    list.splice(from..to, new);
}

impl<T> Shift for Spanned<T> {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.range.shift_from(at, delta);
    }
}

impl Shift for Review {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.cadence.shift_from(at, delta);
        self.last.shift_from(at, delta);
    }
}

impl Shift for Element {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.id.shift_from(at, delta);
        self.name.shift_from(at, delta);
        self.range.shift_from(at, delta);
        match &mut self.detail {
            Detail::Asset { asset_kind, boundary } => {
                asset_kind.shift_from(at, delta);
                boundary.shift_from(at, delta);
            }
            Detail::Boundary { parent } => parent.shift_from(at, delta),
            Detail::Data { classification } => classification.shift_from(at, delta),
            Detail::Flow { from, to, via, data } => {
                from.shift_from(at, delta);
                to.shift_from(at, delta);
                via.shift_from(at, delta);
                data.shift_from(at, delta);
            }
            Detail::Threat(t) => t.shift_from(at, delta),
            Detail::Mitigation(m) => m.shift_from(at, delta),
        }
    }
}

impl Shift for Threat {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.class.shift_from(at, delta);
        self.severity.shift_from(at, delta);
        self.affects.shift_from(at, delta);
        self.accepted.shift_from(at, delta);
    }
}

impl Shift for Acceptance {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.key.shift_from(at, delta);
        self.by.shift_from(at, delta);
        self.reason.shift_from(at, delta);
        self.until.shift_from(at, delta);
    }
}

impl Shift for Mitigation {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.mitigates.shift_from(at, delta);
        self.on.shift_from(at, delta);
        self.status_range.shift_from(at, delta);
    }
}

impl Shift for ClassDef {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.id.shift_from(at, delta);
        self.title.shift_from(at, delta);
        self.parent.shift_from(at, delta);
        self.range.shift_from(at, delta);
    }
}

impl Shift for TemplateDef {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.id.shift_from(at, delta);
        self.range.shift_from(at, delta);
    }
}

impl Shift for Reference {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.target.shift_from(at, delta);
    }
}

impl Shift for ClassRef {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.target.shift_from(at, delta);
    }
}
