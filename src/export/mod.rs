//! Pictures and reports of a workspace: its data-flow diagram in Mermaid or Graphviz DOT, and
//! a Markdown report of its threats, mitigations and acceptances with their evidence in code.
//!
//! Pure: a [`Workspace`] in, text out, from the analysis's facts (threat states, evidence in
//! code, "today" from the workspace's options). The faces only read the files and print or
//! send what this returns. Model text reaches each output only through that output's escaping,
//! so a title or a name cannot break out of a label, a string or a table.

mod diagram;
mod dot;
mod marks;
mod md;
mod mermaid;
mod report;
mod summary;
mod text;

use crate::analysis::{FileKind, SourceFile, Workspace};
use crate::model::Element;

/// An output of `threatls export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Mermaid, Format::Dot, Format::Markdown];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Markdown => "markdown",
        }
    }
}

/// The workspace in `format`, ending with a newline.
pub fn export(ws: &Workspace, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::render(&diagram::Diagram::of(ws)),
        Format::Dot => dot::render(&diagram::Diagram::of(ws)),
        Format::Markdown => report::render(ws),
    }
}

/// The workspace's files in the index's order: model files first, nearer the root first, then
/// by path.
fn files(ws: &Workspace) -> Vec<&SourceFile> {
    let mut files: Vec<&SourceFile> = ws.paths().filter_map(|p| ws.file(p)).collect();
    files.sort_by_cached_key(|f| (f.kind != FileKind::Model, f.path.matches('/').count(), f.path.as_str()));
    files
}

/// Every element the analysis knows, each id once (its first definition), in the order of
/// [`files`], then in source order.
fn elements(ws: &Workspace) -> Vec<(&SourceFile, &Element)> {
    let index = &ws.analysis().index;
    files(ws)
        .into_iter()
        .flat_map(|f| f.model.elements.iter().map(move |e| (f, e)))
        .filter(|(_, e)| index.def(&e.id.value).is_some_and(|d| std::ptr::eq(d.element, *e)))
        .collect()
}
