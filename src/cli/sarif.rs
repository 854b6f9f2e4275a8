//! `--format sarif`: the diagnostics as a SARIF 2.1.0 log, for GitHub code scanning and other
//! SARIF viewers.
//!
//! One run holds every rule threatls has (so the rule set, and each rule's index, is the same
//! whatever was found, and a viewer has the help of any rule), the results of every reported file
//! relative to `%SRCROOT%`, the repository root, with regions in UTF-16 code units, the CWE
//! entries cited by the threats results are about (and by the annotations they are on), and a
//! fingerprint per result that survives lines moving.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::{Value, json};

use super::render::{Summary, WorkspaceReport, skipped_reason};
use super::rule_docs::rule_doc;
use crate::analysis::Workspace;
use crate::catalog::{Catalog, cwe_link, cwe_number};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::limits::MAX_SARIF_RESULTS;
use crate::syntax::{LineCol, PositionEncoding, TextRange};

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; its version changes whenever the recipe in [`fingerprint`]
/// does, so results hashed by an older recipe are not mistaken for others.
const FINGERPRINT: &str = "threatls/v1";

/// The log for `reports`, whose workspace roots all lie under `base`, the directory result URIs
/// are relative to.
pub fn render_sarif(reports: &[WorkspaceReport<'_>], base: &Path) -> (String, Summary) {
    let mut summary = Summary::of(reports);
    let mut results: Vec<Sorted> = Vec::new();
    let mut cwes = BTreeSet::new();
    let mut notifications = Vec::new();
    for report in reports {
        let ws = report.workspace;
        let files = Files { workspace: ws, prefix: relative_dir(report.root, base) };
        for path in &report.paths {
            // How often each fingerprint was seen in this file, in the order of its results.
            let mut seen: HashMap<u64, u32> = HashMap::new();
            for d in ws.diagnostics(path) {
                summary.count(d.severity);
                let taxa = cited_cwes(ws, path, &d);
                cwes.extend(taxa.iter().copied());
                results.push(result(&files, path, &d, &taxa, &mut seen));
            }
        }
        for (path, why) in &report.skipped {
            let text = format!("skipped: {}", skipped_reason(why));
            let location = json!({ "physicalLocation": { "artifactLocation": files.artifact(path) } });
            notifications.push(json!({ "level": "note", "message": { "text": text }, "locations": [location] }));
        }
    }
    let left_out = keep_most_severe(&mut results, MAX_SARIF_RESULTS);
    if left_out > 0 {
        let text = format!(
            "{left_out} more results are not included: a log holds at most {MAX_SARIF_RESULTS}, the most severe first"
        );
        notifications.push(json!({ "level": "warning", "message": { "text": text } }));
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run(results.into_iter().map(|r| r.value).collect(), &cwes, notifications, base)],
    });
    let text = serde_json::to_string_pretty(&log).unwrap_or_default();
    (format!("{text}\n"), summary)
}

fn run(results: Vec<Value>, cwes: &BTreeSet<u32>, notifications: Vec<Value>, base: &Path) -> Value {
    let mut driver = json!({
        "name": "threatls",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": Code::ALL.iter().map(|&code| rule(code)).collect::<Vec<_>>(),
    });
    if !cwes.is_empty() {
        insert(&mut driver, "supportedTaxonomies", json!([{ "name": "CWE", "index": 0 }]));
    }
    let mut run = json!({
        "tool": { "driver": driver },
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": directory_uri(base),
                "description": { "text": "The root of the repository (or of the workspace, outside one) that was checked." },
            },
        },
        "columnKind": "utf16CodeUnits",
        "invocations": [{ "executionSuccessful": true, "toolExecutionNotifications": notifications }],
        "results": results,
    });
    if !cwes.is_empty() {
        insert(&mut run, "taxonomies", json!([cwe_taxonomy(cwes)]));
    }
    run
}

fn rule(code: Code) -> Value {
    let doc = rule_doc(code);
    let summary = sentence(code.summary());
    let description = doc.as_ref().map_or_else(|| summary.clone(), |d| d.description.clone());
    let (text, markdown) = doc.map_or_else(|| (summary.clone(), summary.clone()), |d| (d.text, d.markdown));
    json!({
        "id": code.as_str(),
        "name": pascal_case(code.as_str()),
        "shortDescription": { "text": summary },
        "fullDescription": { "text": description },
        "help": { "text": text, "markdown": markdown },
        "helpUri": code.doc_url(),
        "defaultConfiguration": { "level": level(code.default_severity()) },
        "properties": { "tags": tags(code) },
    })
}

/// What a rule is about, for filtering alerts; `security` marks findings about risk, as code
/// scanning expects of security alerts.
fn tags(code: Code) -> &'static [&'static str] {
    match code {
        Code::FileTooLarge | Code::NotUtf8 | Code::BinaryFile | Code::UnreadableFile | Code::EmptyFile => {
            &["threat-model", "file"]
        }
        Code::YamlSyntax | Code::DuplicateKey | Code::LimitExceeded | Code::MultipleDocuments | Code::TomlSyntax => {
            &["threat-model", "syntax"]
        }
        Code::UnsupportedVersion
        | Code::UnknownKey
        | Code::WrongType
        | Code::MissingKey
        | Code::InvalidValue
        | Code::InvalidId
        | Code::InvalidDate
        | Code::InvalidRef
        | Code::UnlistedRef => &["threat-model", "format"],
        Code::DuplicateId
        | Code::UnknownReference
        | Code::WrongReferenceKind
        | Code::UnknownClass
        | Code::IncludeOutsideWorkspace
        | Code::IncludeNotFound => &["threat-model", "references"],
        Code::OpenThreat
        | Code::ExpiredAcceptance
        | Code::IncompleteAcceptance
        | Code::ReviewOverdue
        | Code::ThreatAffectsNothing
        | Code::TargetNotAffected
        | Code::StrideCoverage => &["threat-model", "security"],
        Code::MalformedAnnotation | Code::ProseLike | Code::UnknownVerb | Code::UnmatchedShield => {
            &["annotations", "syntax"]
        }
        Code::UnmitigatedExposure | Code::UnbackedMitigation | Code::ControlNotImplemented => {
            &["annotations", "security"]
        }
    }
}

/// SARIF has three levels that flag something; information and hints are notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// Where one workspace's files are, for URIs relative to `%SRCROOT%`.
struct Files<'a> {
    workspace: &'a Workspace,
    /// The workspace root relative to the base, `/`-separated; empty when it is the base.
    prefix: String,
}

impl Files<'_> {
    fn uri(&self, path: &str) -> String {
        let relative = if self.prefix.is_empty() { path.to_owned() } else { format!("{}/{path}", self.prefix) };
        percent_encode(&relative, "/")
    }

    fn artifact(&self, path: &str) -> Value {
        json!({ "uri": self.uri(path), "uriBaseId": SRCROOT })
    }

    /// Zero-based positions in UTF-16 code units; an end before the start (a range past the
    /// lines known of a source file) becomes the start.
    fn span(&self, path: &str, range: TextRange) -> (LineCol, LineCol) {
        let file = self.workspace.file(path);
        let at = |offset| file.map_or(LineCol { line: 0, col: 0 }, |f| f.position(offset, PositionEncoding::Utf16));
        let start = at(range.start);
        let end = Some(at(range.end)).filter(|e| (e.line, e.col) >= (start.line, start.col)).unwrap_or(start);
        (start, end)
    }

    fn region(&self, path: &str, range: TextRange) -> Value {
        region(self.span(path, range))
    }

    fn physical(&self, path: &str, range: TextRange) -> Value {
        json!({ "artifactLocation": self.artifact(path), "region": self.region(path, range) })
    }
}

/// SARIF counts lines and columns from 1.
fn region((start, end): (LineCol, LineCol)) -> Value {
    json!({
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": end.line + 1,
        "endColumn": end.col + 1,
    })
}

/// A result with what it is sorted by: its place, then its rule and message.
struct Sorted {
    key: (String, u32, u32, u32, u32, &'static str, String),
    severity: Severity,
    value: Value,
}

fn result(files: &Files<'_>, path: &str, d: &Diagnostic, cwes: &[u32], seen: &mut HashMap<u64, u32>) -> Sorted {
    let (start, end) = files.span(path, d.range);
    let key = (files.uri(path), start.line, start.col, end.line, end.col, d.code.as_str(), d.message.clone());
    let hash = fingerprint(files, path, d);
    let occurrence = seen.entry(hash).or_insert(0);
    *occurrence += 1;
    let mut value = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|&c| c == d.code),
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": { "artifactLocation": files.artifact(path), "region": region((start, end)) } }],
        "partialFingerprints": { FINGERPRINT: format!("{hash:016x}:{occurrence}") },
    });
    if !d.related.is_empty() {
        let related: Vec<Value> = (0..)
            .zip(&d.related)
            .map(|(id, r): (u32, _)| {
                json!({ "id": id, "physicalLocation": files.physical(&r.path, r.range), "message": { "text": r.message } })
            })
            .collect();
        insert(&mut value, "relatedLocations", Value::Array(related));
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| json!({ "deletedRegion": files.region(path, e.range), "insertedContent": { "text": e.new_text } }))
            .collect();
        let change = json!({ "artifactLocation": files.artifact(path), "replacements": replacements });
        insert(&mut value, "fixes", json!([{ "description": { "text": fix.title }, "artifactChanges": [change] }]));
    }
    if !cwes.is_empty() {
        let taxa: Vec<Value> = cwes
            .iter()
            .map(|n| json!({ "id": n.to_string(), "toolComponent": { "name": "CWE", "index": 0 } }))
            .collect();
        insert(&mut value, "taxa", Value::Array(taxa));
    }
    Sorted { key, severity: d.severity, value }
}

/// The `threatls/v1` fingerprint: FNV-1a (64 bits) over, each followed by a NUL byte, the rule
/// id, the path relative to `%SRCROOT%`, the id of the threat the result is about (empty when
/// none), the text of the line the result starts on, and the text the result marks on that
/// line, the last two with runs of whitespace made one space and trimmed. The caller appends
/// `:<n>`, counting results of the same file with the same hash in order, so identical lines
/// stay apart. Line and column numbers are left out: a result keeps its identity when lines
/// are inserted or removed above it, or the file is re-indented, and gets a new one when its
/// own line changes. FNV-1a is fixed by its definition, so the value does not depend on the
/// platform or the Rust release (std's hashers promise neither).
fn fingerprint(files: &Files<'_>, path: &str, d: &Diagnostic) -> u64 {
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (line, marked) = files
        .workspace
        .file(path)
        .and_then(|f| f.line_at(d.range.start))
        .map(|(_, start, text)| {
            let end = start + u32::try_from(text.len()).unwrap_or(0);
            let local = |offset: u32| (offset.clamp(start, end) - start) as usize;
            (squeeze(text), squeeze(text.get(local(d.range.start)..local(d.range.end)).unwrap_or("")))
        })
        .unwrap_or_default();
    let uri = files.uri(path);
    let parts = [d.code.as_str(), uri.as_str(), d.threat.as_deref().unwrap_or(""), line.as_str(), marked.as_str()];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The CWE numbers a result is classed under: those the definition of the threat it is about
/// cites, and those on the annotation it is on (`@exposes #api to #idor cwe:CWE-639`).
fn cited_cwes(ws: &Workspace, path: &str, d: &Diagnostic) -> Vec<u32> {
    let def = d.threat.as_deref().and_then(|id| ws.analysis().index.def(id));
    let in_definition = def.into_iter().flat_map(|def| def.ext_refs());
    let annotations = ws.file(path).map_or(&[][..], |f| f.annotations.as_slice());
    let under = annotations.iter().filter(|a| a.range.start <= d.range.start && d.range.start < a.range.end);
    let on_annotation = under.flat_map(|a| &a.ext_refs);
    let cited: BTreeSet<u32> = in_definition.chain(on_annotation).filter_map(|r| cwe_number(&r.value)).collect();
    cited.into_iter().collect()
}

fn cwe_taxonomy(cwes: &BTreeSet<u32>) -> Value {
    let catalog = Catalog::builtin();
    let taxa: Vec<Value> = cwes
        .iter()
        .map(|&n| {
            let mut taxon = json!({ "id": n.to_string(), "helpUri": cwe_link(n) });
            if let Some(entry) = catalog.cwe(n) {
                insert(&mut taxon, "shortDescription", json!({ "text": entry.name }));
            }
            taxon
        })
        .collect();
    json!({
        "name": "CWE",
        "organization": "MITRE",
        "shortDescription": { "text": "The MITRE Common Weakness Enumeration" },
        "informationUri": "https://cwe.mitre.org/",
        "isComprehensive": false,
        "taxa": taxa,
    })
}

/// Keeps at most `max` results, dropping the least severe (code scanning rejects a run with
/// more), and sorts them by place; returns how many were dropped.
fn keep_most_severe(results: &mut Vec<Sorted>, max: usize) -> usize {
    let left_out = results.len().saturating_sub(max);
    if left_out > 0 {
        results.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
        results.truncate(max);
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));
    left_out
}

/// `prefix` of `base`'s descendant `dir`, `/`-separated; empty when it is `base` or not under it.
fn relative_dir(dir: &Path, base: &Path) -> String {
    crate::disk::workspace_path(dir, base).unwrap_or_default()
}

/// A `file:` URI for a directory, ending in `/` so relative URIs resolve inside it.
fn directory_uri(dir: &Path) -> String {
    let path = dir.to_string_lossy().replace('\\', "/");
    // `C:/repo` (Windows) needs the `/` that `/home/repo` has.
    let rooted = if path.starts_with('/') { "" } else { "/" };
    format!("file://{rooted}{}/", percent_encode(path.trim_end_matches('/'), "/:"))
}

/// Escapes every byte but unreserved characters and those in `keep`, as a URI path needs.
fn percent_encode(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let c = char::from(byte);
        if byte.is_ascii_alphanumeric() || "-._~".contains(c) || (byte.is_ascii() && keep.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `unknown-key` as `UnknownKey`: the form SARIF's `name` conventionally takes.
fn pascal_case(code: &str) -> String {
    code.split('-').map(sentence).collect()
}

/// The text with its first letter capitalised.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn insert(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(percent_encode("web/src/log in#1.ts", "/"), "web/src/log%20in%231.ts");
        assert_eq!(percent_encode("a:b/é", "/"), "a%3Ab/%C3%A9");
        assert_eq!(directory_uri(Path::new("/work/my repo")), "file:///work/my%20repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
        assert_eq!(relative_dir(Path::new("/r/examples/shop"), Path::new("/r")), "examples/shop");
        assert_eq!(relative_dir(Path::new("/r"), Path::new("/r")), "");
    }

    #[test]
    fn names() {
        assert_eq!(pascal_case("include-outside-workspace"), "IncludeOutsideWorkspace");
        assert_eq!(sentence("a key"), "A key");
        assert_eq!(sentence("`threatls.toml` is"), "`threatls.toml` is");
    }

    #[test]
    fn the_most_severe_are_kept() {
        let sorted = |line: u32, severity| Sorted {
            key: (String::new(), line, 1, line, 1, "x", String::new()),
            severity,
            value: json!(line),
        };
        let mut results = vec![
            sorted(3, Severity::Hint),
            sorted(2, Severity::Error),
            sorted(1, Severity::Warning),
            sorted(4, Severity::Error),
        ];
        assert_eq!(keep_most_severe(&mut results, 3), 1);
        let kept: Vec<Value> = results.into_iter().map(|r| r.value).collect();
        assert_eq!(kept, vec![json!(1), json!(2), json!(4)]);
    }
}
