//! Data-driven tests of `threatls export`: every `tests/export/*.yaml` fixture is rendered in
//! each format and compared with `<name>.mmd`, `<name>.dot` and `<name>.md` beside it.
//! `UPDATE_EXPECT=1 cargo test` rewrites them. `tests/graphviz.rs` draws the DOT snapshots
//! and `tests/mermaid/check.sh` parses the Mermaid ones.

mod support;

use std::path::Path;

use threatls::export::{Format, export};

fn export_fixture(path: &Path, text: String) -> datatest_stable::Result<()> {
    let ws = support::workspace(&support::parse_fixture(&text));
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    for (format, extension) in [(Format::Mermaid, "mmd"), (Format::Dot, "dot"), (Format::Markdown, "md")] {
        let actual = export(&ws, format);
        invariants(format, &actual);
        expect_test::expect_file![base.with_extension(extension)].assert_eq(&actual);
    }
    Ok(())
}

/// What holds for any model, however hostile its text: every statement on one line, and
/// nothing that would reopen the syntax outside a label.
fn invariants(format: Format, text: &str) {
    match format {
        Format::Mermaid => {
            assert!(!text.contains("%%"), "a Mermaid directive or comment:\n{text}");
            for line in text.lines() {
                assert_eq!(line.matches('"').count() % 2, 0, "unbalanced quotes: {line}");
                // Only the syntax's own: line breaks, arrows, the asymmetric shape's opening.
                let rest = line.replace("<br/>", "").replace("-->", "").replace(">\"", "");
                assert!(!rest.contains(['<', '>', '`']), "raw HTML or Markdown: {line}");
            }
        }
        Format::Dot => {
            for line in text.lines() {
                let quotes = line.replace("\\\\", "").replace("\\\"", "").matches('"').count();
                assert_eq!(quotes % 2, 0, "unbalanced quotes: {line}");
            }
            assert!(text.starts_with("digraph threatmodel {\n") && text.ends_with("\n}\n"), "{text}");
        }
        Format::Markdown => {
            let fences = text.lines().filter(|l| l.starts_with("```")).count();
            assert_eq!(fences, 2, "one fenced block, the diagram's:\n{text}");
        }
    }
}

datatest_stable::harness! {
    { test = export_fixture, root = "tests/export", pattern = r"\.yaml$" },
}
