//! Every resource limit in one place. Each is documented in `docs/format.md#limits` and
//! `SECURITY.md`; a file over a limit gets one clear diagnostic instead of unbounded work.

/// The largest model file read. A 5,000-threat model is about 1 MiB.
pub const MAX_MODEL_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The deepest nesting of YAML collections read; deeper content is skipped. The format needs 4.
pub const MAX_NESTING_DEPTH: usize = 64;

/// The most nodes that alias expansion may add to one file ("billion laughs" stops here).
pub const MAX_ALIAS_NODES: usize = 10_000;

/// The most model files one workspace may pull in through `includes:` (a guard against mazes
/// of includes); the rest are not read.
pub const MAX_INCLUDED_FILES: usize = 10_000;

/// The most syntax errors reported (and recovered from) in one file.
pub const MAX_SYNTAX_ERRORS: usize = 50;

/// The most diagnostics reported for one file; one more says how many were left out.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 1_000;

/// The largest source file scanned for annotations; larger files (minified or generated code)
/// are skipped with a note.
pub const MAX_SOURCE_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The longest annotation line read; a longer one gets one diagnostic.
pub const MAX_ANNOTATION_LINE_BYTES: usize = 4096;

/// The largest message the language server reads; a larger one is dropped and answered with an
/// error. A source file at its limit, JSON-escaped, fits.
pub const MAX_LSP_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The longest header line of a language-server message read at once.
pub const MAX_LSP_HEADER_BYTES: usize = 1024;

/// The most results a SARIF log holds; past it the least severe are left out, with a note.
/// GitHub code scanning rejects a run with more.
pub const MAX_SARIF_RESULTS: usize = 25_000;

/// The most completion items offered at once; when more match, the list is marked incomplete
/// and the editor asks again as the user types.
pub const MAX_COMPLETIONS: usize = 200;
