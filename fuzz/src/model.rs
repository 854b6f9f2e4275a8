//! Bytes as a model file, read as `threatls check` reads one: the YAML reader, the lowering
//! against the schema, the workspace's analysis of that one file (its includes missing), its
//! diagnostics, and the text and JSON reports.

use std::path::Path;

use threatls::analysis::{FileInput, Options, Workspace};
use threatls::cli::{WorkspaceReport, render_json, render_text};
use threatls::date::Date;
use threatls::syntax::{Node, TextRange, Value};

const PATH: &str = "threatmodel.yaml";

pub fn run(data: &[u8]) {
    let Some(today) = Date::new(2026, 6, 15) else { return };
    let mut workspace = Workspace::new(Options::new(today));
    workspace.set_file(PATH, FileInput::Bytes(data.to_vec()));
    for path in workspace.unloaded_includes() {
        workspace.set_file(&path, FileInput::Missing);
    }
    let Some(file) = workspace.file(PATH) else { return };
    let text = &file.text;
    if let Some(tree) = &file.tree {
        check_node(text, tree);
    }
    for diagnostic in workspace.diagnostics(PATH) {
        check_range(text, diagnostic.range, &diagnostic.message);
        for related in diagnostic.related.iter().filter(|r| r.path == PATH) {
            check_range(text, related.range, &related.message);
        }
        for edit in diagnostic.fix.iter().flat_map(|fix| &fix.edits) {
            check_range(text, edit.range, &diagnostic.message);
        }
    }
    let paths: Vec<String> = workspace.paths().map(str::to_owned).collect();
    let report = WorkspaceReport {
        workspace: &workspace,
        root: Path::new("/workspace"),
        paths,
        display: &|path: &str| path.to_owned(),
        source_files: 0,
        skipped: Vec::new(),
    };
    let _ = render_text(std::slice::from_ref(&report), false);
    let _ = render_json(std::slice::from_ref(&report));
}

/// Every node of the span tree lies inside the text, within its parent.
fn check_node(text: &str, node: &Node) {
    check_range(text, node.range, "a YAML node");
    let children: Vec<&Node> = match &node.value {
        Value::Sequence(sequence) => sequence.items.iter().collect(),
        Value::Mapping(mapping) => mapping.entries.iter().flat_map(|e| [&e.key, &e.value]).collect(),
        Value::Scalar(_) | Value::Invalid => Vec::new(),
    };
    for child in children {
        check_node(text, child);
    }
}

fn check_range(text: &str, range: TextRange, what: &str) {
    assert!(range.start <= range.end, "{what}: reversed range {range:?}");
    assert!(
        text.get(range.as_usize()).is_some(),
        "{what}: {range:?} is not a slice of the {} bytes of text",
        text.len()
    );
}
