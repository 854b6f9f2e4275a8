//! What a file defines and names, hashed. Most edits (a description, a severity, a date) change
//! no id and no name, so the tables built from ids and names (the index's id tables, the name
//! table) are kept from one analysis to the next while every file they were built from has
//! the same fingerprint; building them was a fifth of an analysis of a large model.

use std::hash::{BuildHasher, Hash, Hasher};

use super::SourceFile;
use super::names::code_names;

/// A hash of everything the id tables and the name table read of `file`: the kind, id and name
/// of each of its elements, its class and template ids, and the names its annotations define.
/// A 64-bit hash: two different sets of names share one with a chance of about 1 in 10^19,
/// and a collision would only keep a stale table in an editor session.
pub(super) fn fingerprint(file: &SourceFile) -> u64 {
    let mut h = stable_hasher();
    for e in &file.model.elements {
        (e.kind, &e.id.value, e.name.as_ref().map(|n| &n.value)).hash(&mut h);
    }
    for c in &file.model.classes {
        (0u8, &c.id.value).hash(&mut h);
    }
    for t in &file.model.templates {
        (1u8, &t.id.value).hash(&mut h);
    }
    for defined in code_names(file) {
        defined.hash(&mut h);
    }
    h.finish()
}

/// The key of a table built from `files`, in this order.
pub(super) fn key<'a>(files: impl IntoIterator<Item = &'a SourceFile>) -> u64 {
    let mut key = stable_hasher();
    for file in files {
        (&file.path, file.kind, file.identity).hash(&mut key);
    }
    key.finish()
}

/// A hasher that gives the same hash for the same input in every analysis (foldhash's quality
/// variant with a fixed seed); SipHash took a tenth of an edit's time on a large model.
fn stable_hasher() -> impl Hasher {
    foldhash::quality::FixedState::with_seed(0).build_hasher()
}
