//! One file of the workspace: a model file decoded, parsed and lowered, or a source file
//! scanned for annotations; each with the diagnostics that need only that file.

use crate::annotations::{self, Annotation, KeptLine, Verb};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_MODEL_FILE_BYTES, MAX_SOURCE_FILE_BYTES};
use std::sync::Arc;

use crate::model::{Detail, Element, Kind, Mitigation, ModelFile, Status, Threat, lower, lower_items};
use crate::syntax::{LineCol, LineIndex, Node, PositionEncoding, Shift, TextRange, Value, parse_yaml, reparse};

/// What a face hands the core for one path.
#[derive(Clone, Debug)]
pub enum FileInput {
    /// Text from an editor buffer, or already decoded.
    Text(String),
    /// A file's bytes as read from disk; the core decodes them.
    Bytes(Vec<u8>),
    /// The file exists but is over the size limit; its length, from its metadata.
    TooLarge { len: u64 },
    /// The file could not be read; why.
    Unreadable(String),
    /// There is no such file (an include that points nowhere).
    Missing,
}

/// Whether a path holds something readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    Present,
    Unreadable(String),
    Missing,
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A threat-model YAML file.
    Model,
    /// A source file, read for the annotations in its comments.
    Code,
    /// `threatls.toml`.
    Config,
}

/// Why a source file was not scanned (reported as a note, not a diagnostic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    TooLarge(u64),
    Binary,
    Unreadable(String),
}

/// One line per kind of skipped file, naming the first few (`path`, why), for a face to show:
/// "skipped 2 binary source files: a.js, b.js".
pub fn skipped_notes(skipped: &[(String, &Skipped)]) -> Vec<String> {
    let limit = mib(MAX_SOURCE_FILE_BYTES);
    let kinds = [
        (0, "binary source file", String::new()),
        (1, "source file", format!(" over the {limit} limit")),
        (2, "unreadable source file", String::new()),
    ];
    let which = |s: &Skipped| match s {
        Skipped::Binary => 0,
        Skipped::TooLarge(_) => 1,
        Skipped::Unreadable(_) => 2,
    };
    let mut notes = Vec::new();
    for (kind, noun, tail) in kinds {
        let files: Vec<String> = skipped
            .iter()
            .filter(|(_, why)| which(why) == kind)
            .map(|(p, why)| match why {
                Skipped::TooLarge(len) => format!("{p} ({})", mib(*len)),
                Skipped::Unreadable(reason) => format!("{p} ({reason})"),
                Skipped::Binary => p.clone(),
            })
            .collect();
        if files.is_empty() {
            continue;
        }
        let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
        let more = if files.len() > 3 { format!(" and {} more", files.len() - 3) } else { String::new() };
        let count = files.len();
        let noun = if count == 1 { noun.to_owned() } else { format!("{noun}s") };
        notes.push(format!("skipped {count} {noun}{tail}: {}{more}", shown.join(", ")));
    }
    notes
}

/// A size in MiB with one decimal, as notes and reports show it.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub kind: FileKind,
    /// A model file's text; empty for source files, whose text is not kept.
    pub text: String,
    pub line_index: LineIndex,
    /// The lines of a source file that annotations and diagnostics are on.
    pub kept_lines: Vec<KeptLine>,
    pub presence: Presence,
    /// What the file says: a model's elements, or the definitions of a source file's annotations.
    pub model: ModelFile,
    pub annotations: Vec<Annotation>,
    pub skipped: Option<Skipped>,
    /// The settings, for `threatls.toml`.
    pub config: Option<Config>,
    /// A model file's YAML, for editor features that need the structure around a position.
    pub tree: Option<Node>,
    /// Diagnostics that need only this file.
    pub diagnostics: Vec<Diagnostic>,
    /// A model file whose YAML read without a diagnostic: an edit of it may be read again
    /// incrementally (see [`SourceFile::edit`]).
    yaml_clean: bool,
    /// What the file defines and names, hashed ([`super::identity`]); set as it enters the
    /// workspace.
    pub(super) identity: u64,
}

impl SourceFile {
    pub fn new(path: &str, input: FileInput, kind: FileKind) -> SourceFile {
        if kind == FileKind::Code {
            return SourceFile::code(path, input);
        }
        let is_config = kind == FileKind::Config;
        let mut diagnostics = Vec::new();
        let mut presence = Presence::Present;
        let text = match input {
            FileInput::Text(text) => checked_text(text, &mut diagnostics),
            FileInput::Bytes(bytes) => decode(bytes, &mut diagnostics),
            FileInput::TooLarge { len } => {
                diagnostics.push(too_large(len));
                None
            }
            FileInput::Unreadable(reason) => {
                diagnostics.push(Diagnostic::new(
                    Code::UnreadableFile,
                    TextRange::empty(0),
                    format!("cannot read this file: {reason}"),
                ));
                presence = Presence::Unreadable(reason);
                None
            }
            FileInput::Missing => {
                presence = Presence::Missing;
                None
            }
        };
        let mut model = ModelFile::default();
        let mut tree = None;
        let mut config = None;
        let mut yaml_clean = false;
        let text = text.unwrap_or_default();
        if presence == Presence::Present && diagnostics.is_empty() {
            if is_config {
                let (parsed, found) = Config::parse(&text);
                config = Some(parsed);
                diagnostics.extend(found);
            } else {
                (model, tree, yaml_clean) = parse_model(&text, &mut diagnostics);
            }
        }
        for d in &mut diagnostics {
            for r in d.related.iter_mut().filter(|r| r.path.is_empty()) {
                r.path = path.to_owned();
            }
        }
        SourceFile {
            path: path.to_owned(),
            kind,
            line_index: LineIndex::new(&text),
            text,
            kept_lines: Vec::new(),
            presence,
            model,
            annotations: Vec::new(),
            skipped: None,
            config,
            tree,
            diagnostics,
            yaml_clean,
            identity: 0,
        }
    }

    /// A document open in an editor: like [`SourceFile::new`], but a source file keeps its text,
    /// which the editor features need.
    pub fn open(path: &str, text: String, kind: FileKind) -> SourceFile {
        if kind != FileKind::Code {
            return SourceFile::new(path, FileInput::Text(text), kind);
        }
        let mut file = SourceFile::scan_code(path, text.as_bytes());
        file.line_index = LineIndex::new(&text);
        file.text = text;
        file
    }

    /// An open document after an edit: what [`SourceFile::open`] gives for `text`. For a model
    /// file whose edit stays inside the items of a top-level list, only those items are read
    /// and lowered again (see [`crate::syntax::reparse`]); the rest is kept.
    pub fn edit(old: Arc<SourceFile>, text: String) -> SourceFile {
        let (path, kind) = (old.path.clone(), old.kind);
        let readable = text.len() as u64 <= MAX_MODEL_FILE_BYTES && memchr::memchr(0, text.as_bytes()).is_none();
        if kind != FileKind::Model || !old.yaml_clean || old.tree.is_none() || !readable {
            return SourceFile::open(&path, text, kind);
        }
        let mut old = Arc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone());
        let Some(tree) = old.tree.take() else { return SourceFile::open(&path, text, kind) };
        let Ok((parsed, splice)) = reparse(tree, &old.text, &text) else { return SourceFile::open(&path, text, kind) };
        let Some(root) = parsed.root else { return SourceFile::open(&path, text, kind) };
        let Ok(delta) = i64::try_from(text.len()).map(|n| n - i64::try_from(old.text.len()).unwrap_or(n)) else {
            return SourceFile::open(&path, text, kind);
        };
        let items = root
            .as_mapping()
            .and_then(|m| m.get(&splice.section))
            .and_then(|e| e.value.as_sequence())
            .and_then(|s| s.items.get(splice.items.clone()))
            .unwrap_or_default();
        let mut found = Vec::new();
        match lower_items(&text, &splice.section, items, &mut found) {
            Some(part) => {
                old.model.splice(splice.old, delta, part);
                let window = splice.old;
                old.diagnostics.retain(|d| !(window.start <= d.range.start && d.range.start < window.end));
                old.diagnostics.shift_from(window.end, delta);
            }
            None => {
                old.diagnostics.clear();
                old.model = lower(&text, &root, &mut found);
            }
        }
        for d in &mut found {
            for r in d.related.iter_mut().filter(|r| r.path.is_empty()) {
                r.path.clone_from(&path);
            }
        }
        old.diagnostics.extend(found);
        old.line_index = old.line_index.edited(&text, splice.old.start, splice.old.end, splice.new.end);
        old.text = text;
        old.tree = Some(root);
        old
    }

    /// A source file: scanned for annotations, then only they and their lines are kept.
    fn code(path: &str, input: FileInput) -> SourceFile {
        let mut file = SourceFile::empty_code(path);
        match input {
            FileInput::Text(text) => return SourceFile::scan_code(path, text.as_bytes()),
            FileInput::Bytes(bytes) => return SourceFile::scan_code(path, &bytes),
            FileInput::TooLarge { len } => file.skipped = Some(Skipped::TooLarge(len)),
            FileInput::Unreadable(reason) => {
                file.presence = Presence::Unreadable(reason.clone());
                file.skipped = Some(Skipped::Unreadable(reason));
            }
            FileInput::Missing => file.presence = Presence::Missing,
        }
        file
    }

    fn empty_code(path: &str) -> SourceFile {
        SourceFile {
            path: path.to_owned(),
            kind: FileKind::Code,
            text: String::new(),
            line_index: LineIndex::new(""),
            kept_lines: Vec::new(),
            presence: Presence::Present,
            model: ModelFile::default(),
            annotations: Vec::new(),
            skipped: None,
            config: None,
            tree: None,
            diagnostics: Vec::new(),
            yaml_clean: false,
            identity: 0,
        }
    }

    /// Scans a source file's bytes; a face may call this on a reused buffer.
    pub fn scan_code(path: &str, bytes: &[u8]) -> SourceFile {
        let mut file = SourceFile::empty_code(path);
        if bytes.len() as u64 > MAX_SOURCE_FILE_BYTES {
            file.skipped = Some(Skipped::TooLarge(bytes.len() as u64));
        } else if memchr::memchr(0, bytes).is_some() {
            file.skipped = Some(Skipped::Binary);
        } else {
            let scan = annotations::scan(path, bytes);
            file.model.elements = scan.annotations.iter().filter_map(definition).collect();
            file.annotations = scan.annotations;
            file.diagnostics = scan.diagnostics;
            file.kept_lines = scan.lines;
        }
        file
    }

    /// The line holding `offset`: its number, start offset and text (without terminator).
    /// `None` for a source file's line that was not kept, or a file with no text.
    pub fn line_at(&self, offset: u32) -> Option<(u32, u32, &str)> {
        if self.kind != FileKind::Code || !self.text.is_empty() {
            let line = self.line_index.line_col(offset).line;
            let range = self.line_index.line_range(&self.text, line)?;
            return Some((line, range.start, self.text.get(range.as_usize())?));
        }
        let i = self.kept_lines.partition_point(|l| l.start <= offset);
        let kept = self.kept_lines.get(i.checked_sub(1)?)?;
        let within = offset - kept.start <= u32::try_from(kept.text.len()).unwrap_or(u32::MAX);
        within.then_some((kept.number, kept.start, kept.text.as_str()))
    }

    /// The line and column of `offset`, in `encoding`; the file's start when the line is not
    /// known.
    pub fn position(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        if self.kind != FileKind::Code || !self.text.is_empty() {
            return self.line_index.position(&self.text, offset, encoding);
        }
        let Some((number, start, text)) = self.line_at(offset) else { return LineCol { line: 0, col: 0 } };
        let col = LineIndex::new(text).position(text, offset - start, encoding).col;
        LineCol { line: number, col }
    }
}

/// The element an annotation with an id defines, in the model's terms: `@asset` and `@actor`
/// are assets, `@threat` a threat, `@control` an implemented mitigation, `@boundary` a boundary.
fn definition(a: &Annotation) -> Option<Element> {
    let def = a.definition.as_ref()?;
    let id = def.id.clone()?;
    let (kind, detail) = match a.verb {
        Verb::Asset => (Kind::Asset, Detail::Asset { asset_kind: None, boundary: None }),
        Verb::Actor => (Kind::Asset, Detail::Asset { asset_kind: None, boundary: None }),
        Verb::Boundary => (Kind::Boundary, Detail::Boundary { parent: None }),
        Verb::Threat => (
            Kind::Threat,
            Detail::Threat(Threat {
                class: None,
                severity: a.severity.clone(),
                affects: Vec::new(),
                affects_flawed: false,
                accepted: None,
            }),
        ),
        Verb::Control => (
            Kind::Mitigation,
            Detail::Mitigation(Mitigation {
                mitigates: Vec::new(),
                on: None,
                status: Status::Implemented,
                status_range: None,
            }),
        ),
        _ => return None,
    };
    Some(Element { kind, id, name: Some(def.name.clone()), range: a.range, complete: true, detail })
}

/// The lowered model, the tree, and whether the YAML read without a diagnostic.
fn parse_model(text: &str, diagnostics: &mut Vec<Diagnostic>) -> (ModelFile, Option<Node>, bool) {
    let parsed = parse_yaml(text);
    let clean = parsed.diagnostics.is_empty();
    diagnostics.extend(parsed.diagnostics);
    let Some(root) = parsed.root.filter(|r| !r.is_null()) else {
        if diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::EmptyFile,
                    TextRange::empty(0),
                    "this model file is empty; a model starts with `threatmodel: 1` and a `title:`",
                )
                .with_fix("Start a model", TextRange::empty(0), "threatmodel: 1\ntitle: My system\n"),
            );
        }
        return (ModelFile::default(), None, false);
    };
    if !matches!(root.value, Value::Mapping(_)) {
        let msg = format!(
            "a model file must be a YAML mapping that starts with `threatmodel: 1`; this one holds {}",
            root.describe()
        );
        diagnostics.push(Diagnostic::new(Code::WrongType, root.range, msg));
        return (ModelFile::default(), Some(root), false);
    }
    let model = lower(text, &root, diagnostics);
    (model, Some(root), clean)
}

fn too_large(len: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        TextRange::empty(0),
        format!(
            "this file is {}, over the {} limit for model files, so it is not read; split it into several files joined with `includes:`",
            size(len),
            size(MAX_MODEL_FILE_BYTES)
        ),
    )
}

fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

/// Decodes a file's bytes. The text kept for a file that fails to decode is for showing the
/// diagnostic's line only; such a file is not parsed.
fn decode(bytes: Vec<u8>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    if bytes.len() as u64 > MAX_MODEL_FILE_BYTES {
        diagnostics.push(too_large(bytes.len() as u64));
        return None;
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Some(binary(&bytes, nul, diagnostics));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(valid).copied().unwrap_or(0);
            // Invalid bytes become U+FFFD from `valid` on, so offsets up to it are unchanged.
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let at = u32::try_from(valid).unwrap_or(u32::MAX);
            diagnostics.push(Diagnostic::new(
                Code::NotUtf8,
                TextRange::new(at, at + 3),
                format!("this file is not valid UTF-8: byte 0x{bad:02X} here does not start a character; save the file as UTF-8"),
            ));
            Some(text)
        }
    }
}

fn checked_text(text: String, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    if text.len() as u64 > MAX_MODEL_FILE_BYTES {
        diagnostics.push(too_large(text.len() as u64));
        return None;
    }
    match text.bytes().position(|b| b == 0) {
        Some(nul) => Some(binary(text.as_bytes(), nul, diagnostics)),
        None => Some(text),
    }
}

/// Reports a NUL byte at its position; returns the text before it, to show that line.
fn binary(bytes: &[u8], nul: usize, diagnostics: &mut Vec<Diagnostic>) -> String {
    let before = String::from_utf8_lossy(bytes.get(..nul).unwrap_or_default()).into_owned();
    let at = u32::try_from(before.len()).unwrap_or(u32::MAX);
    diagnostics.push(Diagnostic::new(
        Code::BinaryFile,
        TextRange::empty(at),
        "this file contains a NUL byte here, so it looks binary; a model file must be YAML text",
    ));
    before
}
