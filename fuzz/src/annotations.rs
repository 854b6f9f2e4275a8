//! Bytes as a source file: the first byte picks the file's name, and so its comment syntax (one
//! name per syntax in `annotations/languages.rs`), the rest is its content. The annotation
//! scanner reads it as the CLI's walker does, then the workspace analyses it.

use threatls::analysis::{FileInput, Options, Workspace};
use threatls::annotations::scan;
use threatls::date::Date;

/// One file name for each comment syntax, and the names matched whole.
pub const NAMES: &[&str] = &[
    "src/main.rs",
    "main.go",
    "Main.java",
    "web/app.tsx",
    "app.py",
    "app.rb",
    "index.php",
    "deploy.sh",
    "Dockerfile",
    "build.ps1",
    "schema.sql",
    "init.lua",
    "Main.hs",
    "main.ml",
    "Program.fs",
    "app.erl",
    "paper.tex",
    "index.html",
    "App.vue",
    "main.tf",
    "style.css",
    "style.scss",
    "core.clj",
    "setup.ini",
    "run.bat",
    "Module.vb",
    "main.jl",
    "default.nix",
    "threats.gal",
    "Jenkinsfile",
    "notes.txt",
];

pub fn run(data: &[u8]) {
    let Some((&pick, content)) = data.split_first() else { return };
    let Some(&name) = NAMES.get(usize::from(pick) % NAMES.len()) else { return };
    let found = scan(name, content);
    // Offsets are into the file's text: its lossy decoding when it is not UTF-8.
    let text = String::from_utf8_lossy(content);
    let len = text.len();
    for annotation in &found.annotations {
        let range = annotation.range.as_usize();
        assert!(range.start <= range.end && range.end <= len, "annotation range {range:?} outside {len} bytes");
        assert_eq!(text.as_bytes().get(range.start), Some(&b'@'), "an annotation starts at its `@`");
        let verb = annotation.verb_range;
        assert!(
            annotation.range.start <= verb.start && verb.end <= annotation.range.end,
            "verb {verb:?} outside {range:?}"
        );
        let on_kept_line = found.lines.iter().any(|line| {
            line.start <= annotation.range.start
                && annotation.range.start as usize <= line.start as usize + line.text.len()
        });
        assert!(on_kept_line, "the line of the annotation at {range:?} is not kept");
    }
    for diagnostic in &found.diagnostics {
        let range = diagnostic.range;
        assert!(range.start <= range.end && range.end as usize <= len, "diagnostic {range:?} outside {len} bytes");
    }
    for line in &found.lines {
        // A kept line is cut at a length limit, maybe inside a character, which then shows as U+FFFD.
        let kept = line.text.trim_end_matches('\u{FFFD}');
        let rest = text.get(line.start as usize..).unwrap_or_default();
        assert!(rest.starts_with(kept), "kept line {} is not the text at {}: {:?}", line.number, line.start, line.text);
    }
    for pair in found.lines.windows(2) {
        if let [before, after] = pair {
            assert!(before.number < after.number && before.start < after.start, "kept lines out of order");
        }
    }
    let Some(today) = Date::new(2026, 6, 15) else { return };
    let mut workspace = Workspace::new(Options::new(today));
    workspace.set_file(name, FileInput::Bytes(content.to_vec()));
    let _ = workspace.diagnostics(name);
}
