//! Editor queries over the workspace, in plain offsets and plain types: completion, hover,
//! navigation, symbols, code actions, code lenses and semantic tokens. The language server
//! converts positions and types; nothing here knows LSP.

mod actions;
mod completion;
mod hover;
mod lens;
mod navigation;
mod snippet;
mod symbols;
mod target;
mod tokens;
mod yaml_context;

pub use crate::analysis::Occurrence;
pub use actions::{Action, ActionKind, code_actions};
pub use completion::{CompletionItem, CompletionKind, Completions, completions};
pub use hover::{Hover, hover};
pub use lens::{Lens, code_lenses};
pub use navigation::{definition, highlights, prepare_rename, references, rename};
pub use snippet::snippet_as_text;
pub use symbols::{Symbol, SymbolKind, document_symbols, workspace_symbols};
pub use tokens::{TokenType, semantic_tokens};

use crate::syntax::TextRange;

/// A range in a file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileRange {
    pub path: String,
    pub range: TextRange,
}

/// A text edit in a file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: String,
    pub range: TextRange,
    pub new_text: String,
}
