//! Moving offsets after an edit: everything at or after the end of the replaced text moves by
//! the change in length. Layers that keep facts with ranges (the lowered model, diagnostics)
//! implement [`Shift`] so that what an edit did not touch is kept, not recomputed.

use super::TextRange;
use super::tree::{Node, Value};

pub trait Shift {
    /// Moves every offset at or after `at` by `delta`.
    fn shift_from(&mut self, at: u32, delta: i64);
}

impl Shift for TextRange {
    fn shift_from(&mut self, at: u32, delta: i64) {
        let shift = |x: u32| if x < at { x } else { moved(x, delta) };
        *self = TextRange::new(shift(self.start), shift(self.end));
    }
}

/// `x` moved by `delta`, clamped to the offsets a text can have.
fn moved(x: u32, delta: i64) -> u32 {
    u32::try_from(i64::from(x).saturating_add(delta)).unwrap_or(if delta < 0 { 0 } else { u32::MAX })
}

impl<T: Shift> Shift for Option<T> {
    fn shift_from(&mut self, at: u32, delta: i64) {
        if let Some(inner) = self {
            inner.shift_from(at, delta);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift_from(&mut self, at: u32, delta: i64) {
        self.iter_mut().for_each(|x| x.shift_from(at, delta));
    }
}

impl Shift for Node {
    fn shift_from(&mut self, at: u32, delta: i64) {
        // Nothing in a subtree that ends before `at` moves, and nothing moves by 0.
        if self.range.end < at || delta == 0 {
            return;
        }
        if self.range.start >= at {
            move_all(self, delta);
            return;
        }
        self.range.shift_from(at, delta);
        match &mut self.value {
            Value::Sequence(s) => s.items.shift_from(at, delta),
            Value::Mapping(m) => m.entries.iter_mut().for_each(|e| {
                e.key.shift_from(at, delta);
                e.value.shift_from(at, delta);
            }),
            Value::Scalar(_) | Value::Invalid => {}
        }
    }
}

/// Moves a subtree that lies wholly after the edit, which is most of a large file's tree after
/// an edit near its start: nothing in it needs comparing with the edit's offset.
fn move_all(node: &mut Node, delta: i64) {
    node.each_range_mut(&mut |r| *r = TextRange { start: moved(r.start, delta), end: moved(r.end, delta) });
}
