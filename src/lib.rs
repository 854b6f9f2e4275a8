//! threatls: a language server and command-line checker for threat models that live in the
//! repository next to the code.
//!
//! The analysis core ([`syntax`], [`model`], [`catalog`], [`analysis`], and the queries in
//! [`ide`] and [`export`]) does no I/O and knows
//! nothing of LSP or terminals; [`cli`] is a thin face over it. See `ARCHITECTURE.md`.

pub mod analysis;
pub mod annotations;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod disk;
pub mod export;
pub mod ide;
pub mod limits;
pub mod lsp;
pub mod model;
pub mod review;
mod suggest;
pub mod syntax;
