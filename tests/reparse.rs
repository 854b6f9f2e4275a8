//! Incremental reading must give exactly what a full read of the new text gives. Random edits
//! (typing, deleting, pasting structure, line breaks of every kind) on several models: the tree
//! from `syntax::reparse` is compared with a full parse wherever the fast path is taken, and
//! the file from `SourceFile::edit` (tree, lowered model, diagnostics) with `SourceFile::open`
//! after every edit; and a workspace edited in place (which reuses what the last analysis
//! built) with a fresh one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::sync::Arc;

use support::rng::{Rng, count_from_env};
use threatls::analysis::{FileInput, FileKind, Options, SourceFile, Workspace};
use threatls::date::Date;
use threatls::diagnostic::Diagnostic;
use threatls::syntax::{Node, Value, parse_yaml, reparse};

/// The first place two trees differ, as a path of keys and indices.
fn difference(a: &Node, b: &Node, path: &str) -> Option<String> {
    let here = || Some(format!("{path}: {:?} {:?} vs {:?} {:?}", a.range, short(a), b.range, short(b)));
    if a.range != b.range {
        return here();
    }
    match (&a.value, &b.value) {
        (Value::Mapping(x), Value::Mapping(y)) if x.entries.len() == y.entries.len() && x.flow == y.flow => {
            x.entries.iter().zip(&y.entries).find_map(|(e, f)| {
                let key = format!("{path}.{}", e.key_text().unwrap_or("?"));
                difference(&e.key, &f.key, &key).or_else(|| difference(&e.value, &f.value, &key))
            })
        }
        (Value::Sequence(x), Value::Sequence(y)) if x.items.len() == y.items.len() && x.flow == y.flow => {
            x.items.iter().enumerate().zip(&y.items).find_map(|((i, n), m)| difference(n, m, &format!("{path}[{i}]")))
        }
        (x, y) if x == y => None,
        _ => here(),
    }
}

fn short(n: &Node) -> String {
    let s = format!("{:?}", n.value);
    s.chars().take(120).collect()
}

const FRAGMENTS: &[&str] = &[
    "a",
    "x1",
    "-",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "  - id: fresh\n    title: New\n",
    "    title: t\n",
    "- ",
    ": ",
    "#",
    "# note\n",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "|\n      block\n",
    "😀",
    "é",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "? ",
    "!!str ",
    "  - ",
    "high",
    "medium",
    "tampering",
    "null",
    "~",
];

fn model(items: usize, newline: &str) -> String {
    let mut out = format!("threatmodel: 1{newline}title: Shop{newline}assets:{newline}");
    for i in 0..items {
        out.push_str(&format!("  - {{ id: a{i}, name: Asset {i}, kind: process }}{newline}"));
    }
    out.push_str(&format!("threats:{newline}"));
    for i in 0..items {
        out.push_str(&format!(
            "  - id: t{i}{newline}    title: \"Threat {i}\"{newline}    class: tampering{newline}    severity: high{newline}    affects: [a{i}]{newline}    # comment {i}{newline}"
        ));
        if i % 3 == 0 {
            out.push_str(&format!("    description: |{newline}      Several lines{newline}      of text{newline}"));
        }
    }
    out.push_str(&format!("# trailing comment{newline}mitigations:{newline}"));
    for i in 0..items {
        out.push_str(&format!("- id: m{i}{newline}  title: Control {i}{newline}  mitigates: [t{i}]{newline}"));
    }
    out.push_str(&format!("classes:{newline}"));
    for i in 0..items {
        out.push_str(&format!("  - {{ id: c{i}, parent: tampering, cwe: [79, {i}], asvs: V5 }}{newline}"));
    }
    out.push_str(&format!("templates:{newline}"));
    for i in 0..items {
        out.push_str(&format!(
            "  - id: tp{i}{newline}    title: Template {i}{newline}    classes: [c{i}]{newline}    asvs: [V5.3.4]{newline}"
        ));
    }
    out
}

fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    d.sort_by(|a, b| (a.range, a.code, &a.message).cmp(&(b.range, b.code, &b.message)));
    d
}

/// `SourceFile::edit` gives what `SourceFile::open` gives.
fn check_file(old: &str, new: &str, at: &str) {
    let before = Arc::new(SourceFile::open("threatmodel.yaml", old.to_owned(), FileKind::Model));
    let edited = SourceFile::edit(before, new.to_owned());
    let full = SourceFile::open("threatmodel.yaml", new.to_owned(), FileKind::Model);
    if edited.tree != full.tree {
        let (a, b) = (edited.tree.unwrap(), full.tree.unwrap());
        panic!("{at}: trees differ: {}", difference(&a, &b, "").unwrap_or_default());
    }
    assert_eq!(edited.model, full.model, "{at}: models differ\nnew: {new:?}");
    assert_eq!(sorted(edited.diagnostics), sorted(full.diagnostics), "{at}: diagnostics differ\nnew: {new:?}");
    assert_eq!(edited.line_index, full.line_index, "{at}");
    assert_eq!(edited.text, full.text, "{at}");
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn edit(rng: &mut Rng, text: &str) -> String {
    let at = char_boundary(text, rng.below(text.len() + 1));
    let mut out = text.to_owned();
    match rng.below(4) {
        0 => out.insert_str(at, FRAGMENTS[rng.below(FRAGMENTS.len())]),
        1 => {
            let end = char_boundary(text, (at + 1 + rng.below(12)).min(text.len()));
            out.replace_range(at..end.max(at), "");
        }
        2 => {
            let end = char_boundary(text, (at + rng.below(40)).min(text.len()));
            out.replace_range(at..end.max(at), FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        // Typing a letter into a value, the common case.
        _ => out.insert(at, char::from(b'a' + (rng.below(26) as u8))),
    }
    out
}

#[test]
fn reparsing_equals_parsing_in_full() {
    let mut fast = 0;
    let mut total = 0;
    // More with THREATLS_DIFFERENTIAL_EDITS=30000 (ten minutes' worth in a debug build).
    let steps: usize = count_from_env("THREATLS_DIFFERENTIAL_EDITS", 1_500);
    let shop = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/shop/threatmodel.yaml")).unwrap();
    let bases = [(model(12, "\n"), 1u64), (model(8, "\r\n"), 2), (model(5, "\r"), 3), (model(20, "\n"), 4), (shop, 5)];
    for (base, seed) in bases {
        let mut rng = Rng::new(seed);
        let mut text = base.clone();
        let mut parsed = parse_yaml(&text);
        for step in 0..steps {
            let new = edit(&mut rng, &text);
            let full = parse_yaml(&new);
            total += 1;
            if parsed.diagnostics.is_empty()
                && let Some(old_root) = parsed.root.clone()
            {
                match reparse(old_root, &text, &new) {
                    Ok((incremental, splice)) => {
                        fast += 1;
                        assert!(
                            full.diagnostics.is_empty(),
                            "seed {seed} step {step}: the fast path was taken for text with problems\n{new:?}\n{:?}",
                            full.diagnostics
                        );
                        if incremental.root != full.root {
                            let (a, b) = (incremental.root.unwrap(), full.root.unwrap());
                            panic!(
                                "seed {seed} step {step}: incremental and full trees differ after {splice:?}: {}\nwindow: {:?}\nafter: {:?}",
                                difference(&a, &b, "").unwrap_or_default(),
                                &new[splice.new.start as usize..splice.new.end as usize],
                                &new[splice.new.end as usize..(splice.new.end as usize + 40).min(new.len())]
                            );
                        }
                    }
                    Err(back) => assert!(Some(&back) == parsed.root.as_ref(), "the old tree comes back untouched"),
                }
            }
            check_file(&text, &new, &format!("seed {seed} step {step}"));
            // Keep editing the new text while it reads cleanly; start again from the base otherwise.
            if full.diagnostics.is_empty() && new.len() < base.len() * 2 {
                (text, parsed) = (new, full);
            } else {
                parsed = parse_yaml(&base);
                text = base.clone();
            }
        }
    }
    // Most edits of a clean model are inside list items: the fast path must take a fair share.
    assert!(fast * 4 > total, "the fast path was taken for only {fast} of {total} edits");
}

/// Code that names the model's elements by their names, not `#id`s: what it means changes
/// when an edit renames an element.
const NAMING_CODE: &str = "\
// @exposes Asset_1 to Threat_1
// @mitigates Asset_1 against Threat_1
// @exposes Asset_2 to Threat_2
// @mitigates Asset_3 against threat_3 using Control_3
// @exposes Asset_4 to Threat_9
// @exposes Asset_5 to Threat_5
";

/// Changes the number of one `Asset N`, `Threat N` or `Control N`: a rename most of the time.
fn rename(rng: &mut Rng, text: &str) -> String {
    let names: Vec<usize> = ["Asset ", "Threat ", "Control "]
        .iter()
        .flat_map(|n| text.match_indices(n).map(|(at, n)| at + n.len()))
        .collect();
    let Some(&at) = names.get(rng.below(names.len())) else { return text.to_owned() };
    let mut out = text.to_owned();
    if out.as_bytes().get(at).is_some_and(u8::is_ascii_digit) {
        out.replace_range(at..=at, &rng.below(10).to_string());
    }
    out
}

fn all_diagnostics(ws: &Workspace) -> Vec<(String, Vec<Diagnostic>)> {
    let paths: Vec<String> = ws.paths_with_diagnostics().map(str::to_owned).collect();
    paths.into_iter().map(|p| (p.clone(), ws.diagnostics(&p))).filter(|(_, d)| !d.is_empty()).collect()
}

#[test]
fn an_edited_workspace_analyses_like_a_fresh_one() {
    let options = Options::new(Date::parse("2026-11-22").unwrap());
    let steps: usize = count_from_env("THREATLS_DIFFERENTIAL_EDITS", 600);
    let base = model(6, "\n");
    let mut rng = Rng::new(0x2545_F491_4F6C_DD1D);
    let mut ws = Workspace::new(options.clone());
    ws.set_file("app.go", FileInput::Text(NAMING_CODE.to_owned()));
    ws.set_open_file("threatmodel.yaml", base.clone());
    let mut text = base.clone();
    let mut renamed = 0;
    for step in 0..steps {
        let new = if rng.below(2) == 0 { rename(&mut rng, &text) } else { edit(&mut rng, &text) };
        // Analyse before every edit, so that the next analysis has something to reuse.
        let before = all_diagnostics(&ws);
        ws.set_open_file("threatmodel.yaml", new.clone());
        let mut fresh = Workspace::new(options.clone());
        fresh.set_file("app.go", FileInput::Text(NAMING_CODE.to_owned()));
        fresh.set_file("threatmodel.yaml", FileInput::Text(new.clone()));
        let after = all_diagnostics(&ws);
        assert_eq!(after, all_diagnostics(&fresh), "step {step}: the edited workspace differs\nnew: {new:?}");
        renamed += usize::from(before.iter().find(|(p, _)| p == "app.go") != after.iter().find(|(p, _)| p == "app.go"));
        text = if new.len() < base.len() * 2 { new } else { base.clone() };
    }
    // Edits must have changed what the code's names mean, or this proves little.
    assert!(renamed * 20 > steps, "the code's diagnostics changed after only {renamed} of {steps} edits");
}
