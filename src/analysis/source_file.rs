//! One model file: its input decoded, parsed and lowered, with its own diagnostics.

use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_MODEL_FILE_BYTES;
use crate::model::{ModelFile, lower};
use crate::syntax::{LineIndex, TextRange, Value, parse_yaml};

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

#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    /// The text analysed; empty when the file could not be read or decoded as a whole.
    pub text: String,
    pub line_index: LineIndex,
    pub presence: Presence,
    pub model: ModelFile,
    /// Diagnostics that need only this file.
    pub diagnostics: Vec<Diagnostic>,
}

impl SourceFile {
    pub fn new(path: &str, input: FileInput) -> SourceFile {
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
        let text = text.unwrap_or_default();
        if presence == Presence::Present && diagnostics.is_empty() {
            model = parse_model(&text, &mut diagnostics);
        }
        for d in &mut diagnostics {
            for r in d.related.iter_mut().filter(|r| r.path.is_empty()) {
                r.path = path.to_owned();
            }
        }
        SourceFile { path: path.to_owned(), line_index: LineIndex::new(&text), text, presence, model, diagnostics }
    }
}

fn parse_model(text: &str, diagnostics: &mut Vec<Diagnostic>) -> ModelFile {
    let parsed = parse_yaml(text);
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
        return ModelFile::default();
    };
    if !matches!(root.value, Value::Mapping(_)) {
        let msg = format!(
            "a model file must be a YAML mapping that starts with `threatmodel: 1`; this one holds {}",
            root.describe()
        );
        diagnostics.push(Diagnostic::new(Code::WrongType, root.range, msg));
        return ModelFile::default();
    }
    lower(text, &root, diagnostics)
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
