//! Diagnostics as compiler-style text and as JSON.

use std::fmt::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::analysis::{FileKind, Skipped, SourceFile, Workspace, mib};
use crate::annotations::Dialect;
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::{PositionEncoding, TextRange};

/// The files of one workspace whose diagnostics are reported.
pub struct WorkspaceReport<'a> {
    pub workspace: &'a Workspace,
    /// The workspace's root directory, which its paths are relative to.
    pub root: &'a Path,
    /// Workspace paths to report, in order.
    pub paths: Vec<String>,
    /// How a workspace path is shown to the user.
    pub display: &'a dyn Fn(&str) -> String,
    /// How many source files were read for annotations (most hold none and are not kept).
    pub source_files: usize,
    /// Source files not read, and why.
    pub skipped: Vec<(String, Skipped)>,
}

impl std::fmt::Debug for WorkspaceReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceReport").field("paths", &self.paths).finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub model_files: usize,
    pub source_files: usize,
    pub annotations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub information: usize,
    pub hints: usize,
}

impl Summary {
    pub(super) fn of(reports: &[WorkspaceReport<'_>]) -> Summary {
        let mut summary = Summary::default();
        for report in reports {
            summary.source_files += report.source_files;
            for file in report.paths.iter().filter_map(|p| report.workspace.file(p)) {
                match file.kind {
                    FileKind::Model => summary.model_files += 1,
                    FileKind::Code => summary.annotations += file.annotations.len(),
                    FileKind::Config => {}
                }
            }
        }
        summary
    }

    pub(super) fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Information => self.information += 1,
            Severity::Hint => self.hints += 1,
        }
    }
}

fn style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::BrightRed,
        Severity::Warning => AnsiColor::BrightYellow,
        Severity::Information => AnsiColor::BrightBlue,
        Severity::Hint => AnsiColor::BrightCyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

const BOLD: Style = Style::new().bold();
const GUTTER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlue))).bold();

/// `file:line:col: severity[code]: message`, the source line and a caret under the range.
/// Lines and columns are 1-based; columns count characters. `color` adds ANSI styles.
pub fn render_text(reports: &[WorkspaceReport<'_>], color: bool) -> (String, Summary) {
    let paint = |s: Style, text: &str| {
        if color { format!("{}{text}{}", s.render(), s.render_reset()) } else { text.to_owned() }
    };
    let mut out = String::new();
    let mut summary = Summary::of(reports);
    for report in reports {
        for path in &report.paths {
            let Some(file) = report.workspace.file(path) else { continue };
            for d in report.workspace.diagnostics(path) {
                summary.count(d.severity);
                let (line, col) = line_col(report.workspace, path, d.range.start);
                let head = format!("{}:{line}:{col}:", (report.display)(path));
                let severity = format!("{}[{}]", d.severity.as_str(), d.code.as_str());
                let _ = writeln!(
                    out,
                    "{} {}: {}",
                    paint(BOLD, &head),
                    paint(style(d.severity), &severity),
                    paint(BOLD, &d.message)
                );
                snippet(&mut out, file, d.range, &paint);
                for r in &d.related {
                    let (line, col) = line_col(report.workspace, &r.path, r.range.start);
                    let _ = writeln!(
                        out,
                        "  {} {}:{line}:{col}: {}",
                        paint(GUTTER, "= note:"),
                        (report.display)(&r.path),
                        r.message
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "{}", summary_line(&summary));
    notes(&mut out, reports, &paint);
    (out, summary)
}

/// One note per kind of skipped file, naming a few.
fn notes(out: &mut String, reports: &[WorkspaceReport<'_>], paint: &dyn Fn(Style, &str) -> String) {
    let skipped: Vec<(String, &Skipped)> =
        reports.iter().flat_map(|r| r.skipped.iter().map(|(p, why)| ((r.display)(p), why))).collect();
    for note in crate::analysis::skipped_notes(&skipped) {
        let _ = writeln!(out, "{} {note}", paint(GUTTER, "note:"));
    }
}

/// Lines longer than this are shown as a window around the range.
const MAX_SNIPPET_CHARS: usize = 120;

fn snippet(out: &mut String, file: &SourceFile, range: TextRange, paint: &dyn Fn(Style, &str) -> String) {
    let Some((number, start, line)) = file.line_at(range.start) else { return };
    let end = start + u32::try_from(line.len()).unwrap_or(0);
    let local = |offset: u32| (offset.clamp(start, end) - start) as usize;
    let before = line.get(..local(range.start)).unwrap_or("");
    let marked = line.get(local(range.start)..local(range.end)).unwrap_or("");
    let after = line.get(local(range.end)..).unwrap_or("");
    let (before, marked, after) = window(before, marked, after);
    let number = (number + 1).to_string();
    let pad = " ".repeat(number.len());
    // Keep tabs so the caret lines up with the source line however wide the terminal draws them.
    let indent: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let carets = "^".repeat(marked.chars().count().max(1));
    let _ = writeln!(out, "{pad} {}", paint(GUTTER, "|"));
    let _ = writeln!(out, "{} {before}{marked}{after}", paint(GUTTER, &format!("{number} |")));
    let _ = writeln!(out, "{pad} {} {indent}{}", paint(GUTTER, "|"), paint(BOLD, &carets));
}

/// Shortens a long line to about [`MAX_SNIPPET_CHARS`] around the marked part, with `...`.
fn window(before: &str, marked: &str, after: &str) -> (String, String, String) {
    let count = |s: &str| s.chars().count();
    if count(before) + count(marked) + count(after) <= MAX_SNIPPET_CHARS {
        return (before.to_owned(), marked.to_owned(), after.to_owned());
    }
    let keep_before = 30;
    let before = if count(before) > keep_before {
        let tail: String = before.chars().skip(count(before) - keep_before).collect();
        format!("...{tail}")
    } else {
        before.to_owned()
    };
    let room = MAX_SNIPPET_CHARS.saturating_sub(count(&before));
    let marked: String = marked.chars().take(room).collect();
    let room = room.saturating_sub(count(&marked));
    let after = if count(after) > room {
        format!("{}...", after.chars().take(room).collect::<String>())
    } else {
        after.to_owned()
    };
    (before, marked, after)
}

fn line_col(workspace: &Workspace, path: &str, offset: u32) -> (u32, u32) {
    let Some(file) = workspace.file(path) else { return (1, 1) };
    let pos = file.position(offset, PositionEncoding::Utf32);
    (pos.line + 1, pos.col + 1)
}

fn summary_line(s: &Summary) -> String {
    let mut files = plural(s.model_files, "model file");
    if s.source_files > 0 {
        files.push_str(&format!(
            " and {} ({})",
            plural(s.source_files, "source file"),
            plural(s.annotations, "annotation")
        ));
    }
    if s.errors + s.warnings + s.information + s.hints == 0 {
        return format!("Checked {files}: no problems found.");
    }
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.information > 0 {
        parts.push(format!("{} information", s.information));
    }
    if s.hints > 0 {
        parts.push(plural(s.hints, "hint"));
    }
    format!("Checked {files}: {}.", parts.join(", "))
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[derive(Serialize)]
struct JsonReport {
    diagnostics: Vec<JsonDiagnostic>,
    annotations: Vec<JsonAnnotation>,
    skipped: Vec<JsonSkipped>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonAnnotation {
    file: String,
    range: JsonRange,
    verb: &'static str,
    dialect: &'static str,
    /// Every id the annotation defines or references.
    ids: Vec<String>,
}

#[derive(Serialize)]
struct JsonSkipped {
    file: String,
    reason: String,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    file: String,
    range: JsonRange,
    severity: &'static str,
    code: &'static str,
    message: String,
    related: Vec<JsonRelated>,
    fix: Option<JsonFix>,
}

#[derive(Serialize)]
struct JsonRelated {
    file: String,
    range: JsonRange,
    message: String,
}

#[derive(Serialize)]
struct JsonFix {
    title: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEdit {
    range: JsonRange,
    new_text: String,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

/// Zero-based, `character` in UTF-16 code units: LSP's positions.
#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

/// One JSON document: `{"diagnostics": [...], "summary": {...}}`.
pub fn render_json(reports: &[WorkspaceReport<'_>]) -> (String, Summary) {
    let mut summary = Summary::of(reports);
    let mut diagnostics = Vec::new();
    let mut annotations = Vec::new();
    let mut skipped = Vec::new();
    for report in reports {
        let range = |path: &str, r: TextRange| {
            let pos = |offset| {
                let p = report.workspace.file(path).map(|f| f.position(offset, PositionEncoding::Utf16));
                p.map_or(JsonPosition { line: 0, character: 0 }, |p| JsonPosition { line: p.line, character: p.col })
            };
            JsonRange { start: pos(r.start), end: pos(r.end) }
        };
        for path in &report.paths {
            for d in report.workspace.diagnostics(path) {
                summary.count(d.severity);
                diagnostics.push(json_diagnostic(&d, path, report, &range));
            }
            for a in report.workspace.file(path).map_or(&[][..], |f| f.annotations.as_slice()) {
                let ids = a.definition.iter().filter_map(|d| d.id.as_ref().map(|id| id.value.clone()));
                let refs = a.refs.iter().filter_map(|r| r.id.as_ref().map(|id| id.value.clone()));
                annotations.push(JsonAnnotation {
                    file: (report.display)(path),
                    range: range(path, a.range),
                    verb: a.verb.as_str(),
                    dialect: match a.dialect {
                        Dialect::GuardLink => "guardlink",
                        Dialect::Threatspec => "threatspec",
                    },
                    ids: ids.chain(refs).collect(),
                });
            }
        }
        for (path, why) in &report.skipped {
            skipped.push(JsonSkipped { file: (report.display)(path), reason: skipped_reason(why) });
        }
    }
    let text =
        serde_json::to_string_pretty(&JsonReport { diagnostics, annotations, skipped, summary }).unwrap_or_default();
    (format!("{text}\n"), summary)
}

/// Why a source file was not read, in a few words.
pub(super) fn skipped_reason(why: &Skipped) -> String {
    match why {
        Skipped::TooLarge(len) => format!("{}, over the source file size limit", mib(*len)),
        Skipped::Binary => "binary".to_owned(),
        Skipped::Unreadable(reason) => reason.clone(),
    }
}

fn json_diagnostic(
    d: &Diagnostic,
    path: &str,
    report: &WorkspaceReport<'_>,
    range: &dyn Fn(&str, TextRange) -> JsonRange,
) -> JsonDiagnostic {
    JsonDiagnostic {
        file: (report.display)(path),
        range: range(path, d.range),
        severity: d.severity.as_str(),
        code: d.code.as_str(),
        message: d.message.clone(),
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                file: (report.display)(&r.path),
                range: range(&r.path, r.range),
                message: r.message.clone(),
            })
            .collect(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            title: f.title.clone(),
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit { range: range(path, e.range), new_text: e.new_text.clone() })
                .collect(),
        }),
    }
}
