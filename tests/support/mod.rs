//! The fixture mini-language shared by the data-driven tests.
//!
//! A fixture is one text file holding one or more workspace files, in the style of
//! rust-analyzer's `//- /path` fixtures. Header lines start with `#-`, which YAML reads as a
//! comment, so a single-file fixture is itself a valid model file:
//!
//! ```text
//! #- today: 2026-11-22            optional; the date the analysis runs on
//! #- threatmodel.yaml             starts a file (the default name when no header is given)
//! #- payments/threatmodel.yaml escaped
//!                                 a file whose `\xNN` escapes become raw bytes
//! #- big.threatmodel.yaml fill=5000000
//!                                 a file padded with YAML comments to that many bytes
//! #- locked.yaml unreadable=permission denied
//!                                 a file the reader could not read, and why
//! ```
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub mod rng;
pub mod shop;

use threatls::analysis::{FileInput, Options, Workspace};
use threatls::date::Date;

pub const DEFAULT_TODAY: &str = "2026-06-15";

pub struct Fixture {
    pub today: Date,
    pub files: Vec<(String, FileInput)>,
}

pub fn parse_fixture(text: &str) -> Fixture {
    let mut today = Date::parse(DEFAULT_TODAY).unwrap();
    let mut files: Vec<(String, Vec<u8>, Option<&str>)> = Vec::new();
    let mut current: Option<(String, String, Option<&str>)> = None;
    // Text before the first file header is the whole file when there is no header, and a
    // description of the fixture otherwise.
    let mut preamble = String::new();
    for line in text.split_inclusive('\n') {
        let Some(header) = line.strip_prefix("#- ") else {
            match &mut current {
                Some((_, body, _)) => body.push_str(line),
                None => preamble.push_str(line),
            }
            continue;
        };
        let header = header.trim_end();
        if let Some(date) = header.strip_prefix("today: ") {
            today = Date::parse(date).unwrap_or_else(|| panic!("bad fixture date {date}"));
            continue;
        }
        if let Some((path, body, option)) = current.take() {
            files.push((path, body.into_bytes(), option));
        }
        let (path, option) = match header.split_once(' ') {
            Some((path, option)) => (path, Some(option)),
            None => (header, None),
        };
        current = Some((path.to_owned(), String::new(), option));
    }
    if let Some((path, body, option)) = current.take() {
        files.push((path, body.into_bytes(), option));
    }
    if files.is_empty() {
        files.push(("threatmodel.yaml".to_owned(), preamble.into_bytes(), None));
    }
    let files = files
        .into_iter()
        .map(|(path, body, option)| {
            let bytes = match option {
                None => body,
                Some("escaped") => unescape(&body),
                Some(reason) if reason.starts_with("unreadable=") => {
                    return (path, FileInput::Unreadable(reason["unreadable=".len()..].to_owned()));
                }
                Some(fill) if fill.starts_with("fill=") => {
                    let size: usize = fill["fill=".len()..].parse().unwrap();
                    let mut bytes = body;
                    while bytes.len() < size {
                        bytes.extend_from_slice(b"# padding to make the file large\n");
                    }
                    bytes
                }
                Some(other) => panic!("unknown fixture option {other}"),
            };
            (path, FileInput::Bytes(bytes))
        })
        .collect();
    Fixture { today, files }
}

fn unescape(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' && body.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&body[i + 2..i + 4]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 4;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// Builds the workspace a fixture describes, the way the CLI does: every file, then whatever
/// their includes name (as missing when the fixture does not hold it).
pub fn workspace(fixture: &Fixture) -> Workspace {
    let mut ws = Workspace::new(Options::new(fixture.today));
    for (path, input) in &fixture.files {
        ws.set_file(path, input.clone());
    }
    loop {
        let missing = ws.unloaded_includes();
        if missing.is_empty() {
            break;
        }
        for path in missing {
            ws.set_file(&path, FileInput::Missing);
        }
    }
    ws
}

/// The diagnostics of every fixture file, rendered as `threatls check` prints them.
pub fn check_output(fixture: &Fixture) -> String {
    let ws = workspace(fixture);
    let display = |p: &str| p.to_owned();
    let paths: Vec<String> = fixture.files.iter().map(|(p, _)| p.clone()).filter(|p| ws.file(p).is_some()).collect();
    let source_files =
        paths.iter().filter(|p| ws.file(p).is_some_and(|f| f.kind == threatls::analysis::FileKind::Code)).count();
    let report = threatls::cli::WorkspaceReport {
        workspace: &ws,
        root: std::path::Path::new(""),
        paths,
        display: &display,
        source_files,
        skipped: Vec::new(),
    };
    threatls::cli::render_text(&[report], false).0
}

/// A YAML file as JSON, the way a YAML editor extension hands it to a JSON Schema validator.
pub fn yaml_to_json(text: &str) -> serde_json::Value {
    use threatls::syntax::{ScalarKind, Value};
    fn convert(node: &threatls::syntax::Node) -> serde_json::Value {
        match &node.value {
            Value::Scalar(s) => match s.kind {
                ScalarKind::Null => serde_json::Value::Null,
                ScalarKind::Bool => serde_json::Value::Bool(s.text.eq_ignore_ascii_case("true")),
                ScalarKind::Int => s.text.parse::<i64>().map_or(serde_json::Value::Null, Into::into),
                ScalarKind::Float => s.text.parse::<f64>().map_or(serde_json::Value::Null, Into::into),
                ScalarKind::Str => serde_json::Value::String(s.text.clone()),
            },
            Value::Sequence(seq) => seq.items.iter().map(convert).collect(),
            Value::Mapping(map) => {
                map.entries.iter().filter_map(|e| Some((e.key_text()?.to_owned(), convert(&e.value)))).collect()
            }
            Value::Invalid => serde_json::Value::Null,
        }
    }
    let parsed = threatls::syntax::parse_yaml(text);
    assert!(parsed.diagnostics.is_empty(), "not valid YAML: {:?}", parsed.diagnostics);
    parsed.root.as_ref().map_or(serde_json::Value::Null, convert)
}

/// One line per annotation and diagnostic of a scanned source file, for snapshots.
pub fn dump_scan(path: &str, bytes: &[u8]) -> String {
    use std::fmt::Write;
    use threatls::annotations::{Detail, Dialect, Role};
    let scan = threatls::annotations::scan(path, bytes);
    let text = &String::from_utf8_lossy(bytes);
    let index = threatls::syntax::LineIndex::new(text);
    let pos = |offset: u32| {
        let p = index.position(text, offset, threatls::syntax::PositionEncoding::Utf8);
        format!("{}:{}", p.line + 1, p.col + 1)
    };
    let mut entries: Vec<(u32, String)> = Vec::new();
    for a in &scan.annotations {
        let mut out = String::new();
        let _ = write!(out, "{} @{}", pos(a.range.start), a.verb.as_str());
        if a.dialect == Dialect::Threatspec {
            out.push_str(" (threatspec)");
        }
        if let Some(d) = &a.definition {
            let _ = write!(out, " def={:?}", d.name.value);
            if let Some(id) = &d.id {
                let _ = write!(out, " id={}", id.value);
            }
        }
        for r in &a.refs {
            let role = match r.role {
                Role::Asset => "asset",
                Role::Threat => "threat",
                Role::Control => "control",
                Role::Actor => "actor",
            };
            let _ = write!(out, " {role}=");
            if let Some(name) = &r.name {
                let _ = write!(out, "{name:?}");
            }
            if let Some(id) = &r.id {
                let _ = write!(out, "#{}", id.value);
                let written = &text[id.range.start as usize..id.range.end as usize];
                assert_eq!(written, id.value, "the id's range does not cover the id");
            }
        }
        if let Some(s) = &a.severity {
            let _ = write!(out, " severity={}", s.value.as_str());
        }
        if !a.ext_refs.is_empty() {
            let refs: Vec<&str> = a.ext_refs.iter().map(|r| r.value.as_str()).collect();
            let _ = write!(out, " refs=[{}]", refs.join(", "));
        }
        match &a.detail {
            Some(Detail::Mechanism(m)) => {
                let _ = write!(out, " via={:?}", m.value);
            }
            Some(Detail::Classification(c)) => {
                let _ = write!(out, " classification={}", c.value);
            }
            Some(Detail::Owner(o)) => {
                let _ = write!(out, " owner={}", o.value);
            }
            Some(Detail::Capability(c)) => {
                let _ = write!(out, " capability={}", c.value);
            }
            Some(Detail::Feature(f)) => {
                let _ = write!(out, " feature={:?}", f.value);
            }
            Some(Detail::Source { file, line, symbol }) => {
                let _ = write!(out, " source={}:{line}", file.value);
                if let Some(s) = symbol {
                    let _ = write!(out, " symbol={}", s.value);
                }
            }
            None => {}
        }
        if let Some(d) = &a.description {
            let _ = write!(out, " -- {d:?}");
        }
        entries.push((a.range.start, out));
    }
    for d in &scan.diagnostics {
        entries.push((
            d.range.start,
            format!("{} {}[{}] {}", pos(d.range.start), d.severity.as_str(), d.code.as_str(), d.message),
        ));
    }
    entries.sort_by_key(|(offset, _)| *offset);
    let mut out: String = entries.into_iter().map(|(_, line)| line + "\n").collect();
    if out.is_empty() {
        out.push_str("no annotations\n");
    }
    for line in &scan.lines {
        let range = index.line_range(text, line.number).unwrap();
        let expected = &text[range.as_usize()];
        assert!(expected.starts_with(&line.text), "kept line {} does not match the file", line.number);
    }
    out
}
