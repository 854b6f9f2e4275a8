//! Bad input is normal input: mutated fixtures and random bytes go through the whole analysis
//! (and every position conversion) without a panic. A fixed-seed generator keeps it repeatable;
//! the fuzz targets explore further.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use support::rng::Rng;
use threatls::analysis::{FileInput, Options, Workspace};
use threatls::date::Date;
use threatls::syntax::{LineCol, LineIndex, PositionEncoding};

const PIECES: &[&[u8]] = &[
    b":",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"!!str ",
    b"\"",
    b"'",
    b"|\n",
    b">-\n",
    b"#",
    b"\t",
    b"\r",
    b"\r\n",
    b"\n",
    b"\n  ",
    b"---\n",
    b"...\n",
    b"\xF0\x9F\x98\x80",
    b"\xC3",
    b"\0",
    b"~",
    b"? ",
    b"id: ",
    b"threats:\n  - ",
    b"affects: [",
    b"accepted: {",
    b"until: 2026-02-30",
    b"includes: [../x]",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => bytes.splice(at..at, PIECES[rng.below(PIECES.len())].iter().copied()).for_each(drop),
            1 if !bytes.is_empty() => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 if at < bytes.len() => bytes[at] = rng.next() as u8,
            _ => bytes.truncate(at),
        }
    }
    bytes
}

fn analyse_everything(files: &[(String, Vec<u8>)]) {
    let mut ws = Workspace::new(Options::new(Date::parse("2026-06-15").unwrap()));
    for (path, bytes) in files {
        ws.set_file(path, FileInput::Bytes(bytes.clone()));
    }
    // The same bytes as source code, in a few comment syntaxes.
    for (path, bytes) in files.iter().take(1) {
        for ext in ["rs", "py", "html", "gal"] {
            ws.set_file(&format!("{path}.{ext}"), FileInput::Bytes(bytes.clone()));
        }
    }
    for path in ws.unloaded_includes() {
        ws.set_file(&path, FileInput::Missing);
    }
    let paths: Vec<String> = ws.paths().map(str::to_owned).collect();
    for path in &paths {
        let file = ws.file(path).unwrap();
        let len = file.text.len() as u32;
        for d in ws.diagnostics(path) {
            assert!(d.range.start <= d.range.end, "{path}: range {:?}", d.range);
            if file.kind == threatls::analysis::FileKind::Model {
                assert!(d.range.end <= len, "{path}: range {:?} outside {len}", d.range);
            }
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                let pos = file.position(d.range.start, encoding);
                let back = file.line_index.offset(&file.text, pos, encoding);
                assert!(back <= len);
            }
        }
    }
    let report = threatls::cli::WorkspaceReport {
        workspace: &ws,
        root: std::path::Path::new("/workspace"),
        paths,
        display: &|p: &str| p.to_owned(),
        source_files: 0,
        skipped: Vec::new(),
    };
    let _ = threatls::cli::render_text(std::slice::from_ref(&report), false);
    let _ = threatls::cli::render_json(std::slice::from_ref(&report));
    let _ = threatls::cli::render_sarif(&[report], std::path::Path::new("/"));
    for format in threatls::export::Format::ALL {
        let _ = threatls::export::export(&ws, format);
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::fs::read_dir(root.join("tests/fixtures/rules")).unwrap().map(|e| e.unwrap().path());
    let cases = rules.flat_map(|dir| [dir.join("fail.yaml"), dir.join("pass.yaml")]);
    // The export fixtures, for their boundaries, flows and hostile text.
    let exports = std::fs::read_dir(root.join("tests/export")).unwrap().map(|e| e.unwrap().path());
    let mut seeds: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
    for case in cases.chain(exports.filter(|p| p.extension().is_some_and(|e| e == "yaml"))) {
        let fixture = support::parse_fixture(&std::fs::read_to_string(case).unwrap());
        let files = fixture
            .files
            .into_iter()
            .filter_map(|(p, input)| match input {
                FileInput::Bytes(b) if b.len() < 100_000 => Some((p, b)),
                _ => None,
            })
            .collect();
        seeds.push(files);
    }
    let mut rng = Rng::new(0x5EED_CAFE_F00D_D00D);
    let mut runs = 0;
    for _ in 0..60 {
        for seed in &seeds {
            let files: Vec<(String, Vec<u8>)> = seed.iter().map(|(p, b)| (p.clone(), mutate(&mut rng, b))).collect();
            analyse_everything(&files);
            runs += 1;
        }
    }
    assert!(runs > 3000);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng::new(42);
    for _ in 0..2000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if rng.below(2) == 0 { rng.next() as u8 } else { PIECES[rng.below(PIECES.len())][0] })
            .collect();
        analyse_everything(&[("threatmodel.yaml".into(), bytes)]);
    }
}

#[test]
fn positions_clamp_everywhere() {
    let mut rng = Rng::new(7);
    let texts = ["", "a", "a\r\nb\rc\n", "é😀\r\n\r\n😀x", "\n\n\n", "x: [1, 2]\r"];
    for text in texts {
        let index = LineIndex::new(text);
        for _ in 0..2000 {
            let pos = LineCol { line: rng.below(8) as u32, col: rng.below(12) as u32 };
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                let offset = index.offset(text, pos, encoding);
                assert!(text.is_char_boundary(offset as usize), "{text:?} {pos:?} -> {offset}");
                let again = index.position(text, offset, encoding);
                assert_eq!(index.offset(text, again, encoding), offset);
            }
        }
    }
}
