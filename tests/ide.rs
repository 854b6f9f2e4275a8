//! Data-driven tests of the editor queries. Each `tests/ide/*.yaml` fixture names its query in a
//! `#- query:` header, marks the cursor with `$0`, and is compared with its `.expected` file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::fmt::Write;
use std::path::Path;

use threatls::analysis::Workspace;
use threatls::ide;
use threatls::syntax::{LineIndex, PositionEncoding, TextRange};

fn check(path: &Path, text: String) -> datatest_stable::Result<()> {
    let query = text.lines().find_map(|l| l.strip_prefix("#- query: ")).unwrap_or("").to_owned();
    let text: String = text.lines().filter(|l| !l.starts_with("#- query: ")).map(|l| format!("{l}\n")).collect();
    let mut fixture = support::parse_fixture(&text);
    let mut cursor = None;
    let mut texts = Vec::new();
    for (name, input) in &mut fixture.files {
        let threatls::analysis::FileInput::Bytes(bytes) = input else { continue };
        let mut content = String::from_utf8(bytes.clone())?;
        if let Some(at) = content.find("$0") {
            content.replace_range(at..at + 2, "");
            cursor = Some((name.clone(), at as u32));
        }
        texts.push((name.clone(), content));
    }
    let mut ws = Workspace::new(threatls::analysis::Options::new(fixture.today));
    for (name, content) in &texts {
        ws.set_open_file(name, content.clone());
    }
    let (file, offset) = cursor.clone().unwrap_or_else(|| (texts[0].0.clone(), 0));
    let pos = |path: &str, offset: u32| {
        let text = &texts.iter().find(|(n, _)| n == path).unwrap().1;
        let p = LineIndex::new(text).position(text, offset, PositionEncoding::Utf32);
        format!("{path}:{}:{}", p.line + 1, p.col + 1)
    };
    let slice = |path: &str, r: TextRange| texts.iter().find(|(n, _)| n == path).unwrap().1[r.as_usize()].to_owned();
    let mut out = String::new();
    let (name, arg) = query.split_once(' ').unwrap_or((query.as_str(), ""));
    match name {
        "completion" => {
            let found = ide::completions(&ws, &file, offset);
            if found.incomplete {
                out.push_str("(incomplete)\n");
            }
            for item in &found.items {
                let replaced = slice(&file, item.replace);
                let detail = item.detail.as_deref().unwrap_or("");
                let _ = writeln!(
                    out,
                    "{} ({:?}) {detail}\n    replaces {replaced:?} with {:?}",
                    item.label, item.kind, item.insert
                );
            }
        }
        "hover" => match ide::hover(&ws, &file, offset) {
            Some(h) => {
                let _ = writeln!(out, "on {:?}\n{}", slice(&file, h.range), h.markdown);
            }
            None => out.push_str("no hover\n"),
        },
        "definition" => {
            for r in ide::definition(&ws, &file, offset) {
                let _ = writeln!(out, "{} {:?}", pos(&r.path, r.range.start), slice(&r.path, r.range));
            }
        }
        "references" | "highlights" => {
            let found = if name == "references" {
                ide::references(&ws, &file, offset, true)
            } else {
                ide::highlights(&ws, &file, offset)
            };
            for o in found {
                let what = if o.is_definition { "definition" } else { "reference" };
                let _ = writeln!(
                    out,
                    "{} {what} {:?}{}",
                    pos(&o.path, o.range.start),
                    slice(&o.path, o.range),
                    if o.renamable { "" } else { " (by name)" }
                );
            }
        }
        "rename" => match ide::rename(&ws, &file, offset, arg) {
            Ok(edits) => {
                for e in edits {
                    let _ = writeln!(
                        out,
                        "{} {:?} -> {:?}",
                        pos(&e.path, e.range.start),
                        slice(&e.path, e.range),
                        e.new_text
                    );
                }
            }
            Err(why) => {
                let _ = writeln!(out, "refused: {why}");
            }
        },
        "symbols" => {
            fn show(out: &mut String, s: &ide::Symbol, depth: usize) {
                let _ = writeln!(
                    out,
                    "{}{} ({:?}) {}",
                    "  ".repeat(depth),
                    s.name,
                    s.kind,
                    s.detail.as_deref().unwrap_or("")
                );
                for c in &s.children {
                    show(out, c, depth + 1);
                }
            }
            for s in ide::document_symbols(&ws, &file) {
                show(&mut out, &s, 0);
            }
        }
        "workspace-symbols" => {
            for (path, s) in ide::workspace_symbols(&ws, arg) {
                let _ = writeln!(out, "{} {} ({:?})", pos(&path, s.selection.start), s.name, s.kind);
            }
        }
        "lens" => {
            for l in ide::code_lenses(&ws, &file) {
                let _ = writeln!(
                    out,
                    "{} {:?}: {} ({} locations)",
                    pos(&file, l.range.start),
                    slice(&file, l.range),
                    l.title,
                    l.locations.len()
                );
            }
        }
        "tokens" => {
            for (range, token) in ide::semantic_tokens(&ws, &file) {
                let _ = writeln!(out, "{} {:?} {:?}", pos(&file, range.start), slice(&file, range), token);
            }
        }
        "actions" => {
            for action in ide::code_actions(&ws, &file, TextRange::empty(offset)) {
                let _ = writeln!(
                    out,
                    "== {} ({:?}{})",
                    action.title,
                    action.kind,
                    if action.preferred { ", preferred" } else { "" }
                );
                let mut edited: Vec<(String, String)> = Vec::new();
                for e in &action.edits {
                    let current = edited.iter().find(|(p, _)| *p == e.path).map(|(_, t)| t.clone());
                    let mut content =
                        current.unwrap_or_else(|| texts.iter().find(|(n, _)| *n == e.path).unwrap().1.clone());
                    content.replace_range(e.range.as_usize(), &e.new_text);
                    edited.retain(|(p, _)| *p != e.path);
                    edited.push((e.path.clone(), content));
                }
                for (path, content) in edited {
                    // The edit leaves valid YAML behind.
                    if path.ends_with(".yaml") {
                        let parsed = threatls::syntax::parse_yaml(&content);
                        assert!(
                            parsed.diagnostics.is_empty(),
                            "{}: the action breaks the YAML: {:?}",
                            action.title,
                            parsed.diagnostics
                        );
                    }
                    let _ = writeln!(out, "--- {path}\n{content}");
                }
            }
        }
        other => panic!("unknown query {other:?}"),
    }
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join(path).with_extension("expected");
    expect_test::expect_file![expected].assert_eq(&out);
    Ok(())
}

datatest_stable::harness! {
    { test = check, root = "tests/ide", pattern = r"\.yaml$" },
}
