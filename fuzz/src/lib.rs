//! The fuzz targets' bodies. Each module is self-contained (it uses only `threatls`, `tokio` and
//! `std`), because `tests/fuzz_regressions.rs` in the main crate includes the same files by path
//! to replay the saved crash inputs under `cargo test`: a target and its replay cannot drift.

pub mod annotations;
pub mod lsp;
pub mod model;
pub mod positions;
